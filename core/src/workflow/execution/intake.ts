// Intake: ITSM outbox events become queued executions, one per active workflow an event triggers. A batch of events
// is claimed at once, its executions are queued in one transaction, and only then are the events marked processed,
// so a crash replays them instead of losing them (the UNIQUE (workflow, event) key makes a replay add nothing).
import type { Json } from '@actionhost/sdk';
import type { PublishedWorkflow } from '../definition/index.ts';
import type { ExecutionQueue, ExecutionRepository, NewExecution, RequestEvent, RequestSource } from './ports.ts';
import { triggerMatches } from './trigger.ts';

/** The executions an event fires: one per active workflow whose trigger matches it. */
export async function executionsFor(
  active: (event: string) => Promise<PublishedWorkflow[]>,
  requests: Pick<RequestSource, 'getRequest'>,
  event: RequestEvent,
): Promise<NewExecution[]> {
  const candidates = await active(event.type);
  if (candidates.length === 0) return [];
  const request = (await requests.getRequest(event.requestId)) as Record<string, Json>;
  return candidates
    .filter((published) => triggerMatches(published.definition.trigger, event, request))
    .map((published) => ({
      workflowId: published.workflowId,
      workflowVersion: published.version,
      requestId: event.requestId,
      eventId: String(event.id),
      trigger: { type: event.type, changes: event.changes ?? [] },
      request,
    }));
}

/** Queued executions for every active workflow the event triggers (a replay adds none); returns their ids. */
export async function queueExecutions(
  queue: ExecutionQueue,
  executions: ExecutionRepository,
  requests: RequestSource,
  event: RequestEvent,
): Promise<string[]> {
  return queue.enqueue(await executionsFor((type) => executions.activeWorkflows(type), requests, event));
}

export interface IntakeOptions {
  queue: ExecutionQueue;
  executions: ExecutionRepository;
  requests: RequestSource;
  batchSize: number;
  /** Aborted when the engine stops: no further event is claimed. */
  stop: AbortSignal;
  /** An event whose executions could not be queued (it is still marked processed). */
  onError?: (error: unknown, context: { eventId: number }) => void;
  /**
   * Called in the same turn as the enqueue is issued, before it committed: a claim made now joins the enqueue's
   * group commit (it runs after it in the same transaction), so a new execution starts one commit sooner.
   */
  onQueued?: () => void;
}

/** Claims pending events and queues their executions, batch after batch (or one batch); returns how many it took. */
export async function takeEvents(options: IntakeOptions, oneBatch: boolean): Promise<number> {
  let taken = 0;
  for (;;) {
    if (options.stop.aborted) return taken;
    const events = await claimBatch(options);
    if (events.length === 0) return taken;
    // The active workflows are read once per batch and per event type, not once per event.
    const active = new Map<string, Promise<PublishedWorkflow[]>>();
    const activeFor = (type: string) => {
      let found = active.get(type);
      if (!found) active.set(type, (found = options.executions.activeWorkflows(type)));
      return found;
    };
    const queued: NewExecution[] = [];
    for (const event of events) {
      try {
        queued.push(...(await executionsFor(activeFor, options.requests, event)));
      } catch (error) {
        options.onError?.(error, { eventId: event.id });
      }
    }
    try {
      const enqueued = options.queue.enqueue(queued);
      if (queued.length > 0) options.onQueued?.();
      await enqueued;
    } catch (error) {
      // Not marked processed: the claims are given back and the events offered again on a later turn.
      for (const event of events) {
        options.onError?.(error, { eventId: event.id });
        await options.requests.releaseEvent?.(event.id);
      }
      return taken;
    }
    // The executions are committed (or an event matched nothing): its event is done. A crash before this line
    // replays the events later, and the UNIQUE (workflow, event) key makes the replay add nothing.
    const ids = events.map((event) => event.id);
    if (options.requests.markEventsProcessed) await options.requests.markEventsProcessed(ids);
    else for (const id of ids) await options.requests.markEventProcessed(id);
    taken += events.length;
    if (oneBatch) return taken;
  }
}

async function claimBatch(options: IntakeOptions): Promise<RequestEvent[]> {
  const { requests, batchSize } = options;
  if (requests.claimEvents) return requests.claimEvents(batchSize);
  const claimed: RequestEvent[] = [];
  for (const event of await requests.pendingEvents(batchSize)) {
    if (options.stop.aborted) break;
    if (await requests.claimEvent(event.id)) claimed.push(event);
  }
  return claimed;
}
