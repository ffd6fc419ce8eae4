// Group commit for the embedded store: writes queued during one turn of the event loop run in one SQLite
// transaction at its end, so many executions finishing at once pay for one commit, not one each. A write is either
// synchronous (the engine's row writes) or asynchronous (a service's transaction written for both backends, whose
// queries all go to SQLite, so it only waits on promises that are already settled).
type Queued = { run: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };

/** The transaction primitives of the connection the writes go to. */
export interface TransactionControl {
  begin(): void;
  commit(): void;
  rollback(): void;
}

export class GroupCommit {
  readonly #control: TransactionControl;
  #queued: Queued[] = [];
  #scheduled: NodeJS.Immediate | null = null;
  /** The batch being committed while one of its writes awaits; the next batch starts after it. */
  #active: Promise<void> | null = null;

  constructor(control: TransactionControl) {
    this.#control = control;
  }

  write<T>(run: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queued.push({ run, resolve: resolve as (value: unknown) => void, reject });
      this.#scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Settles once no batch is being committed (at once when none is). */
  get idle(): Promise<void> | null {
    return this.#active;
  }

  /** Commits what is queued now (the store calls it before closing). Synchronous writes commit before it returns. */
  flush(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = null;
    if (this.#active) return; // the batch under way schedules the next one when it ends
    const batch = this.#queued;
    this.#queued = [];
    if (batch.length === 0) return;
    const awaiting = { value: false };
    const active = this.#commit(batch, awaiting).finally(() => {
      if (this.#active === active) this.#active = null;
      if (this.#queued.length > 0) this.#scheduled ??= setImmediate(() => this.flush());
    });
    // An all-synchronous batch has committed by now: only an awaiting one stays active.
    if (awaiting.value) this.#active = active;
  }

  async #commit(batch: Queued[], awaiting: { value: boolean }): Promise<void> {
    const results: unknown[] = [];
    try {
      this.#control.begin();
      for (const write of batch) {
        let result = write.run();
        if (isThenable(result)) {
          awaiting.value = true;
          result = await result;
        }
        results.push(result);
      }
      this.#control.commit();
    } catch {
      this.#rollback();
      // One write failed and the batch rolled back: run each alone, so only the failing one is refused.
      for (const write of batch) {
        try {
          this.#control.begin();
          let result = write.run();
          if (isThenable(result)) {
            awaiting.value = true;
            result = await result;
          }
          this.#control.commit();
          write.resolve(result);
        } catch (error) {
          this.#rollback();
          write.reject(error);
        }
      }
      return;
    }
    batch.forEach((write, index) => write.resolve(results[index]));
  }

  #rollback(): void {
    try {
      this.#control.rollback();
    } catch {
      /* the failed statement may have rolled back already */
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
