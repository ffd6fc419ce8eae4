// The workflow engine: takes ITSM outbox events one by one, runs every published workflow whose trigger matches
// as a persisted execution, and marks the event processed. `start()` polls in the background; `drain()` is for tests.
import type { Json } from '@actionhost/sdk';
import { WorkflowErrors, asActionhostError } from './errors.ts';
import type { AuditSink, PluginRunner, RequestEvent, RequestSource, SecretValues } from './ports.ts';
import type { PublishedWorkflow, WorkflowRepository } from './repository.ts';
import { runExecution } from './run.ts';
import { triggerMatches } from './trigger.ts';

export interface WorkflowEngineOptions {
  repository: WorkflowRepository;
  requests: RequestSource;
  runner: PluginRunner;
  audit?: AuditSink;
  secrets?: SecretValues;
  /** How long the background loop sleeps when the outbox is empty (default 500 ms). */
  pollIntervalMs?: number;
  batchSize?: number;
  /** How long stop() lets the event in hand finish before cancelling it (default 10 s). */
  stopTimeoutMs?: number;
  /** Problems that must not stop the engine (an event it could not process, an audit write that failed). */
  onError?: (error: unknown, context: { eventId?: number; executionId?: string }) => void;
}

export class WorkflowEngine {
  readonly #options: WorkflowEngineOptions;
  #running = false;
  #loop: Promise<void> | null = null;
  #abort = new AbortController();
  #wake: (() => void) | null = null;
  #draining: Promise<number> | null = null;
  readonly #inFlight = new Map<string, AbortController>();

  constructor(options: WorkflowEngineOptions) {
    this.#options = options;
  }

  /** Runs every active workflow the event triggers; returns the ids of the executions it created. */
  async processEvent(event: RequestEvent): Promise<string[]> {
    const { repository, requests } = this.#options;
    const candidates = repository.listActive(event.type);
    if (candidates.length === 0) return [];
    const request = await requests.getRequest(event.requestId) as Record<string, Json>;
    const secrets = await this.#secrets();
    const executions: string[] = [];
    for (const published of candidates) {
      if (!triggerMatches(published.definition.trigger, event, request)) continue;
      const executionId = repository.createExecution({
        workflowId: published.workflowId, workflowVersion: published.version, requestId: event.requestId, eventId: String(event.id),
        trigger: { type: event.type, changes: event.changes ?? [] },
      });
      if (executionId === null) continue;
      executions.push(executionId);
      await this.#execute(published, executionId, request, event, secrets);
    }
    return executions;
  }

  /**
   * Runs a finished execution again as a new execution: the same published (pinned) version, the same trigger
   * event, the request as it is now. Returns the new execution's id.
   */
  async retry(executionId: string): Promise<string> {
    const { repository, requests } = this.#options;
    const original = repository.getExecution(executionId);
    if (!original) throw WorkflowErrors.executionNotFound(`execution ${executionId} does not exist`, { id: executionId });
    if (original.status === 'queued' || original.status === 'running') {
      throw WorkflowErrors.executionNotFinished(`execution ${executionId} is still ${original.status}`, { id: executionId });
    }
    const published = repository.getPublished(original.workflowId, original.workflowVersion);
    if (!published || original.requestId === null) throw WorkflowErrors.executionNotFound(`execution ${executionId} cannot be retried`, { id: executionId });
    const event: RequestEvent = { id: 0, type: original.trigger.type, requestId: original.requestId, changes: original.trigger.changes };
    const request = await requests.getRequest(original.requestId) as Record<string, Json>;
    const retryId = repository.createExecution({
      workflowId: original.workflowId, workflowVersion: original.workflowVersion, requestId: original.requestId, eventId: null,
      trigger: original.trigger, retryOf: original.id,
    })!;
    await this.#execute(published, retryId, request, event, await this.#secrets());
    return retryId;
  }

  /** Cancels a running execution of this engine: its plugin invocation is aborted and the execution fails. */
  cancel(executionId: string): void {
    const controller = this.#inFlight.get(executionId);
    if (!controller) throw WorkflowErrors.executionNotRunning(`execution ${executionId} is not running here`, { id: executionId });
    controller.abort();
  }

  async #secrets(): Promise<string[]> {
    return [...(await this.#options.secrets?.secretValues() ?? [])];
  }

  async #execute(published: PublishedWorkflow, executionId: string, request: Record<string, Json>, event: RequestEvent, secrets: string[]): Promise<void> {
    const { repository } = this.#options;
    const controller = new AbortController();
    this.#inFlight.set(executionId, controller);
    try {
      await runExecution({
        repository, runner: this.#options.runner, audit: this.#options.audit, secrets, published, executionId, request, event,
        signal: AbortSignal.any([this.#abort.signal, controller.signal]),
        onAuditError: (error) => this.#options.onError?.(error, { eventId: event.id, executionId }),
      });
    } catch (caught) {
      // Only the store can fail here (steps catch their own errors): close the execution and go on.
      const error = asActionhostError(caught);
      try { repository.finishExecution(executionId, 'failed', { code: error.code, message: error.message }); } catch { /* store gone */ }
      this.#options.onError?.(caught, { eventId: event.id, executionId });
    } finally {
      this.#inFlight.delete(executionId);
    }
  }

  /** Processes pending outbox events until none is left; returns how many it processed. */
  async drain(): Promise<number> {
    // One drain at a time: the loop and a test (or two API calls) must not process the same batch twice.
    while (this.#draining) await this.#draining.catch(() => 0);
    this.#draining = this.#drainOnce();
    try { return await this.#draining; } finally { this.#draining = null; }
  }

  async #drainOnce(): Promise<number> {
    const { requests } = this.#options;
    let processed = 0;
    for (;;) {
      const events = await requests.pendingEvents(this.#options.batchSize ?? 50);
      let took = 0;
      for (const event of events) {
        if (this.#abort.signal.aborted) return processed;
        if (!await requests.claimEvent(event.id)) continue;
        took++;
        try {
          await this.processEvent(event);
        } catch (error) {
          this.#options.onError?.(error, { eventId: event.id });
        }
        await requests.markEventProcessed(event.id);
        processed++;
      }
      if (took === 0) return processed;
    }
  }

  /**
   * Starts polling the outbox in the background. Executions a previous process left running are closed as
   * failed first (AH_EXECUTION_INTERRUPTED): one engine per store, as with the embedded SQLite host.
   */
  start(): void {
    if (this.#running) return;
    this.#options.repository.failInterrupted();
    this.#running = true;
    if (this.#abort.signal.aborted) this.#abort = new AbortController();
    this.#loop = this.#run();
  }

  /** Ends the loop early when an event was just written (e.g. ItsmService.onEvent). */
  wake(): void {
    this.#wake?.();
  }

  /** Stops polling; the event in hand may finish for stopTimeoutMs, then its invocation is cancelled. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#wake?.();
    const loop = this.#loop;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, this.#options.stopTimeoutMs ?? 10_000); });
    try {
      await Promise.race([loop, timeout]);
      this.#abort.abort();
      await loop;
    } finally {
      clearTimeout(timer);
      this.#loop = null;
    }
  }

  async #run(): Promise<void> {
    while (this.#running) {
      try {
        await this.drain();
      } catch (error) {
        this.#options.onError?.(error, {});
      }
      if (!this.#running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.#options.pollIntervalMs ?? 500);
        function done() { clearTimeout(timer); resolve(); }
        this.#wake = done;
      });
      this.#wake = null;
    }
  }
}
