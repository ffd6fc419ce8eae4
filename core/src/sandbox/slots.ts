// Invocation slots: at most `capacity` invocations run at once, the rest wait in a bounded FIFO queue.
// The plugin's timeout starts only when its invocation gets a slot, so waiting never eats into it.
import { SandboxErrors } from './errors.ts';

export class InvocationSlots {
  readonly #capacity: number;
  readonly #maxQueued: number;
  #active = 0;
  readonly #waiting: Array<() => void> = [];
  #closed = false;

  constructor(capacity: number, maxQueued: number) {
    this.#capacity = capacity;
    this.#maxQueued = maxQueued;
  }

  async acquire(signal: AbortSignal | undefined, plugin: string): Promise<void> {
    if (signal?.aborted) throw SandboxErrors.cancelled({ when: 'before it started' }, { plugin });
    if (this.#closed) throw SandboxErrors.closed({ state: 'closed' }, { plugin });
    if (this.#active < this.#capacity) {
      this.#active++;
      return;
    }
    if (this.#waiting.length >= this.#maxQueued) {
      throw SandboxErrors.busy({ limit: this.#maxQueued }, { plugin });
    }
    await new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(wake);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(SandboxErrors.cancelled({ when: 'while queued' }, { plugin }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(wake);
    });
    if (this.#closed) {
      this.release();
      throw SandboxErrors.closed({ state: 'closed' }, { plugin });
    }
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else this.#active--;
  }

  /** Wakes every waiter; each finds the slots closed and fails with AH_SANDBOX_CLOSED. */
  close(): void {
    this.#closed = true;
    for (const wake of this.#waiting.splice(0)) wake();
  }
}
