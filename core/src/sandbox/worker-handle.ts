// One sandbox worker child process as seen from the host: spawn, message routing, death. Messages go over a pipe
// of our own on fd 3 (channel.ts), not Node's IPC: frames of one turn leave in one write and payloads are not
// escaped into JSON twice. When the process dies, every invocation in flight on it fails and the handle is never
// used again.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { FrameChannel } from './channel.ts';
import type { HostToWorker, WorkerToHost } from './protocol.ts';
import { workerFile } from './worker-file.ts';

/**
 * How far past what its last full collection kept a heap grows before the next one (V8's --heap-growing-percent),
 * in the host (host/heap.ts) and in its workers. V8 lets a heap as small as ours grow up to 4x on a machine with
 * this much memory; at 30% a host under load held ~140 instead of 160-210 MB, for up to ~10% more CPU (README:
 * Benchmark).
 */
export const HEAP_GROWING_PERCENT = 30;

/**
 * --no-node-snapshot: isolated-vm requires it on current Node. --max-semi-space-size: the worker's own heap only
 * carries frames and envelopes, which die young; V8's default young generation (16 MB semi-spaces) would hold ~20 MB
 * more per worker under load for nothing (isolated-vm sizes its isolates' heaps itself, from their memory limits).
 * --heap-growing-percent (HEAP_GROWING_PERCENT, the host's own): the old generation of the worker's heap and of
 * every isolate in it is collected once it has grown 30% past what the last full collection kept, not up to 4x.
 */
const WORKER_NODE_FLAGS = [
  '--no-node-snapshot',
  '--max-semi-space-size=1',
  `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
  '--disable-warning=ExperimentalWarning',
];

export interface WorkerEvents {
  message(handle: WorkerHandle, message: WorkerToHost, payload: string): void;
  exit(handle: WorkerHandle, reason: { code: number | null; signal: NodeJS.Signals | null; stderr: string }): void;
}

export class WorkerHandle {
  readonly child: ChildProcess;
  readonly #channel: FrameChannel<WorkerToHost, HostToWorker>;
  /** Plugin versions this worker has been sent (so their code is not sent again). */
  readonly loaded = new Set<string>();
  readonly inFlight = new Set<string>();
  alive = true;
  #stderr = '';

  constructor(events: WorkerEvents) {
    this.child = spawn(process.execPath, [...WORKER_NODE_FLAGS, workerFile()], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      // Two malloc arenas, not one per core and isolate thread (glibc's default): ~10 MB less per worker under load.
      env: { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' },
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-8192);
    });
    this.#channel = new FrameChannel<WorkerToHost, HostToWorker>(
      this.child.stdio[3] as Duplex,
      (message, payload) => events.message(this, message, payload),
      () => undefined,
    );
    this.child.once('exit', (code, signal) => {
      this.alive = false;
      events.exit(this, { code, signal, stderr: this.#stderr });
    });
    this.child.on('error', () => {
      /* surfaced through 'exit' */
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(message: HostToWorker, payload?: string): boolean {
    if (!this.alive) return false;
    return this.#channel.send(message, payload);
  }

  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }

  /** Resolves once the process has exited (it exits when its channel closes). */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.#channel.close();
    const timer = setTimeout(() => this.kill(), 2_000);
    await exited;
    clearTimeout(timer);
  }
}
