// A first-come-first-served lock for this process: an index transaction spans await points, and callers that
// share one connection must not interleave inside it.
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Runs fn once every earlier caller's fn has settled; a failure of one does not hold up the next. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
