// Intake: each ITSM outbox event becomes queued executions, one per active workflow it triggers, created in one
// transaction; the event is marked processed only after they are committed, so a crash replays it instead of losing it.
import type { Json } from '@actionhost/sdk';
import type { RequestEvent, RequestSource } from './ports.ts';
import type { WorkflowRepository } from './repository.ts';
import { triggerMatches } from './trigger.ts';

/** Queued executions for every active workflow the event triggers, created in one transaction (a replay adds none). */
export async function queueExecutions(
  repository: WorkflowRepository,
  requests: RequestSource,
  event: RequestEvent,
): Promise<string[]> {
  const candidates = repository.listActive(event.type);
  if (candidates.length === 0) return [];
  const request = (await requests.getRequest(event.requestId)) as Record<string, Json>;
  const matching = candidates.filter((published) => triggerMatches(published.definition.trigger, event, request));
  return repository.store.transaction(() =>
    matching.flatMap(
      (published) =>
        repository.createExecution({
          workflowId: published.workflowId,
          workflowVersion: published.version,
          requestId: event.requestId,
          eventId: String(event.id),
          trigger: { type: event.type, changes: event.changes ?? [] },
          request,
        }) ?? [],
    ),
  );
}

export interface IntakeOptions {
  repository: WorkflowRepository;
  requests: RequestSource;
  batchSize: number;
  /** Aborted when the engine stops: no further event is claimed. */
  stop: AbortSignal;
  /** An event whose executions could not be queued (it is still marked processed). */
  onError?: (error: unknown, context: { eventId: number }) => void;
}

/** Claims pending events and queues their executions, batch after batch (or one batch); returns how many it took. */
export async function takeEvents(options: IntakeOptions, oneBatch: boolean): Promise<number> {
  const { repository, requests } = options;
  let taken = 0;
  for (;;) {
    const events = await requests.pendingEvents(options.batchSize);
    let took = 0;
    for (const event of events) {
      if (options.stop.aborted) return taken;
      if (!(await requests.claimEvent(event.id))) continue;
      took++;
      try {
        await queueExecutions(repository, requests, event);
      } catch (error) {
        options.onError?.(error, { eventId: event.id });
      }
      // The executions are committed (or the event matched nothing): the event is done. A crash before this
      // line replays the event later, and the UNIQUE (workflow, event) key makes the replay add nothing.
      await requests.markEventProcessed(event.id);
      taken++;
    }
    if (took === 0 || oneBatch) return taken;
  }
}
