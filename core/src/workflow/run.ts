// Runs (or resumes) one published workflow for one event as an execution: walks the graph from the start node(s),
// records every attempt before and after it runs, schedules retries, and never lets one failing node take down
// anything but its own execution.
import { performance } from 'node:perf_hooks';
import type { ActionhostError, Json } from '@actionhost/sdk';
import { TRIGGER_NODE_ID, startNodes, type ActionNode, type ConditionNode, type WorkflowNode } from './definition.ts';
import { evaluateCondition } from './conditions.ts';
import { errorSummary } from '../errors/index.ts';
import { WorkflowErrors, asActionhostError } from './errors.ts';
import { readPath, renderValue, type Reference } from './placeholders.ts';
import { openInputs, type SecretSealer } from './secret-inputs.ts';
import type { AuditSink, PluginRunner, RequestEvent } from './ports.ts';
import { redactInputs, redactText, redactValues } from './redact.ts';
import {
  STEP_INTERRUPTED,
  type ErrorSummary,
  type PublishedWorkflow,
  type Step,
  type StepLog,
  type WorkflowRepository,
} from './repository.ts';
import { DEFAULT_RETRY_POLICY, judgeAttempt, retryDelayMs, type RetryVerdict } from './retry-policy.ts';
import { readRequestPath } from './request-data.ts';
import { changeFieldName } from './trigger.ts';
import { dataSourceOf, parseFieldReference } from './validate.ts';

export interface ExecutionContext {
  repository: WorkflowRepository;
  runner: PluginRunner;
  audit?: AuditSink;
  secrets: readonly string[];
  /** Opens literal secrets sealed in Input Mappings. */
  sealer?: SecretSealer;
  published: PublishedWorkflow;
  executionId: string;
  request: Record<string, Json>;
  event: RequestEvent;
  /** A user cancel: the step in hand is aborted and the execution fails. */
  signal?: AbortSignal;
  /** The engine is stopping: the step in hand is aborted and checkpointed, the execution goes back to the queue. */
  stopSignal?: AbortSignal;
  /** Waits for a slot of the plugin (per-plugin concurrency); returns the release. */
  acquirePlugin?: (name: string, signal: AbortSignal) => Promise<() => void>;
  onAuditError?: (error: unknown) => void;
  now?: () => Date;
  random?: () => number;
}

interface NodeResult {
  path: string;
  output: Json;
}

/** What placeholders and condition fields read while a run is under way. */
export class RunData {
  readonly byId: Map<string, { node: WorkflowNode; index: number }>;
  readonly request: Record<string, Json>;
  readonly results = new Map<string, NodeResult>();

  constructor(nodes: WorkflowNode[], request: Record<string, Json>) {
    this.byId = new Map(nodes.map((node, index) => [node.id, { node, index }]));
    this.request = request;
  }

  resolve(ref: Reference, source: string, path: string): Json {
    if (ref.kind === 'source') {
      const from = dataSourceOf(this, source);
      if (from === TRIGGER_NODE_ID) return readRequestPath(this.request, ref.path);
      return readPath(this.#result(from, ref, path).output, ref.path) ?? null;
    }
    const result = this.#result(ref.node, ref, path);
    return ref.part === 'path' ? result.path : (readPath(result.output, ref.path) ?? null);
  }

  #result(nodeId: string, ref: Reference, path: string): NodeResult {
    const result = this.results.get(nodeId);
    if (!result)
      throw WorkflowErrors.placeholderUnresolved({ placeholder: ref.text, node: nodeId }, { path, node: nodeId });
    return result;
  }
}

/** How a run ended: finished, or handed back to the queue (a retry is due later, or the engine is stopping). */
export type RunOutcome =
  | { status: 'succeeded' | 'failed'; error: ErrorSummary | null }
  | { status: 'waiting'; retryAt: string }
  | { status: 'checkpointed' }
  /** Someone else (a CLI cancel) finished the execution while it ran. */
  | { status: 'closed' };

/** Interrupted attempts (crash, stop) of one step before the execution gives up on it. */
export const MAX_INTERRUPTIONS = 5;

interface StepResult {
  next?: string;
  error?: ErrorSummary;
  retryAt?: string;
  interrupted?: boolean;
}

/**
 * Runs (or resumes) one execution. Steps already decided in an earlier run are not run again: their stored
 * path and output are replayed into the run's data. A step whose last attempt was interrupted is attempted
 * again with the same attempt number (same idempotency key); one whose last attempt asked for a retry gets the
 * next number. A retry that is not due yet puts the execution back in the queue until then.
 */
