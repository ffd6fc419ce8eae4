// Runs (or resumes) one published workflow for one event as an execution: walks the graph from the start node(s),
// records every attempt before and after it runs, schedules retries, and never lets one failing node take down
// anything but its own execution.
import type { Json } from '@actionhost/sdk';
import { errorSummary } from '../../errors/index.ts';
import { WorkflowErrors, startNodes, type PublishedWorkflow, type WorkflowNode } from '../definition/index.ts';
import type { RequestEvent, RequestSource } from './ports.ts';
import { RunData, type ExecutionContext, type StepResult } from './run-context.ts';
import { STEP_INTERRUPTED, type WorkflowRepository } from './repository.ts';
import { runAction, runCondition } from './steps.ts';
import type { ErrorSummary, Step } from './stored-execution.ts';

/** How a run ended: finished, or handed back to the queue (a retry is due later, or the engine is stopping). */
export type RunOutcome =
  | { status: 'succeeded' | 'failed'; error: ErrorSummary | null }
  | { status: 'waiting'; retryAt: string }
  | { status: 'checkpointed' }
  /** Someone else (a CLI cancel) finished the execution while it ran. */
  | { status: 'closed' };

/** Interrupted attempts (crash, stop) of one step before the execution gives up on it. */
export const MAX_INTERRUPTIONS = 5;

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

/**
 * What a queued execution runs with: its pinned published version, the request as its trigger saw it (or, for an
 * execution stored without that snapshot, as it is now) and the event that fired it.
 */
export async function loadRun(
  repository: WorkflowRepository,
  requests: Pick<RequestSource, 'getRequest'>,
  executionId: string,
): Promise<{ published: PublishedWorkflow; request: Record<string, Json>; event: RequestEvent }> {
  const execution = repository.getExecution(executionId);
  const published = execution ? repository.getPublished(execution.workflowId, execution.workflowVersion) : null;
  if (!execution || !published)
    throw WorkflowErrors.executionNotFound(
      { id: executionId, problem: 'has no published workflow to run' },
      { id: executionId },
    );
  const request = (repository.requestSnapshot(executionId) ??
    (execution.requestId === null ? {} : await requests.getRequest(execution.requestId))) as Record<string, Json>;
  const event: RequestEvent = {
    id: Number(execution.eventId ?? 0) || 0,
    type: execution.trigger.type,
    requestId: execution.requestId ?? 0,
    changes: execution.trigger.changes,
  };
  return { published, request, event };
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
