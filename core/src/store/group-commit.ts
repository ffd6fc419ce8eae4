// Group commit for the embedded store: writes queued during one turn of the event loop run in one SQLite
// transaction at its end, so many executions finishing at once pay for one commit, not one each.
type Queued = { run: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };

export class GroupCommit {
  readonly #transaction: <T>(fn: () => T) => T;
  #queued: Queued[] = [];
  #scheduled: NodeJS.Immediate | null = null;

  constructor(transaction: <T>(fn: () => T) => T) {
    this.#transaction = transaction;
  }

  write<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queued.push({ run, resolve: resolve as (value: unknown) => void, reject });
      this.#scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Commits what is queued now (the store calls it before closing). */
  flush(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = null;
    const batch = this.#queued;
    this.#queued = [];
    if (batch.length === 0) return;
    let results: unknown[];
    try {
      results = this.#transaction(() => batch.map((write) => write.run()));
    } catch {
      // One write failed and the batch rolled back: run each alone, so only the failing one is refused.
      for (const write of batch) {
        try {
          write.resolve(this.#transaction(write.run));
        } catch (error) {
          write.reject(error);
        }
      }
      return;
    }
    batch.forEach((write, index) => write.resolve(results[index]));
  }
}
