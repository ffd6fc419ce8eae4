// Metrics, readiness and execution logs of a running host, wired to its runtime: counters and histograms are fed by
// the engine's and the sandbox's observers, the gauges read the engine's queue, the outbox and the sandbox when
// scraped; readiness asks the store, the registry and the sandbox.
import type { FastifyInstance } from 'fastify';
import { executionLog, type StructuredLogger } from './execution-log.ts';
import { HostMetrics } from './metrics.ts';
import type { Runtime } from './runtime.ts';

export class HostObservability {
  readonly metrics: HostMetrics;
  readonly #runtime: Runtime;
  #sandboxUp = false;
  #stopping = false;

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
    this.metrics = new HostMetrics({
      queue: async () => {
        const stats = await runtime.engine.stats();
        return { queued: stats.queued, oldestQueuedAgeMs: stats.oldestQueuedAgeMs };
      },
      outbox: async () => {
        const stats = await runtime.engine.stats();
        return { pending: stats.outboxPending, lagMs: stats.outboxLagMs };
      },
      workers: () => {
        const stats = runtime.sandbox.stats();
        return { alive: stats.workers.length, restarts: stats.restarts };
      },
    });
    const { engine, sandbox } = this.metrics;
    runtime.observers.add({
      engine: {
        // Only an execution that ended counts: one handed back for a retry or checkpointed by a stop runs again.
        executionFinished: (event) => {
          if (event.status === 'succeeded' || event.status === 'failed') engine.executionFinished(event);
        },
        stepFinished: engine.stepFinished,
      },
      sandbox,
    });
  }

  /** Logs one line per execution start, action step and execution end (ids, names, durations, codes only). */
  logExecutions(logger: StructuredLogger): void {
    this.#runtime.observers.add({ engine: executionLog(logger) });
  }

  /** Starts a throwaway sandbox worker (Sandbox.check); readiness reports the sandbox up once one has answered.
   * The pool's own workers start on the first invocation: an idle host keeps none. */
  async probeSandbox(): Promise<void> {
    await this.#runtime.sandbox.check();
    this.#sandboxUp = true;
  }

  /** From now on readiness is false (the host is stopping). */
  stopping(): void {
    this.#stopping = true;
  }

  readiness = async (): Promise<Record<string, boolean>> => {
    const up = async (check: () => unknown): Promise<boolean> => {
      try {
        await check();
        return !this.#stopping;
      } catch {
        return false;
      }
    };
    return {
      store: await up(() => this.#runtime.store.db.prepare('SELECT 1').get()),
      // The plugin index may be a database of its own (PostgreSQL): asked asynchronously.
      registry: await up(() => this.#runtime.plugins.list()),
      sandbox: this.#sandboxUp && !this.#stopping,
    };
  };

  /** The API's metrics dependency: /metrics and per-route request timing. */
  get api(): { render: HostMetrics['render']; instrument(app: FastifyInstance): void } {
    return { render: () => this.metrics.render(), instrument: (app) => this.metrics.instrument(app) };
  }
}
