// Admission of request writes (they raise outbox events, so executions): the API accepts what the engine can run
// soon, not a fixed amount of work. A write is refused with 503 AH_HOST_BUSY and a Retry-After when the backlog
// would take longer than maxBacklogMs to drain at the rate executions leave the engine now, when its oldest entry
// has already waited that long, or (the hard ceiling) when it holds more than maxBacklog.

export interface AdmissionPolicy {
  /** The hard ceiling: unprocessed events plus queued executions beyond which every request write is refused. */
  maxBacklog: number;
  /** The backlog may take at most this long to drain; 0 leaves only the count bound. */
  maxBacklogMs: number;
}

export interface BacklogReading {
  /** Unprocessed outbox events plus queued executions. */
  backlog: number;
  /** Executions leaving the engine per second (EngineStats.drainPerSecond). */
  drainPerSecond: number;
  /** How long the oldest unprocessed event or due queued execution has waited. */
  oldestAgeMs: number;
}

export type AdmissionVerdict =
  { admit: true } | { admit: false; reason: 'count' | 'drain-time'; limit: number; retryAfterSeconds: number };

/**
 * A backlog this small is always admitted by the time bound: an engine that was idle has no drain rate yet, and
 * its first executions are how it gets one (the count bound still applies).
 */
export const ALWAYS_ADMITTED = 32;

export function admissionVerdict(policy: AdmissionPolicy, reading: BacklogReading): AdmissionVerdict {
  const { backlog, drainPerSecond, oldestAgeMs } = reading;
  const drainSeconds = drainPerSecond > 0 ? backlog / drainPerSecond : Number.POSITIVE_INFINITY;
  // Come back about when the backlog will have drained: sooner only adds refused requests, later idles the host.
  const retryAfterSeconds = Number.isFinite(drainSeconds) ? Math.min(60, Math.max(1, Math.ceil(drainSeconds))) : 5;
  if (backlog > policy.maxBacklog)
    return { admit: false, reason: 'count', limit: policy.maxBacklog, retryAfterSeconds };
  if (policy.maxBacklogMs <= 0 || backlog <= ALWAYS_ADMITTED) return { admit: true };
  const limit = Math.max(ALWAYS_ADMITTED, Math.floor((drainPerSecond * policy.maxBacklogMs) / 1000));
  if (backlog > limit || oldestAgeMs > policy.maxBacklogMs)
    return { admit: false, reason: 'drain-time', limit, retryAfterSeconds };
  return { admit: true };
}

/** How often the backlog is read from the store; writes admitted in between are counted on top of the reading. */
const READ_EVERY_MS = 100;

interface Waiter {
  deadline: number;
  resolve: (verdict: AdmissionVerdict & { backlog: number }) => void;
}

/**
 * The admission of one host. It reads the backlog at most every READ_EVERY_MS (two counts over indexes) and adds
 * the writes it admitted since, so a burst cannot slip past a stale reading. A write over the time bound waits in
 * line (first come, first in) for up to maxBacklogMs until the engine has made room, and only then is refused:
 * clients that send again as soon as they are answered are paced to the engine's rate instead of spinning on 503s
 * that take the engine's CPU. The line holds at most what the engine drains in maxBacklogMs; beyond it, and past
 * the count ceiling, a write is refused at once.
 */
export class BacklogAdmission {
  readonly #policy: AdmissionPolicy;
  readonly #read: () => Promise<BacklogReading>;
  readonly #now: () => number;
  #reading: { at: number; value: BacklogReading } | null = null;
  #pending: Promise<BacklogReading> | null = null;
  #admittedSince = 0;
  readonly #line: Waiter[] = [];
  #pump: NodeJS.Timeout | null = null;

  constructor(policy: AdmissionPolicy, read: () => Promise<BacklogReading>, now: () => number = () => Date.now()) {
    this.#policy = policy;
    this.#read = read;
    this.#now = now;
  }

  /** Waits until one more request write may go in (or is refused); an admitted one counts towards the backlog. */
  async admit(): Promise<AdmissionVerdict & { backlog: number }> {
    const reading = await this.#current();
    const verdict = this.#judge(reading, this.#line.length);
    if (verdict.admit || verdict.reason === 'count' || this.#policy.maxBacklogMs <= 0) return verdict;
    if (this.#line.length >= verdict.limit) return verdict;
    return new Promise((resolve) => {
      this.#line.push({ deadline: this.#now() + this.#policy.maxBacklogMs, resolve });
      this.#schedule();
    });
  }

  /** Writes waiting in line now. */
  get waiting(): number {
    return this.#line.length;
  }

  /** `ahead`: writes waiting in line before this one (they count as backlog too). */
  #judge(reading: BacklogReading, ahead: number): AdmissionVerdict & { backlog: number } {
    const backlog = reading.backlog + this.#admittedSince + ahead;
    const verdict = admissionVerdict(this.#policy, { ...reading, backlog });
    if (verdict.admit) this.#admittedSince++;
    return { ...verdict, backlog };
  }

  #schedule(): void {
    this.#pump ??= setTimeout(() => {
      this.#pump = null;
      void this.#drainLine();
    }, READ_EVERY_MS);
    // Waiting writes must not keep a stopping host alive.
    this.#pump.unref();
  }

  async #drainLine(): Promise<void> {
    let reading: BacklogReading;
    try {
      reading = await this.#current();
    } catch {
      reading = { backlog: Number.POSITIVE_INFINITY, drainPerSecond: 0, oldestAgeMs: 0 };
    }
    while (this.#line.length > 0) {
      const first = this.#line.shift()!;
      const verdict = this.#judge(reading, 0);
      if (verdict.admit) {
        first.resolve(verdict);
        continue;
      }
      this.#line.unshift(first);
      // Those that waited their time are refused; the others wait for the next reading.
      const now = this.#now();
      while (this.#line.length > 0 && this.#line[0].deadline <= now) this.#line.shift()!.resolve(verdict);
      break;
    }
    if (this.#line.length > 0) this.#schedule();
  }

  async #current(): Promise<BacklogReading> {
    if (this.#reading && this.#now() - this.#reading.at < READ_EVERY_MS) return this.#reading.value;
    // One read at a time: requests arriving meanwhile wait for it rather than each starting their own.
    this.#pending ??= this.#read()
      .then((value) => {
        this.#reading = { at: this.#now(), value };
        this.#admittedSince = 0;
        return value;
      })
      .finally(() => {
        this.#pending = null;
      });
    return this.#pending;
  }
}
