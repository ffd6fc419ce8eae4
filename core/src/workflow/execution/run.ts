// Runs (or resumes) one published workflow for one event as an execution: walks the graph from the start node(s),
// records every attempt before and after it runs, schedules retries, and never lets one failing node take down
// anything but its own execution.
import type { Json } from '@actionhost/sdk';
import { errorSummary } from '../../errors/index.ts';
import { WorkflowErrors, startNodes, type PublishedWorkflow, type WorkflowNode } from '../definition/index.ts';
import type { ClaimedExecution, ExecutionRepository, RequestEvent, RequestSource } from './ports.ts';
import { RunData, type ExecutionContext, type StepResult } from './run-context.ts';
import { runAction, runCondition } from './steps.ts';
import type { ErrorSummary, ExecutionOutcome, Step } from './stored-execution.ts';

/** The step error of an attempt a crash or a stop cut short; the next run attempts it again with the same key. */
export const STEP_INTERRUPTED = WorkflowErrors.stepInterrupted.code;

/** How a run ended: finished, or handed back to the queue (a retry is due later, or the engine is stopping). */
export type RunOutcome =
  | { status: 'succeeded' | 'failed'; error: ErrorSummary | null; outcome: ExecutionOutcome }
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
  const { queue, executions, published, executionId, steps, writes } = context;
  const data = new RunData(published.definition.nodes, context.request);
  const decided = lastAttempts(steps);
  const interruptions = new Map<string, number>();
  for (const step of steps)
    if (step.error?.code === STEP_INTERRUPTED)
      interruptions.set(step.nodeId, (interruptions.get(step.nodeId) ?? 0) + 1);
  let failure: ErrorSummary | null = null;
  const failedSteps: string[] = [];
  const handBack = async (at: string | null) => {
    await writes.settled();
    await queue.requeue(executionId, at);
  };
  const queued = [...startNodes(published.definition)];
  const visited = new Set<string>();
  while (queued.length > 0) {
    if (context.stopSignal?.aborted) {
      await handBack(null);
      return { status: 'checkpointed' };
    }
    if (context.signal?.aborted) {
      failure ??= errorSummary(WorkflowErrors.cancelled({ when: 'before it finished' }));
      break;
    }
    const id = queued.shift()!;
    if (visited.has(id)) continue;
    visited.add(id);
    const entry = data.byId.get(id);
    if (!entry) continue;
    const last = decided.get(id);
    let step: StepResult;
    if (last && last.retryAt === null && last.status !== 'running') {
      step = replay(data, entry.node, last);
    } else if ((interruptions.get(id) ?? 0) >= MAX_INTERRUPTIONS) {
      // A step that keeps dying with its host (or keeps being stopped) must not hold the execution forever.
      const error = errorSummary(WorkflowErrors.stepInterruptedTooOften({ times: MAX_INTERRUPTIONS }));
      writes.later(
        executions.recordStep(executionId, {
          seq: writes.nextSeq(),
          nodeId: id,
          kind: entry.node.kind,
          title: entry.node.title ?? null,
          plugin: null,
          integrity: null,
          inputs: null,
          attempt: last!.attempt,
          status: 'failed',
          path: null,
          output: null,
          error,
          durationMs: 0,
        }),
      );
      step = { error, failed: entry.node.kind === 'action' };
    } else {
      const attempt = !last
        ? 1
        : last.status === 'running' || last.error?.code === STEP_INTERRUPTED
          ? last.attempt
          : last.attempt + 1;
      if (last?.retryAt && Date.parse(last.retryAt) > (context.now?.() ?? new Date()).getTime()) {
        await handBack(last.retryAt);
        return { status: 'waiting', retryAt: last.retryAt };
      }
      if (entry.node.kind === 'condition') {
        step = runCondition(context, data, entry.node, attempt);
      } else {
        // A cancel from another process (the CLI) stops the run before its next action.
        if ((await executions.statusOf(executionId)) !== 'running') {
          await writes.settled();
          return { status: 'closed' };
        }
        step = await runAction(context, data, entry.node, attempt);
      }
    }
    if (step.interrupted) {
      await handBack(null);
      return { status: 'checkpointed' };
    }
    if (step.retryAt) {
      await handBack(step.retryAt);
      return { status: 'waiting', retryAt: step.retryAt };
    }
    if (step.failed) failedSteps.push(id);
    if (step.error) failure ??= step.error;
    if (step.next) queued.push(step.next);
  }
  const status = failure ? 'failed' : 'succeeded';
  const outcome: ExecutionOutcome = failure || failedSteps.length > 0 ? 'failure' : 'success';
  await writes.settled();
  if (!(await executions.finishExecution(executionId, { status, error: failure, outcome, failedSteps })))
    return { status: 'closed' };
  return { status, error: failure, outcome };
}

/**
 * What a claimed execution runs with: its pinned published version, the request as its trigger saw it (or, for an
 * execution stored without that snapshot, as it is now), the event that fired it and the steps recorded so far.
 */
export async function loadRun(
  executions: ExecutionRepository,
  requests: Pick<RequestSource, 'getRequest'>,
  claimed: ClaimedExecution,
): Promise<{ published: PublishedWorkflow; request: Record<string, Json>; event: RequestEvent; steps: Step[] }> {
  const published = await executions.published(claimed.workflowId, claimed.workflowVersion);
  if (!published)
    throw WorkflowErrors.executionNotFound(
      { id: claimed.id, problem: 'has no published workflow to run' },
      { id: claimed.id },
    );
  const request = (claimed.request ??
    (claimed.requestId === null ? {} : await requests.getRequest(claimed.requestId))) as Record<string, Json>;
  const event: RequestEvent = {
    id: Number(claimed.eventId ?? 0) || 0,
    type: claimed.trigger.type,
    requestId: claimed.requestId ?? 0,
    changes: claimed.trigger.changes,
  };
  return { published, request, event, steps: await executions.steps(claimed.id) };
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
  return {
    ...(next ? { next } : {}),
    ...(step.error ? { error: step.error } : {}),
    failed: node.kind === 'action' && (step.status === 'failed' || step.path === 'failure'),
  };
}
