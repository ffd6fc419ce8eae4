// Checkpoints the write-ahead log from a worker thread with its own connection. A checkpoint copies the log back
// into the database file and fsyncs both; on the connection that commits (the host's event loop) it would stall
// every request and execution for as long as the disk takes (30-230 ms seen on a busy 2-core machine). PASSIVE
// never blocks the writer; the main connection keeps an auto-checkpoint far beyond this one as a backstop.
import { Worker } from 'node:worker_threads';

/** How often the thread checkpoints what was committed since its last run. */
const EVERY_MS = 100;
/** How long close() waits for the thread to close its connection. */
const STOP_WAIT_MS = 2000;

// CommonJS evaluated in the thread: no import of our own modules, so it starts in a few milliseconds.
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const stopped = new Int32Array(workerData.stopped);
let db = null;
try {
  db = new DatabaseSync(workerData.file, { timeout: 1000 });
} catch {}
const timer = setInterval(() => {
  try {
    db?.exec('PRAGMA wal_checkpoint(PASSIVE)');
  } catch {}
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try {
    db?.close();
  } catch {}
  Atomics.store(stopped, 0, 1);
  Atomics.notify(stopped, 0);
  parentPort.close();
});
`;

export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #stopped = new Int32Array(new SharedArrayBuffer(4));
  #closed = false;

  constructor(file: string) {
    this.#worker = new Worker(SOURCE, {
      eval: true,
      workerData: { file, everyMs: EVERY_MS, stopped: this.#stopped.buffer },
      // A checkpoint thread needs little of a heap; keep its footprint small.
      resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
    });
    this.#worker.unref();
    this.#worker.on('error', () => undefined);
  }

  /**
   * Stops the thread and waits (synchronously, as Store.close is) until its connection is closed, so that the
   * store's own connection is the last one and closing it checkpoints and removes the log as before.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.postMessage('stop');
    Atomics.wait(this.#stopped, 0, 0, STOP_WAIT_MS);
    void this.#worker.terminate();
  }
}
