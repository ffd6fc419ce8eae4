// Metrics, readiness and execution logs of a running host, wired to its runtime: the gauges read the engine's
// queue, the outbox and the sandbox when scraped; readiness asks the store, the registry and the sandbox.
import type { FastifyInstance } from 'fastify';
import { PluginManifest } from '@actionhost/sdk';
import type { LoadedPlugin } from '../sandbox/index.ts';
import { HostMetrics } from './metrics.ts';
import type { Runtime } from './runtime.ts';

// A plugin the host runs once at start: the sandbox is up when a worker has loaded isolated-vm and answered.
const PROBE: LoadedPlugin = {
  manifest: PluginManifest.parse({
    name: '@actionhost/readiness-probe',
    version: '1.0.0',
    title: 'Readiness probe',
    category: 'plugin',
    host: '^1.0.0',
    entry: 'dist/plugin.js',
    input: { type: 'object' },
    output: { type: 'object' },
    paths: ['success'],
  }),
  code: 'globalThis.plugin = { run() { return { path: "success", output: {} }; } };',
  integrity: 'sha512-readiness-probe',
};

export class HostObservability {
  readonly metrics: HostMetrics;
  readonly #runtime: Runtime;
  #sandboxUp = false;
  #stopping = false;

  constructor(runtime: Runtime, options: { now?: () => number } = {}) {
    const now = options.now ?? Date.now;
    this.#runtime = runtime;
    this.metrics = new HostMetrics({
      queue: async () => ({ queued: await runtime.engine.queuedExecutions(), oldestQueuedAgeMs: null }),
      outbox: () => {
        const oldest = runtime.itsm.pendingEvents(1)[0];
        return {
          pending: runtime.itsm.unprocessedEventCount(),
          lagMs: oldest ? Math.max(0, now() - Date.parse(oldest.createdAt)) : 0,
        };
      },
      workers: () => {
        const stats = runtime.sandbox.stats();
        return { alive: stats.workers.length, restarts: stats.restarts };
      },
    });
  }

  /** Runs the probe plugin; readiness reports the sandbox up once it answered. */
  async probeSandbox(signal?: AbortSignal): Promise<void> {
    await this.#runtime.sandbox.invoke({ plugin: PROBE, input: {}, ...(signal ? { signal } : {}) });
    this.#sandboxUp = true;
  }

  /** From now on readiness is false (the host is stopping). */
  stopping(): void {
    this.#stopping = true;
  }

  readiness = (): Promise<Record<string, boolean>> => {
    const up = (check: () => unknown): boolean => {
      try {
        check();
        return !this.#stopping;
      } catch {
        return false;
      }
    };
    return Promise.resolve({
      store: up(() => this.#runtime.store.db.prepare('SELECT 1').get()),
      registry: up(() => this.#runtime.plugins.list()),
      sandbox: this.#sandboxUp && !this.#stopping && this.#runtime.sandbox.stats().workers.length > 0,
    });
  };

  /** The API's metrics dependency: /metrics and per-route request timing. */
  get api(): { render: HostMetrics['render']; instrument(app: FastifyInstance): void } {
    return { render: () => this.metrics.render(), instrument: (app) => this.metrics.instrument(app) };
  }
}
