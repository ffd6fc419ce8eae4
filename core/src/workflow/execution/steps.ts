// One step of a run: a condition node evaluated, or an action node's plugin invoked with its retry verdict and
// its Audit Trail entry. An action is recorded (durably) before its plugin runs and again when it ends, so a crash
// loses no attempt; a condition is recorded once, when it is decided.
import { performance } from 'node:perf_hooks';
import type { ActionhostError, Json } from '@actionhost/sdk';
import type { InvocationLog } from '../../capabilities/index.ts';
import { CoreErrors, errorSummary } from '../../errors/index.ts';
import { jsonDepth } from '../../itsm/index.ts';
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
import type { StepAudit } from './ports.ts';
import type { ExecutionContext, RunData, StepResult } from './run-context.ts';
import { redactInputs, redactText, redactValues, secretInputValues } from './redact.ts';
import { judgeAttempt, retryDelayMs, type RetryVerdict } from './retry-policy.ts';
import type { ErrorSummary } from './stored-execution.ts';
import { changeFieldName } from './trigger.ts';

/** Deepest plugin output the engine keeps (the sandbox refuses deeper ones where they cross its boundary). */
export const MAX_OUTPUT_DEPTH = 64;

export function runCondition(
  context: ExecutionContext,
  data: RunData,
  node: ConditionNode,
  attempt: number,
): StepResult {
  const started = performance.now();
  const source = node.source ?? TRIGGER_NODE_ID;
  const step = {
    seq: context.writes.nextSeq(),
    nodeId: node.id,
    kind: 'condition' as const,
    title: node.title ?? null,
    plugin: null,
    integrity: null,
    inputs: null,
    attempt,
  };
  let result: StepResult;
  try {
    const changedFields = new Set((context.event.changes ?? []).map((change) => changeFieldName(change.field)));
    const outcome = evaluateCondition(
      node,
      (field) => data.resolve(parseFieldReference(field), source, `/nodes/${node.id}`),
      (field) => changedFields.has(changeFieldName(field)),
    );
    const path = outcome.result ? 'true' : 'false';
    const output = outcome as unknown as Json;
    context.writes.later(
      context.executions.recordStep(context.executionId, {
        ...step,
        status: 'succeeded',
        path,
        output,
        error: null,
        durationMs: performance.now() - started,
      }),
    );
    data.results.set(node.id, { path, output });
    const next = node.next[path];
    result = next ? { next } : {};
  } catch (caught) {
    const error = summarize(caught, context.secrets);
    context.writes.later(
      context.executions.recordStep(context.executionId, {
        ...step,
        status: 'failed',
        path: null,
        output: null,
        error,
        durationMs: performance.now() - started,
      }),
    );
    result = { error };
  }
  observeStep(context, node.id, 'condition', null, started, result);
  return result;
}

export async function runAction(
  context: ExecutionContext,
  data: RunData,
  node: ActionNode,
  attempt: number,
): Promise<StepResult> {
  const { executions, executionId, published, writes } = context;
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
        binding: { workflowId: published.workflowId, nodeId: node.id, inputs: node.inputs },
        opened: secrets,
      },
      `/nodes/${node.id}/inputs`,
    );
    secrets.push(...secretInputValues(inputs, pinned.inputSchema));
    stored = redactInputs(inputs, pinned.inputSchema, secrets);
  } catch (caught) {
    buildError = asActionhostError(caught);
  }
  const seq = writes.nextSeq();
  // Waited for: the attempt (and every write before it) is on disk before the plugin can act on the world.
  await writes.now(
    executions.startStep(executionId, {
      seq,
      nodeId: node.id,
      kind: 'action',
      title: node.title,
      plugin,
      integrity: pinned.integrity,
      inputs: stored,
      attempt,
    }),
  );
  // The path is set only once everything about the outcome was accepted: a step that fails anywhere on the way
  // (the invocation, the depth check, redaction) can only follow its failure edge.
  let path: string | null;
  let output: Json;
  let error: ErrorSummary | null = null;
  let logs: InvocationLog[];
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
    if (jsonDepth(outcome.output, MAX_OUTPUT_DEPTH) > MAX_OUTPUT_DEPTH)
      throw CoreErrors.AH_OUTPUT_TOO_DEEP({ limit: MAX_OUTPUT_DEPTH }, { plugin, limit: MAX_OUTPUT_DEPTH });
    logs = redactValues((outcome.logs ?? []) as unknown as Json, secrets) as unknown as InvocationLog[];
    output = redactValues(outcome.output, secrets);
    verdict = judgeAttempt(policy, { outcome });
    data.results.set(node.id, { path: outcome.path, output: outcome.output });
    path = outcome.path;
  } catch (caught) {
    if (context.stopSignal?.aborted && !context.signal?.aborted) {
      // The host is stopping: this attempt is not this node's result. Attempted again (same key) on resume.
      writes.later(
        executions.finishStep(executionId, seq, {
          status: 'failed',
          path: null,
          output: null,
          durationMs: performance.now() - started,
          retryAt: (context.now?.() ?? new Date()).toISOString(),
          error: errorSummary(WorkflowErrors.stepInterrupted()),
        }),
      );
      return { interrupted: true };
    }
    error = summarize(caught, secrets);
    if (!buildError && !context.signal?.aborted) verdict = judgeAttempt(policy, { error: asActionhostError(caught) });
    // A thrown invocation may still be handled by the workflow: its failure edge gets `{ error }` as output.
    output = { error: { code: error.code, message: error.message } };
    logs = [];
    path = node.next.failure ? 'failure' : null;
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
  writes.later(
    executions.finishStep(
      executionId,
      seq,
      { status: error ? 'failed' : 'succeeded', path, output, error, durationMs, logs, retryAt },
      auditOf(context, node, { plugin, integrity: pinned.integrity, inputs: stored, path, output, error, durationMs }),
    ),
  );
  const next = path ? node.next[path] : undefined;
  const result: StepResult = retryAt
    ? { retryAt }
    : { ...(next ? { next } : {}), ...(error ? { error } : {}), failed: error !== null || path === 'failure' };
  observeStep(context, node.id, 'action', plugin, started, { ...result, ...(error ? { error } : {}) }, path);
  return result;
}

function observeStep(
  context: ExecutionContext,
  nodeId: string,
  kind: 'condition' | 'action',
  plugin: string | null,
  started: number,
  result: StepResult,
  path: string | null = null,
): void {
  try {
    context.observer?.stepFinished?.({
      executionId: context.executionId,
      nodeId,
      kind,
      plugin,
      path,
      durationMs: performance.now() - started,
      errorCode: result.error?.code ?? null,
    });
  } catch {
    /* an observer must not break a run */
  }
}

/** The plugin execution as the request's Audit Trail keeps it (none for a run without a request). */
function auditOf(
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
): StepAudit | undefined {
  const requestId = context.request.internalId;
  if (typeof requestId !== 'number') return undefined;
  return {
    requestId,
    secrets: context.secrets,
    entry: {
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
  };
}

function summarize(caught: unknown, secrets: readonly string[]): ErrorSummary {
  const error = asActionhostError(caught);
  return { code: error.code, message: redactText(error.message, secrets) };
}
