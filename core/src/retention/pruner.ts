// RetentionPruner: deletes what the retention policy no longer keeps, in small batches in the background. Each
// batch is one short transaction; between batches it yields the event loop (the API and the engine share it) for
// a multiple of the time the batch took, so pruning a backlog of millions takes a bounded share of the process,
// and a much smaller one while work waits for the engine (the backlog is left for quieter hours).
import { setTimeout as sleep } from 'node:timers/promises';
import { cutoffsOf, type RetentionPolicy } from './policy.ts';
import type { RetentionRepository, Space } from './repository.ts';

export interface PruneCounts {
  succeededExecutions: number;
  failedExecutions: number;
  /** Finished executions over maxExecutions. */
  excessExecutions: number;
  steps: number;
  auditEntries: number;
  /** Audit Trail entries over maxAuditEntries. */
  excessAuditEntries: number;
  processedEvents: number;
}

export interface PruneReport extends PruneCounts {
  batches: number;
  /** Free pages given back to the file system (incremental vacuum). */
  reclaimedPages: number;
  startedAt: string;
  durationMs: number;
}

export interface RetentionPrunerOptions {
  repository: RetentionRepository;
  policy: RetentionPolicy;
  /** Rows (executions, Audit Trail entries, events) per transaction. */
  batchSize?: number;
  /** Time between rounds when nothing is left to prune. */
  intervalMs?: number;
  /**
   * Between batches the pruner waits this many times as long as the batch took (at least 1 ms): at 9 it takes at
   * most a tenth of the event loop the API and the engine share, however large the backlog.
   */
  yieldFactor?: number;
  /**
   * The same while the engine is busy (`busy` in start()): at 49 pruning takes at most a fiftieth of the event loop
   * while work waits for the engine. A batch's time is mostly its commit (freed pages written to the log and
   * checkpointed), so its cost is on the disk and the other core too, not only on the event loop.
   */
  busyYieldFactor?: number;
  clock?: () => Date;
  /** Monotonic milliseconds, and the wait between batches (tests replace both). */
  monotonic?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** What the background rounds tell their owner (the host logs both), and what they ask it. */
export interface PrunerEvents {
  onError?: (error: unknown) => void;
  /** After every round that deleted or reclaimed something. */
  onReport?: (report: PruneReport) => void;
  /** Whether work waits for the engine (executions queued, events not picked up): asked before each wait. */
  busy?: () => boolean | Promise<boolean>;
}

/** Free pages beyond this are given back after a round, a slice at a time (4 MiB at the default page size). */
const RECLAIM_SLICE_PAGES = 1024;

export class RetentionPruner {
  readonly #options: Required<RetentionPrunerOptions>;
  #events: PrunerEvents = {};
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<PruneReport> | null = null;
  #stop = new AbortController();
  #last: PruneReport | null = null;

  constructor(options: RetentionPrunerOptions) {
    this.#options = {
      batchSize: 100,
      intervalMs: 600_000,
      yieldFactor: 9,
      busyYieldFactor: 49,
      clock: () => new Date(),
      monotonic: () => performance.now(),
      // stop() cuts a wait short; the loop then sees it is stopped.
      sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
      ...options,
    };
  }

  get policy(): RetentionPolicy {
    return this.#options.policy;
  }

  /** The last round's report (null before the first). */
  get lastReport(): PruneReport | null {
    return this.#last;
  }

