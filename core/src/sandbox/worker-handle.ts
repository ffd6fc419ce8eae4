// One sandbox worker child process as seen from the host: spawn, message routing, death.
// When the process dies, every invocation in flight on it fails and the handle is never used again.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostToWorker, WorkerToHost } from './protocol.ts';

// The worker has this module's extension: worker.ts in a checkout (type stripping), worker.js in the published
// package (built JavaScript; Node does not strip types under node_modules).
const WORKER_FILE = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url),
);

export interface WorkerEvents {
  message(handle: WorkerHandle, message: WorkerToHost): void;
  exit(handle: WorkerHandle, reason: { code: number | null; signal: NodeJS.Signals | null; stderr: string }): void;
}

export class WorkerHandle {
  readonly child: ChildProcess;
  /** Plugin versions this worker has compiled (so their code is not sent again). */
  readonly loaded = new Set<string>();
  readonly inFlight = new Set<string>();
  alive = true;
  #stderr = '';

  constructor(events: WorkerEvents) {
    // --no-node-snapshot: isolated-vm requires it on current Node.
    this.child = fork(WORKER_FILE, [], {
      execArgv: ['--no-node-snapshot', '--disable-warning=ExperimentalWarning'],
      serialization: 'json',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-8192);
    });
    this.child.on('message', (message: WorkerToHost) => events.message(this, message));
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

  send(message: HostToWorker): boolean {
    if (!this.alive || !this.child.connected) return false;
    try {
      this.child.send(message);
      return true;
    } catch {
      return false;
    }
  }

  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }

  /** Resolves once the process has exited. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect?.();
    const timer = setTimeout(() => this.kill(), 2_000);
    await exited;
    clearTimeout(timer);
  }
}
