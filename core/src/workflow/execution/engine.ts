// The workflow engine: takes ITSM outbox events in (intake.ts) and runs queued executions with bounded concurrency
// per host and per plugin, claimed from the queue in batches; resumes what a previous process left running, and
// hands waiting retries back to the queue. It talks to its store only through the ExecutionQueue and
// ExecutionRepository ports (asynchronous), and reports what it does to an EngineObserver.
import { performance } from 'node:perf_hooks';
import { WorkflowErrors, asActionhostError, type SecretSealer } from '../definition/index.ts';
import { errorSummary } from '../../errors/index.ts';
import { isStoreOutage } from '../../store/index.ts';
import { queueExecutions, takeEvents } from './intake.ts';
import { DrainMeter } from './drain-meter.ts';
import { KeyedLimiter } from './limiter.ts';
import type {
  ClaimedExecution,
  EngineObserver,
  ExecutionQueue,
  ExecutionRepository,
  PluginRunner,
  RequestEvent,
  RequestSource,
  SecretValues,
} from './ports.ts';
import { loadRun, runExecution, type RunOutcome } from './run.ts';
import { RunWrites } from './run-context.ts';
import { enqueueRetry } from './retry-execution.ts';

export interface WorkflowEngineOptions {
  queue: ExecutionQueue;
  executions: ExecutionRepository;
  requests: RequestSource;
  runner: PluginRunner;
  secrets?: SecretValues;
  /** Opens literal secrets sealed in Input Mappings (the credential store). */
  sealer?: SecretSealer;
  /** How long the background loop sleeps when there is nothing to do (default 500 ms). */
  pollIntervalMs?: number;
  /** Outbox events taken per batch (default 100). */
  batchSize?: number;
  /** Executions running at once in this host (default 8); more wait queued in the store. */
  maxConcurrentExecutions?: number;
  /** Invocations of one plugin (by name) at once (default 4). */
  maxConcurrentPerPlugin?: number;
  /** How long stop() lets running executions finish before it checkpoints them (default 10 s). */
  stopTimeoutMs?: number;
  /** Problems that must not stop the engine (an event it could not process, a store write that failed). */
  onError?: (error: unknown, context: { eventId?: number; executionId?: string }) => void;
  observer?: EngineObserver;
}

/** What the engine is doing now, for metrics and back-pressure. */
export interface EngineStats {
  running: number;
  queued: number;
  /** How long the longest-waiting due execution has waited (0 when none). */
  oldestQueuedAgeMs: number;
  outboxPending: number;
  /** How long the oldest unprocessed outbox event has waited (0 when none). */
  outboxLagMs: number;
  /** Executions that left the engine (finished, or handed back for a retry) per second, over the last second. */
  drainPerSecond: number;
}

interface Active {
  done: Promise<RunOutcome | null>;
  cancel: AbortController;
  /** Checkpoints this execution alone (its lease is about to lapse): as a stop does, for one execution. */
  checkpoint: AbortController;
}

export class WorkflowEngine {
  readonly #options: WorkflowEngineOptions;
  readonly #plugins: KeyedLimiter;
  #running = false;
  #loop: Promise<void> | null = null;
  /** Settles once a start() has given back what a previous process left running; claims wait for it. */
  #recovered: Promise<void> = Promise.resolve();
  /** Aborted by stop(): in-flight steps are checkpointed, not failed. */
  #stop = new AbortController();
  #wake: (() => void) | null = null;
  #wakeRequested = false;
  #intake: Promise<number> | null = null;
  #dispatching: Promise<number> | null = null;
  readonly #active = new Map<string, Active>();
  /** Executions a store outage interrupted, not yet back in the queue (the store still refused the hand-back). */
  readonly #handBack = new Set<string>();
  readonly #drained = new DrainMeter();
  /** Stops listening for the shared store's lease warnings (set while started). */
  #forgetLapsing: (() => void) | null = null;

  constructor(options: WorkflowEngineOptions) {
    this.#options = options;
    this.#plugins = new KeyedLimiter(options.maxConcurrentPerPlugin ?? 4);
  }

  get #maxActive(): number {
    return Math.max(1, this.#options.maxConcurrentExecutions ?? 8);
  }

