// One step of a run: a condition node evaluated, or an action node's plugin invoked with its retry verdict and
// its Audit Trail entry. Each is recorded before it runs and again when it ends, so a crash loses no attempt.
import { performance } from 'node:perf_hooks';
import type { ActionhostError, Json } from '@actionhost/sdk';
import type { InvocationLog } from '../../capabilities/index.ts';
import { errorSummary } from '../../errors/index.ts';
import {
  DEFAULT_RETRY_POLICY,
  TRIGGER_NODE_ID,
  WorkflowErrors,
  asActionhostError,
  evaluateCondition,
  parseFieldReference,
  renderInputs,
  type ActionNode,
  type ConditionNode,
} from '../definition/index.ts';
import type { ExecutionContext, RunData, StepResult } from './run-context.ts';
import { redactInputs, redactText, redactValues, secretInputValues } from './redact.ts';
import { judgeAttempt, retryDelayMs, type RetryVerdict } from './retry-policy.ts';
import type { ErrorSummary } from './stored-execution.ts';
import { changeFieldName } from './trigger.ts';

export function runCondition(
  context: ExecutionContext,
  data: RunData,
  node: ConditionNode,
  attempt: number,
): StepResult {
  const seq = context.repository.startStep(context.executionId, {
    nodeId: node.id,
    kind: 'condition',
    title: node.title ?? null,
    plugin: null,
    integrity: null,
    inputs: null,
    attempt,
  });
  const started = performance.now();
  const source = node.source ?? TRIGGER_NODE_ID;
  try {
    const changedFields = new Set((context.event.changes ?? []).map((change) => changeFieldName(change.field)));
    const outcome = evaluateCondition(
      node,
      (field) => data.resolve(parseFieldReference(field), source, `/nodes/${node.id}`),
      (field) => changedFields.has(changeFieldName(field)),
    );
    const path = outcome.result ? 'true' : 'false';
    context.repository.finishStep(context.executionId, seq, {
      status: 'succeeded',
      path,
      output: outcome as unknown as Json,
      error: null,
      durationMs: performance.now() - started,
    });
    data.results.set(node.id, { path, output: outcome as unknown as Json });
    const next = node.next[path];
    return next ? { next } : {};
  } catch (caught) {
    const error = summarize(caught, context.secrets);
    context.repository.finishStep(context.executionId, seq, {
      status: 'failed',
      path: null,
      output: null,
      error,
      durationMs: performance.now() - started,
    });
    return { error };
  }
}