  /** Starts pruning in the background: a round now, then one every intervalMs. */
  start(events: PrunerEvents = {}): void {
    if (this.#timer || this.#stop.signal.aborted) return;
    this.#events = events;
    const tick = () => {
      this.#timer = null;
      this.runOnce()
        .then((report) => {
          if (prunedAnything(report)) this.#events.onReport?.(report);
        })
        .catch((error: unknown) => this.#events.onError?.(error))
        .finally(() => {
          if (!this.#stop.signal.aborted) this.#timer = setTimeout(tick, this.#options.intervalMs).unref();
        });
    };
    this.#timer = setTimeout(tick, 0).unref();
  }

  /** Stops between two batches; a round in progress ends after its current transaction. */
  async stop(): Promise<void> {
    this.#stop.abort();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  /** The database file's pages: how many, how many free, and whether free ones can go back to the disk. */
  space(): Promise<Space> {
    return this.#options.repository.space();
  }

  /** What a round would delete now (a dry run): nothing is changed. */
  async preview(): Promise<PruneCounts> {
    const { repository, policy } = this.#options;
    const cut = cutoffsOf(policy, this.#options.clock());
    const succeeded = cut.succeeded ? await repository.countExpiredExecutions('succeeded', cut.succeeded) : none;
    const failed = cut.failed ? await repository.countExpiredExecutions('failed', cut.failed) : none;
    const auditEntries = cut.audit ? await repository.countAudit(cut.audit) : 0;
    return {
      succeededExecutions: succeeded.executions,
      failedExecutions: failed.executions,
      // Over the cap once the aged ones are gone.
      excessExecutions: excess(
        (await repository.countFinished()) - succeeded.executions - failed.executions,
        policy.maxExecutions,
      ),
      steps: succeeded.steps + failed.steps,
      auditEntries,
      excessAuditEntries: excess((await repository.countAudit()) - auditEntries, policy.maxAuditEntries),
      processedEvents: await repository.countProcessedEvents(cut.events),
    };
  }

  /**
   * One round: everything due now, batch by batch, then free pages back to the disk. One round at a time. A command
   * run by hand may wait less between batches (`yieldFactor`): it does not share its event loop with the API.
   * Background rounds wait longer while the owner says the engine is busy.
   */
  runOnce(options: { signal?: AbortSignal; yieldFactor?: number } = {}): Promise<PruneReport> {
    this.#running ??= this.#round(options.signal, options.yieldFactor ?? this.#options.yieldFactor).finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** How many times a batch's time to wait now: longer while the engine is busy (an error counts as busy). */
  async #factor(yieldFactor: number): Promise<number> {
    const busy = this.#events.busy;
    if (!busy) return yieldFactor;
    const working = await Promise.resolve()
      .then(busy)
      .catch(() => true);
    return working ? Math.max(yieldFactor, this.#options.busyYieldFactor) : yieldFactor;
  }

  async #round(signal: AbortSignal | undefined, yieldFactor: number): Promise<PruneReport> {
    const { repository, policy, batchSize, monotonic, sleep: wait } = this.#options;
    const started = Date.now();
    const cut = cutoffsOf(policy, this.#options.clock());
    const report: PruneReport = {
      succeededExecutions: 0,
      failedExecutions: 0,
      excessExecutions: 0,
      steps: 0,
      auditEntries: 0,
      excessAuditEntries: 0,
      processedEvents: 0,
      batches: 0,
      reclaimedPages: 0,
      startedAt: new Date(started).toISOString(),
      durationMs: 0,
    };
    const stopped = () => this.#stop.signal.aborted || (signal?.aborted ?? false);
    /** Runs `batch` until it deletes nothing (or `left` is used up), yielding between batches. */
    const drain = async (batch: (limit: number) => Promise<number>, left = Infinity): Promise<void> => {
      while (left > 0 && !stopped()) {
        const began = monotonic();
        const deleted = await batch(Math.min(batchSize, left));
        const took = monotonic() - began;
        report.batches++;
        left -= deleted;
        if (deleted === 0) return;
        await wait(Math.max(1, Math.ceil(took * (await this.#factor(yieldFactor)))), this.#stop.signal);
      }
    };
    const executions = (status: 'succeeded' | 'failed', before: string) => async (limit: number) => {
      const deleted = await repository.deleteExpiredExecutions(status, before, limit);
      report[status === 'succeeded' ? 'succeededExecutions' : 'failedExecutions'] += deleted.executions;
      report.steps += deleted.steps;
      return deleted.executions;
    };
    if (cut.succeeded) await drain(executions('succeeded', cut.succeeded));
    if (cut.failed) await drain(executions('failed', cut.failed));
    if (policy.maxExecutions > 0) {
      await drain(
        async (limit) => {
          const deleted = await repository.deleteOldestExecutions(limit);
          report.excessExecutions += deleted.executions;
          report.steps += deleted.steps;
          return deleted.executions;
        },
        excess(await repository.countFinished(), policy.maxExecutions),
      );
    }
    if (cut.audit) {
      const before = cut.audit;
      await drain(async (limit) => {
        const deleted = await repository.deleteExpiredAudit(before, limit);
        report.auditEntries += deleted;
        return deleted;
      });
    }
    if (policy.maxAuditEntries > 0) {
      await drain(
        async (limit) => {
          const deleted = await repository.deleteOldestAudit(limit);
          report.excessAuditEntries += deleted;
          return deleted;
        },
        excess(await repository.countAudit(), policy.maxAuditEntries),
      );
    }
    await drain(async (limit) => {
      const deleted = await repository.deleteProcessedEvents(cut.events, limit);
      report.processedEvents += deleted;
      return deleted;
    });
    // Deleted rows leave free pages inside the file (reused by new rows); with incremental auto-vacuum they are
    // also given back to the disk, a slice at a time, so a large prune shrinks the file without one long stop.
    if ((await repository.space()).incremental) {
      await drain(async (limit) => {
        const reclaimed =
          (await repository.space()).freePages > RECLAIM_SLICE_PAGES
            ? await repository.reclaim(RECLAIM_SLICE_PAGES)
            : 0;
        report.reclaimedPages += reclaimed;
        return reclaimed === 0 ? 0 : limit;
      });
    }
    report.durationMs = Date.now() - started;
    this.#last = report;
    return report;
  }
}

const none = { executions: 0, steps: 0 };

/** Whether a round did anything: its deleted rows and reclaimed pages. */
export function prunedAnything(report: PruneReport): boolean {
  return (
    report.succeededExecutions +
      report.failedExecutions +
      report.excessExecutions +
      report.auditEntries +
      report.excessAuditEntries +
      report.processedEvents +
      report.reclaimedPages >
    0
  );
}

function excess(count: number, cap: number): number {
  return cap > 0 ? Math.max(0, count - cap) : 0;
}