  get #batchSize(): number {
    return this.#options.batchSize ?? 100;
  }

  /** Turns the event into queued executions, then runs them; returns the ids of the executions it created. */
  async processEvent(event: RequestEvent): Promise<string[]> {
    await this.#recovered;
    const { queue, executions, requests } = this.#options;
    const created = await queueExecutions(queue, executions, requests, event);
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
    const { queue, executions, requests } = this.#options;
    return enqueueRetry(queue, executions, requests, executionId);
  }

  /**
   * Cancels an execution that has not finished: a running one here has its plugin invocation aborted; a queued
   * one (waiting for a slot or a retry) is closed at once. Both end failed.
   */
  async cancel(executionId: string): Promise<void> {
    const active = this.#active.get(executionId);
    if (active) {
      active.cancel.abort();
      return;
    }
    const { executions } = this.#options;
    const status = await executions.statusOf(executionId);
    if (status === null)
      throw WorkflowErrors.executionNotFound({ id: executionId, problem: 'does not exist' }, { id: executionId });
    if (status !== 'queued' || !(await executions.cancelExecution(executionId, CANCELLED))) {
      throw WorkflowErrors.executionNotRunning(
        { id: executionId, reason: 'it is not queued, and not running on this host' },
        { id: executionId },
      );
    }
  }

  /** Executions waiting: what the API's back-pressure looks at (with the outbox's unprocessed events). */
  async queuedExecutions(): Promise<number> {
    return (await this.#options.queue.depth()).queued;
  }

  async stats(): Promise<EngineStats> {
    const now = Date.now();
    const depth = await this.#options.queue.depth();
    const outbox = (await this.#options.requests.outboxLag?.()) ?? { pending: 0, oldestCreatedAt: null };
    const age = (at: string | null) => (at === null ? 0 : Math.max(0, now - Date.parse(at)));
    return {
      running: this.#active.size,
      queued: depth.queued,
      oldestQueuedAgeMs: age(depth.oldestDueAt),
      outboxPending: outbox.pending,
      outboxLagMs: age(outbox.oldestCreatedAt),
      drainPerSecond: this.#drained.perSecond(),
    };
  }

  async #secrets(): Promise<readonly string[]> {
    const values = (await this.#options.secrets?.secretValues()) ?? [];
    return Array.isArray(values) ? (values as readonly string[]) : [...values];
  }

  /** Claims and runs one queued execution now, whatever the slot count (an explicit retry, a test's processEvent). */
  async #runNow(executionId: string): Promise<void> {
    await this.#recovered;
    const claimed = await this.#options.queue.claimOne(executionId);
    if (!claimed) return;
    await this.#start(claimed).done;
  }

  #start(claimed: ClaimedExecution): Active {
    const cancel = new AbortController();
    const checkpoint = new AbortController();
    const active: Active = { cancel, checkpoint, done: this.#execute(claimed, cancel.signal, checkpoint.signal) };
    this.#active.set(claimed.id, active);
    void active.done.finally(() => {
      this.#active.delete(claimed.id);
      this.#drained.record();
      this.wake();
    });
    return active;
  }

  async #execute(claimed: ClaimedExecution, cancel: AbortSignal, checkpoint: AbortSignal): Promise<RunOutcome | null> {
    const { executions, queue, observer } = this.#options;
    const started = performance.now();
    const executionId = claimed.id;
    notify(() =>
      observer?.executionStarted?.({ executionId, workflowId: claimed.workflowId, requestId: claimed.requestId }),
    );
    let outcome: RunOutcome | null = null;
    let errorCode: string | null = null;
    try {
      const { published, request, event, steps } = await loadRun(executions, this.#options.requests, claimed);
      outcome = await runExecution({
        queue,
        executions,
        runner: this.#options.runner,
        secrets: await this.#secrets(),
        sealer: this.#options.sealer,
        published,
        executionId,
        request,
        event,
        steps,
        writes: new RunWrites(steps),
        signal: cancel,
        stopSignal: AbortSignal.any([this.#stop.signal, checkpoint]),
        acquirePlugin: (name, signal) => this.#plugins.acquire(name, signal),
        observer,
      });
      if (outcome.status === 'failed') errorCode = outcome.error?.code ?? null;
      return outcome;
    } catch (caught) {
      // Only the store (or a vanished workflow) can fail here; steps catch their own errors.
      const error = asActionhostError(caught);
      errorCode = error.code;
      if (isStoreOutage(caught)) {
        // The store, not the work, failed (disk full, database unreachable, lease lost): the execution is not
        // failed by it. It goes back to the queue once the store takes writes again, and its resumed run attempts
        // the step in flight again under the same idempotency key.
        this.#options.onError?.(caught, { executionId });
        this.#handBack.add(executionId);
        await this.#handBackNow();
        outcome = { status: 'checkpointed' };
        return outcome;
      }
      try {
        await executions.finishExecution(executionId, {
          status: 'failed',
          error: { code: error.code, message: error.message },
          outcome: 'failure',
          failedSteps: [],
        });
      } catch {
        /* store gone */
      }
      this.#options.onError?.(caught, { executionId });
      return null;
    } finally {
      notify(() =>
        observer?.executionFinished?.({
          executionId,
          workflowId: claimed.workflowId,
          requestId: claimed.requestId,
          status: outcome?.status ?? 'failed',
          outcome: outcome && 'outcome' in outcome ? outcome.outcome : outcome ? null : 'failure',
          durationMs: performance.now() - started,
          errorCode,
        }),
      );
    }
  }

  /**
   * Gives back to the queue the executions a store outage interrupted; those it cannot give back yet (the store
   * still refuses) stay listed, and the loop tries again on its next turn. On PostgreSQL a lapsed lease makes the
   * hand-back a no-op: another host has taken the execution over.
   */
  async #handBackNow(): Promise<void> {
    for (const id of [...this.#handBack]) {
      try {
        await this.#options.queue.requeue(id, null);
        this.#handBack.delete(id);
      } catch (error) {
        if (!isStoreOutage(error)) {
          this.#handBack.delete(id);
          this.#options.onError?.(error, { executionId: id });
        }
      }
    }
  }

  /** Fills free slots with due queued executions (one claim for all of them); returns how many it started. */
  async #dispatch(): Promise<number> {
    if (this.#dispatching) return this.#dispatching;
    this.#dispatching = (async () => {
      await this.#recovered;
      if (this.#stop.signal.aborted) return 0;
      const free = this.#maxActive - this.#active.size;
      if (free <= 0) return 0;
      const claimed = await this.#options.queue.claim(free);
      for (const execution of claimed) this.#start(execution);
      return claimed.length;
    })();
    try {
      return await this.#dispatching;
    } finally {
      this.#dispatching = null;
    }
  }

  /** Whether a queued execution is due now. */
  async #dueNow(): Promise<boolean> {
    const next = await this.#options.queue.nextDueAt();
    return next !== null && Date.parse(next) <= Date.now();
  }

  /**
   * Processes pending outbox events and runs every due execution until nothing is left to do now; returns how
   * many events it took. With `untilIdle`, also waits for scheduled retries to run (tests).
   */
  async drain(options: { untilIdle?: boolean } = {}): Promise<number> {
    let taken = 0;
    for (;;) {
      taken += await this.#takeEvents();
      await this.#dispatch();
      if (this.#active.size > 0) {
        await Promise.race([...this.#active.values()].map((active) => active.done));
        continue;
      }
      if (this.#stop.signal.aborted) return taken;
      if (await this.#dueNow()) continue;
      const next = options.untilIdle ? await this.#options.queue.nextDueAt() : null;
      if (next === null) {
        // Events that arrived while executions ran.
        if ((await this.#options.requests.pendingEvents(1)).length > 0) continue;
        return taken;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(5, Math.min(1000, Date.parse(next) - Date.now()))));
    }
  }

  /** Claims pending events and queues their executions (one intake at a time). */
  async #takeEvents(oneBatch = false): Promise<number> {
    await this.#recovered;
    while (this.#intake) await this.#intake.catch(() => 0);
    const { queue, executions, requests, onError } = this.#options;
    this.#intake = takeEvents(
      {
        queue,
        executions,
        requests,
        batchSize: this.#batchSize,
        stop: this.#stop.signal,
        onError,
        // Free slots are filled in the same commit that queues the executions (the background loop only).
        ...(this.#running
          ? { onQueued: () => void this.#dispatch().catch((error: unknown) => onError?.(error, {})) }
          : {}),
      },
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
    this.#running = true;
    if (this.#stop.signal.aborted) this.#stop = new AbortController();
    this.#forgetLapsing ??= this.#options.queue.onLeasesLapsing?.(() => this.#checkpointAll()) ?? null;
    this.#recovered = this.#recover();
    this.#loop = this.#run();
  }

  async #recover(): Promise<void> {
    try {
      await this.#options.queue.recoverInterrupted();
      // Claims a previous process held on events it never finished would otherwise hide them for a lease.
      await this.#options.requests.releaseClaims?.();
    } catch (error) {
      this.#options.onError?.(error, {});
    }
  }

  /**
   * This host's leases are about to lapse (it cannot reach the shared store): every running execution stops its
   * in-flight step and checkpoints, so that the host that takes it over is the only one running that step.
   */
  #checkpointAll(): void {
    for (const active of this.#active.values()) active.checkpoint.abort();
  }

  /** Ends the loop's sleep early when an event was just written (e.g. ItsmService.onEvent) or a slot freed. */
  wake(): void {
    if (this.#wake) this.#wake();
    else this.#wakeRequested = true;
  }

  /**
   * Stops taking work: no more events or queued executions are picked up. Running executions may finish for
   * stopTimeoutMs; then their in-flight steps are aborted and checkpointed, and they go back to the queue.
   */
  async stop(): Promise<void> {
    if (!this.#running && this.#active.size === 0) return;
    this.#running = false;
    this.wake();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#options.stopTimeoutMs ?? 10_000);
    });
    try {
      await Promise.race([this.#settled(), timeout]);
      this.#stop.abort();
      await this.#settled();
      await this.#loop;
      // What a store outage interrupted goes back now if the store lets it (else the next start recovers it).
      await this.#handBackNow();
    } finally {
      clearTimeout(timer);
      this.#loop = null;
      this.#forgetLapsing?.();
      this.#forgetLapsing = null;
    }
  }

  async #settled(): Promise<void> {
    while (this.#active.size > 0 || this.#intake || this.#dispatching) {
      await Promise.all([...this.#active.values()].map((active) => active.done));
      await this.#intake?.catch(() => 0);
      await this.#dispatching?.catch(() => 0);
    }
  }

  async #run(): Promise<void> {
    await this.#recovered;
    while (this.#running) {
      let busy = false;
      try {
        if (this.#handBack.size > 0) await this.#handBackNow();
        // One batch per turn, so a flood of events does not keep due executions (and retries) waiting.
        if (this.#active.size < this.#maxActive) busy = (await this.#takeEvents(true)) >= this.#batchSize;
        if (!this.#running) break;
        // A claim made with the enqueue (onQueued) may have run before it committed on a store whose writes do not
        // share one transaction (PostgreSQL): claim again once it is done, now that the executions are queued.
        await this.#dispatching?.catch(() => 0);
        const started = await this.#dispatch();
        busy ||= started > 0 && this.#active.size < this.#maxActive;
      } catch (error) {
        this.#options.onError?.(error, {});
      }
      if (!this.#running) break;
      if (busy) continue;
      await this.#sleep();
    }
  }

  /** Until woken (an event, a freed slot), the next scheduled retry, or the poll interval. */
  async #sleep(): Promise<void> {
    if (this.#wakeRequested) {
      this.#wakeRequested = false;
      return;
    }
    let next: string | null = null;
    try {
      next = await this.#options.queue.nextDueAt();
    } catch (error) {
      this.#options.onError?.(error, {});
    }
    const poll = this.#options.pollIntervalMs ?? 500;
    // With every slot taken, a freed slot wakes the loop: no reason to look at the queue's due time before.
    const sleep =
      next === null || this.#active.size >= this.#maxActive
        ? poll
        : Math.max(5, Math.min(poll, Date.parse(next) - Date.now()));
    if (this.#wakeRequested) {
      this.#wakeRequested = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, sleep);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
    this.#wake = null;
    this.#wakeRequested = false;
  }
}

function notify(call: () => void): void {
  try {
    call();
  } catch {
    /* an observer must not break the engine */
  }
}

const CANCELLED = errorSummary(WorkflowErrors.cancelled({ when: 'before it finished' }));