export async function runAction(
  context: ExecutionContext,
  data: RunData,
  node: ActionNode,
  attempt: number,
): Promise<StepResult> {
  const { repository, executionId, published } = context;
  // Secrets sealed in this node's mappings join the credential secrets this step redacts.
  const secrets = [...context.secrets];
  const pinned = published.actions[node.id];
  const plugin = `${pinned.name}@${pinned.version}`;
  const policy = node.retry ?? DEFAULT_RETRY_POLICY;
  const started = performance.now();
  let inputs: Json = null;
  let stored: Json = null;
  let buildError: ActionhostError | null = null;
  try {
    inputs = renderInputs(
      pinned.inputs,
      {
        resolve: (ref, path) => data.resolve(ref, node.source, path),
        schema: pinned.inputSchema,
        sealer: context.sealer,
        opened: secrets,
      },
      `/nodes/${node.id}/inputs`,
    );
    secrets.push(...secretInputValues(inputs, pinned.inputSchema));
    stored = redactInputs(inputs, pinned.inputSchema, secrets);
  } catch (caught) {
    buildError = asActionhostError(caught);
  }
  const seq = repository.startStep(executionId, {
    nodeId: node.id,
    kind: 'action',
    title: node.title,
    plugin,
    integrity: pinned.integrity,
    inputs: stored,
    attempt,
  });
  let path: string | null = null;
  let output: Json = null;
  let error: ErrorSummary | null = null;
  let logs: InvocationLog[] = [];
  let verdict: RetryVerdict = { retry: false, reason: null, retryAfterMs: null };
  const signal = AbortSignal.any([context.signal, context.stopSignal].filter((s): s is AbortSignal => s !== undefined));
  let release: (() => void) | null = null;
  try {
    if (buildError) throw buildError;
    release = context.acquirePlugin ? await context.acquirePlugin(pinned.name, signal) : null;
    const outcome = await context.runner.run(
      { name: pinned.name, version: pinned.version, integrity: pinned.integrity },
      inputs,
      {
        entry: 'run',
        // Stable per logical attempt: a step re-attempted after a crash sends the same key, a retry the next one.
        idempotencyKey: `${executionId}:${node.id}:${attempt}`,
        bindings: {
          requestId: context.request.internalId as number,
          executionId,
          workflowId: published.workflowId,
          nodeId: node.id,
          ...(pinned.applicationId !== undefined ? { applicationId: pinned.applicationId } : {}),
        },
        signal,
      },
    );
    path = outcome.path;
    logs = redactValues((outcome.logs ?? []) as unknown as Json, secrets) as unknown as InvocationLog[];
    output = redactValues(outcome.output, secrets);
    verdict = judgeAttempt(policy, { outcome });
    data.results.set(node.id, { path: outcome.path, output: outcome.output });
  } catch (caught) {
    if (context.stopSignal?.aborted && !context.signal?.aborted) {
      // The host is stopping: this attempt is not this node's result. Attempted again (same key) on resume.
      repository.finishStep(executionId, seq, {
        status: 'failed',
        path: null,
        output: null,
        durationMs: performance.now() - started,
        retryAt: (context.now?.() ?? new Date()).toISOString(),
        error: errorSummary(WorkflowErrors.stepInterrupted()),
      });
      return { interrupted: true };
    }
    error = summarize(caught, secrets);
    if (!buildError && !context.signal?.aborted) verdict = judgeAttempt(policy, { error: asActionhostError(caught) });
    // A thrown invocation may still be handled by the workflow: its failure edge gets `{ error }` as output.
    output = { error: { code: error.code, message: error.message } };
    if (node.next.failure) path = 'failure';
    data.results.set(node.id, { path: 'failure', output });
  } finally {
    release?.();
  }
  const durationMs = performance.now() - started;
  const retryAt =
    verdict.retry && attempt < policy.maxAttempts
      ? new Date(
          (context.now?.() ?? new Date()).getTime() +
            retryDelayMs(policy, attempt + 1, verdict.retryAfterMs, context.random),
        ).toISOString()
      : null;
  // The step's result and its Audit Trail entry commit together: a host killed between the two would
  // otherwise leave a finished step that the request's Audit Trail never shows.
  repository.store.transaction(() => {
    repository.finishStep(executionId, seq, {
      status: error ? 'failed' : 'succeeded',
      path,
      output,
      error,
      durationMs,
      logs,
      retryAt,
    });
    recordAudit(context, node, {
      plugin,
      integrity: pinned.integrity,
      inputs: stored,
      path,
      output,
      error,
      durationMs,
    });
  });
  if (retryAt) return { retryAt };
  const next = path ? node.next[path] : undefined;
  return { ...(next ? { next } : {}), ...(error ? { error } : {}) };
}

/** Writes the plugin execution to the request's Audit Trail. Synchronous for the ITSM store (so it joins the
 * caller's transaction); an asynchronous sink is followed up without blocking. */
function recordAudit(
  context: ExecutionContext,
  node: ActionNode,
  step: {
    plugin: string;
    integrity: string;
    inputs: Json;
    path: string | null;
    output: Json;
    error: ErrorSummary | null;
    durationMs: number;
  },
): void {
  if (!context.audit) return;
  const requestId = context.request.internalId;
  if (typeof requestId !== 'number') return;
  try {
    const written = context.audit.recordAudit(
      requestId,
      {
        kind: 'plugin.execution',
        actor: `workflow:${context.published.workflowId}`,
        data: {
          workflow: {
            id: context.published.workflowId,
            name: context.published.definition.name,
            version: context.published.version,
          },
          node: { id: node.id, title: node.title },
          executionId: context.executionId,
          plugin: step.plugin,
          integrity: step.integrity,
          inputs: step.inputs ?? {},
          path: step.path,
          outputSummary: JSON.stringify(step.output),
          durationMs: Math.round(step.durationMs),
          errorCode: step.error?.code ?? null,
          errorMessage: step.error?.message ?? null,
        },
      },
      { secrets: context.secrets },
    );
    if (written instanceof Promise) written.catch((error: unknown) => context.onAuditError?.(error));
  } catch (error) {
    // The execution record still holds the step; a full or broken audit trail must not fail the workflow.
    context.onAuditError?.(error);
  }
}

function summarize(caught: unknown, secrets: readonly string[]): ErrorSummary {
  const error = asActionhostError(caught);
  return { code: error.code, message: redactText(error.message, secrets) };
}
