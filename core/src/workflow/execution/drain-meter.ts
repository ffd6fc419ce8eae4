// How fast the engine gets executions off its hands (finished, failed, handed back for a retry) over the last
// second: what the API's admission compares its backlog with, so that it accepts what the engine can run soon
// instead of a fixed count of work.

/** Counts in buckets of this many ms; the rate is over the last WINDOW_MS. */
const BUCKET_MS = 100;
const WINDOW_MS = 1000;

export class DrainMeter {
  readonly #now: () => number;
  /** Finished count per bucket, ring-indexed by bucket number. */
  readonly #counts = new Array<number>(WINDOW_MS / BUCKET_MS).fill(0);
  readonly #buckets = new Array<number>(WINDOW_MS / BUCKET_MS).fill(-1);

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** One execution left the engine. */
  record(): void {
    const bucket = Math.floor(this.#now() / BUCKET_MS);
    const slot = bucket % this.#counts.length;
    if (this.#buckets[slot] !== bucket) {
      this.#buckets[slot] = bucket;
      this.#counts[slot] = 0;
    }
    this.#counts[slot]++;
  }

  /** Executions per second over the last second (the bucket under way counts as a whole one). */
  perSecond(): number {
    const current = Math.floor(this.#now() / BUCKET_MS);
    let total = 0;
    for (let slot = 0; slot < this.#counts.length; slot++)
      if (current - this.#buckets[slot] < this.#counts.length) total += this.#counts[slot];
    return (total * 1000) / WINDOW_MS;
  }
}
