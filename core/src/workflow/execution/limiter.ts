// A counting semaphore per key (here: per plugin name), so one slow plugin cannot take every execution slot of
// the host. Waiters are bounded by the engine's execution slots, so waiting here never grows without bound.
import { WorkflowErrors } from '../definition/index.ts';

export class KeyedLimiter {
  readonly #limit: number;
  readonly #held = new Map<string, number>();
  readonly #waiting = new Map<string, Array<() => void>>();

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /** Waits for a slot of `key`; the returned function gives it back (call it exactly once, in finally). */
  async acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    if ((this.#held.get(key) ?? 0) >= this.#limit) {
      await new Promise<void>((resolve, reject) => {
        const queue = this.#waiting.get(key) ?? [];
        this.#waiting.set(key, queue);
        const onAbort = () => {
          const index = queue.indexOf(grant);
          if (index >= 0) queue.splice(index, 1);
          reject(WorkflowErrors.cancelled({ when: 'while waiting for a plugin slot' }));
        };
        const grant = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        if (signal?.aborted) {
          onAbort();
          return;
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(grant);
      });
    } else {
      this.#held.set(key, (this.#held.get(key) ?? 0) + 1);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the slot straight to the next waiter (the count stays); otherwise give it back.
      const next = this.#waiting.get(key)?.shift();
      if (next) {
        next();
        return;
      }
      const held = (this.#held.get(key) ?? 1) - 1;
      if (held <= 0) this.#held.delete(key);
      else this.#held.set(key, held);
    };
  }

  /** Slots of `key` in use now. */
  inUse(key: string): number {
    return this.#held.get(key) ?? 0;
  }
}
