// The workflow engine: takes ITSM outbox events in (intake.ts) and runs queued executions from SQLite with bounded
// concurrency per host and per plugin, resumes what a previous process left running, and hands waiting retries
// back to the queue.
import { WorkflowErrors, asActionhostError, type SecretSealer } from '../definition/index.ts';
import { errorSummary } from '../../errors/index.ts';
import { queueExecutions, takeEvents } from './intake.ts';
import { KeyedLimiter } from './limiter.ts';
import type { AuditSink, PluginRunner, RequestEvent, RequestSource, SecretValues } from './ports.ts';
import type { WorkflowRepository } from './repository.ts';
import { loadRun, runExecution, type RunOutcome } from './run.ts';
import { enqueueRetry } from './retry-execution.ts';

export interface WorkflowEngineOptions {
  repository: WorkflowRepository;
  requests: RequestSource;
  runner: PluginRunner;
  audit?: AuditSink;
  secrets?: SecretValues;
  /** Opens literal secrets sealed in Input Mappings (the credential store). */
  sealer?: SecretSealer;
  /** How long the background loop sleeps when there is nothing to do (default 500 ms). */
  pollIntervalMs?: number;
  batchSize?: number;
  /** Executions running at once in this host (default 8); more wait queued in SQLite. */
  maxConcurrentExecutions?: number;
  /** Invocations of one plugin (by name) at once (default 4). */
  maxConcurrentPerPlugin?: number;
  /** How long stop() lets running executions finish before it checkpoints them (default 10 s). */
  stopTimeoutMs?: number;
  /** Problems that must not stop the engine (an event it could not process, an audit write that failed). */
  onError?: (error: unknown, context: { eventId?: number; executionId?: string }) => void;
}

interface Active {
  done: Promise<RunOutcome | null>;
  cancel: AbortController;
}

export class WorkflowEngine {
  readonly #options: WorkflowEngineOptions;
  readonly #plugins: KeyedLimiter;
  #running = false;
  #loop: Promise<void> | null = null;
  /** Aborted by stop(): in-flight steps are checkpointed, not failed. */
  #stop = new AbortController();
  #wake: (() => void) | null = null;
  #intake: Promise<number> | null = null;
  readonly #active = new Map<string, Active>();

  constructor(options: WorkflowEngineOptions) {
    this.#options = options;
    this.#plugins = new KeyedLimiter(options.maxConcurrentPerPlugin ?? 4);
  }

  get #maxActive(): number {
    return Math.max(1, this.#options.maxConcurrentExecutions ?? 8);
  }