export async function runExecution(context: ExecutionContext): Promise<RunOutcome> {
  const { repository, published, executionId } = context;
  repository.markRunning(executionId);
  const data = new RunData(published.definition.nodes, context.request);
  const steps = repository.getExecution(executionId)?.steps ?? [];
  const decided = lastAttempts(steps);
  const interruptions = new Map(
    published.definition.nodes.map((node) => [
      node.id,
      steps.filter((step) => step.nodeId === node.id && step.error?.code === STEP_INTERRUPTED).length,
    ]),
  );
  let failure: ErrorSummary | null = null;
  const queue = [...startNodes(published.definition)];
  const visited = new Set<string>();
  while (queue.length > 0) {
    if (context.stopSignal?.aborted) {
      repository.requeue(executionId, null);
      return { status: 'checkpointed' };
    }
    if (context.signal?.aborted) {
      failure ??= errorSummary(WorkflowErrors.cancelled({ when: 'before it finished' }));
      break;
    }
    if (repository.statusOf(executionId) !== 'running') return { status: 'closed' };
    const id = queue.shift()!;
    if (visited.has(id)) continue;
    visited.add(id);
    const entry = data.byId.get(id);
    if (!entry) continue;
    const last = decided.get(id);
    let step: StepResult;
    if (last && last.retryAt === null && last.status !== 'running') {
      step = replay(data, entry.node, last);
    } else if (interruptions.get(id)! >= MAX_INTERRUPTIONS) {
      // A step that keeps dying with its host (or keeps being stopped) must not hold the execution forever.
      const error = errorSummary(WorkflowErrors.stepInterruptedTooOften({ times: MAX_INTERRUPTIONS }));
      const seq = repository.startStep(executionId, {
        nodeId: id,
        kind: entry.node.kind,
        title: entry.node.title ?? null,
        plugin: null,
        integrity: null,
        inputs: null,
        attempt: last!.attempt,
      });
      repository.finishStep(executionId, seq, { status: 'failed', path: null, output: null, error, durationMs: 0 });
      step = { error };
    } else {
      const attempt = !last
        ? 1
        : last.status === 'running' || last.error?.code === STEP_INTERRUPTED
          ? last.attempt
          : last.attempt + 1;
      if (last?.retryAt && Date.parse(last.retryAt) > (context.now?.() ?? new Date()).getTime()) {
        repository.requeue(executionId, last.retryAt);
        return { status: 'waiting', retryAt: last.retryAt };
      }
      step =
        entry.node.kind === 'condition'
          ? runCondition(context, data, entry.node, attempt)
          : await runAction(context, data, entry.node, attempt);
    }
    if (step.interrupted) {
      repository.requeue(executionId, null);
      return { status: 'checkpointed' };
    }
    if (step.retryAt) {
      repository.requeue(executionId, step.retryAt);
      return { status: 'waiting', retryAt: step.retryAt };
    }
    if (step.error) failure ??= step.error;
    if (step.next) queue.push(step.next);
  }
  const status = failure ? 'failed' : 'succeeded';
  if (!repository.finishExecution(executionId, status, failure)) return { status: 'closed' };
  return { status, error: failure };
}

/** The last recorded attempt of every node. */
function lastAttempts(steps: Step[]): Map<string, Step> {
  const last = new Map<string, Step>();
  for (const step of steps) last.set(step.nodeId, step);
  return last;
}

/** A node decided in an earlier run: its result feeds placeholders and edges exactly as it was recorded. */
function replay(data: RunData, node: WorkflowNode, step: Step): StepResult {
  const path = step.path ?? 'failure';
  data.results.set(node.id, { path, output: step.output });
  const next = step.path ? (node.next as Record<string, string | undefined>)[step.path] : undefined;
  return { ...(next ? { next } : {}), ...(step.error ? { error: step.error } : {}) };
}

function runCondition(context: ExecutionContext, data: RunData, node: ConditionNode, attempt: number): StepResult {
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

async function runAction(
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
    inputs = openInputs(
      renderValue(pinned.inputs, (ref, path) => data.resolve(ref, node.source, path), `/nodes/${node.id}/inputs`),
      context.sealer,
      secrets,
    );
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
  let logs: StepLog[] = [];
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
    logs = redactValues((outcome.logs ?? []) as unknown as Json, secrets) as unknown as StepLog[];
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
        error: {
          code: STEP_INTERRUPTED,
          message: 'the host stopped while this step was running; it is attempted again',
        },
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