  /** Turns the event into queued executions, then runs them; returns the ids of the executions it created. */
  async processEvent(event: RequestEvent): Promise<string[]> {
    const created = await queueExecutions(this.#options.repository, this.#options.requests, event);
    await Promise.all(created.map((id) => this.#runNow(id)));
    return created;
  }

  /**
   * Runs a finished execution again as a new execution: the same published (pinned) version, the same trigger
   * event, the request as it is now. Returns the new execution's id once it finished (or waits for a retry).
   */
  async retry(executionId: string): Promise<string> {
    const retryId = await this.enqueueRetry(executionId);
    await this.#runNow(retryId);
    return retryId;
  }

  /** The durable half of retry(): the new execution is queued and runs when a slot is free. */
  async enqueueRetry(executionId: string): Promise<string> {
    return enqueueRetry(this.#options.repository, this.#options.requests, executionId);
  }

  /**
   * Cancels an execution that has not finished: a running one here has its plugin invocation aborted; a queued
   * one (waiting for a slot or a retry) is closed at once. Both end failed.
   */
  cancel(executionId: string): void {
    const active = this.#active.get(executionId);
    if (active) {
      active.cancel.abort();
      return;
    }
    const status = this.#options.repository.statusOf(executionId);
    if (status === null)
      throw WorkflowErrors.executionNotFound({ id: executionId, problem: 'does not exist' }, { id: executionId });
    if (status !== 'queued' || !this.#options.repository.cancelExecution(executionId, CANCELLED)) {
      throw WorkflowErrors.executionNotRunning(
        { id: executionId, reason: 'it is not queued, and not running on this host' },
        { id: executionId },
      );
    }
  }

  /** Events and executions waiting: what the API's back-pressure looks at. */
  queuedExecutions(): number {
    return this.#options.repository.queuedCount();
  }

  async #secrets(): Promise<string[]> {
    return [...((await this.#options.secrets?.secretValues()) ?? [])];
  }

  /** Claims and runs one queued execution now, whatever the slot count (an explicit retry, a test's processEvent). */
  async #runNow(executionId: string): Promise<void> {
    if (!this.#options.repository.claimExecution(executionId)) return;
    await this.#start(executionId).done;
  }

  #start(executionId: string): Active {
    const cancel = new AbortController();
    const active: Active = { cancel, done: this.#execute(executionId, cancel.signal) };
    this.#active.set(executionId, active);
    void active.done.finally(() => {
      this.#active.delete(executionId);
      this.#wake?.();
    });
    return active;
  }

  async #execute(executionId: string, cancel: AbortSignal): Promise<RunOutcome | null> {
    const { repository } = this.#options;
    try {
      const { published, request, event } = await loadRun(repository, this.#options.requests, executionId);
      return await runExecution({
        repository,
        runner: this.#options.runner,
        audit: this.#options.audit,
        secrets: await this.#secrets(),
        sealer: this.#options.sealer,
        published,
        executionId,
        request,
        event,
        signal: cancel,
        stopSignal: this.#stop.signal,
        acquirePlugin: (name, signal) => this.#plugins.acquire(name, signal),
        onAuditError: (error) => this.#options.onError?.(error, { eventId: event.id, executionId }),
      });
    } catch (caught) {
      // Only the store (or a vanished workflow) can fail here; steps catch their own errors.
      const error = asActionhostError(caught);
      try {
        repository.finishExecution(executionId, 'failed', { code: error.code, message: error.message });
      } catch {
        /* store gone */
      }
      this.#options.onError?.(caught, { executionId });
      return null;
    }
  }

  /** Fills free slots with due queued executions; returns how many it started. */
  #dispatch(): number {
    if (this.#stop.signal.aborted) return 0;
    const free = this.#maxActive - this.#active.size;
    if (free <= 0) return 0;
    let started = 0;
    for (const id of this.#options.repository.runnableExecutions(free + this.#active.size)) {
      if (started >= free) break;
      if (this.#active.has(id) || !this.#options.repository.claimExecution(id)) continue;
      this.#start(id);
      started++;
    }
    return started;
  }

  /**
   * Processes pending outbox events and runs every due execution until nothing is left to do now; returns how
   * many events it took. With `untilIdle`, also waits for scheduled retries to run (tests).
   */
  async drain(options: { untilIdle?: boolean } = {}): Promise<number> {
    let taken = 0;
    for (;;) {
      taken += await this.#takeEvents();
      this.#dispatch();
      if (this.#active.size > 0) {
        await Promise.race([...this.#active.values()].map((active) => active.done));
        continue;
      }
      if (this.#options.repository.runnableExecutions(1).length > 0 && !this.#stop.signal.aborted) continue;
      const next = options.untilIdle && !this.#stop.signal.aborted ? this.#options.repository.nextScheduledAt() : null;
      if (next === null) {
        // Events that arrived while executions ran.
        if (!this.#stop.signal.aborted && (await this.#options.requests.pendingEvents(1)).length > 0) continue;
        return taken;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(5, Math.min(1000, Date.parse(next) - Date.now()))));
    }
  }

  /** Claims pending events and queues their executions (one intake at a time). */
  async #takeEvents(oneBatch = false): Promise<number> {
    while (this.#intake) await this.#intake.catch(() => 0);
    const { repository, requests, batchSize, onError } = this.#options;
    this.#intake = takeEvents(
      { repository, requests, batchSize: batchSize ?? 50, stop: this.#stop.signal, onError },
      oneBatch,
    );
    try {
      return await this.#intake;
    } finally {
      this.#intake = null;
    }
  }

  /**
   * Starts the background loop. Executions a previous process left running are queued again first, their
   * in-flight steps marked interrupted (one engine per store, as with the embedded SQLite host).
   */
  start(): void {
    if (this.#running) return;
    this.#options.repository.recoverInterrupted();
    this.#running = true;
    if (this.#stop.signal.aborted) this.#stop = new AbortController();
    this.#loop = this.#run();
  }

  /** Ends the loop's sleep early when an event was just written (e.g. ItsmService.onEvent) or a slot freed. */
  wake(): void {
    this.#wake?.();
  }

  /**
   * Stops taking work: no more events or queued executions are picked up. Running executions may finish for
   * stopTimeoutMs; then their in-flight steps are aborted and checkpointed, and they go back to the queue.
   */
  async stop(): Promise<void> {
    if (!this.#running && this.#active.size === 0) return;
    this.#running = false;
    this.#wake?.();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#options.stopTimeoutMs ?? 10_000);
    });
    try {
      await Promise.race([this.#settled(), timeout]);
      this.#stop.abort();
      await this.#settled();
      await this.#loop;
    } finally {
      clearTimeout(timer);
      this.#loop = null;
    }
  }

  async #settled(): Promise<void> {
    while (this.#active.size > 0 || this.#intake) {
      await Promise.all([...this.#active.values()].map((active) => active.done));
      await this.#intake?.catch(() => 0);
    }
  }

  async #run(): Promise<void> {
    try {
      // Claims a previous process held on events it never finished would otherwise hide them for a lease.
      await this.#options.requests.releaseClaims?.();
    } catch (error) {
      this.#options.onError?.(error, {});
    }
    while (this.#running) {
      try {
        // One batch per turn, so a flood of events does not keep due executions (and retries) waiting.
        if (this.#active.size < this.#maxActive) await this.#takeEvents(true);
        if (!this.#running) break;
        this.#dispatch();
      } catch (error) {
        this.#options.onError?.(error, {});
      }
      if (!this.#running) break;
      const next = this.#options.repository.nextScheduledAt();
      const poll = this.#options.pollIntervalMs ?? 500;
      const sleep = next === null ? poll : Math.max(5, Math.min(poll, Date.parse(next) - Date.now()));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, sleep);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#wake = done;
      });
      this.#wake = null;
    }
  }
}

const CANCELLED = errorSummary(WorkflowErrors.cancelled({ when: 'before it finished' }));
