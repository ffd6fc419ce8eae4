// The host's Prometheus metrics (prom-client), served at /metrics. Counters and histograms are fed by observer
// events (an execution or a step finished, an invocation or a worker ended) and by the HTTP server's hooks;
// gauges (queue depth, outbox lag, workers) are read from the running pieces when Prometheus scrapes.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CertificateSummary, TlsReload } from './tls.ts';

/** Execution events, as the engine reports them. */
export interface ExecutionFinishedEvent {
  executionId: string;
  workflowId: string;
  requestId: number | null;
  status: string;
  outcome: string | null;
  durationMs: number;
  errorCode: string | null;
}

export interface StepFinishedEvent {
  executionId: string;
  nodeId: string;
  kind: string;
  /** name@version for action steps. */
  plugin: string | null;
  path: string | null;
  durationMs: number;
  errorCode: string | null;
}

export interface InvocationFinishedEvent {
  plugin: string;
  durationMs: number;
  errorCode: string | null;
}

export interface WorkerExitedEvent {
  outOfMemory: boolean;
  replaced: boolean;
}

/** Who this host is, for the series that say which host did the work. */
export interface MetricsHost {
  /** This process's host id (as recorded on the steps it runs). */
  id: string;
  /** The store it runs on: sqlite, or postgres when several hosts may share the work. */
  store: string;
}

/** What the gauges read at scrape time. */
export interface MetricsSources {
  queue(): MaybePromise<{ queued: number; oldestQueuedAgeMs: number | null }>;
  outbox(): MaybePromise<{ pending: number; lagMs: number }>;
  workers(): { alive: number; restarts: number };
}

type MaybePromise<T> = T | Promise<T>;

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class HostMetrics {
  readonly registry = new Registry();
  readonly #executions: Counter<'workflow' | 'status' | 'outcome'>;
  readonly #executionSeconds: Histogram<'workflow' | 'status'>;
  readonly #stepSeconds: Histogram<'plugin' | 'path' | 'error_code'>;
  readonly #invocations: Counter<'plugin' | 'result'>;
  readonly #workerExits: Counter<'reason'>;
  readonly #httpSeconds: Histogram<'method' | 'route' | 'status_code'>;
  readonly #tlsReloads: Counter<'result'>;
  readonly #hostSteps: Counter<'host' | 'result'>;
  readonly #host: MetricsHost;
  #tlsExpiry: Gauge | null = null;

  constructor(sources: MetricsSources, host: MetricsHost = { id: 'local', store: 'sqlite' }) {
    this.#host = host;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'actionhost_process_' });
    this.#executions = new Counter({
      name: 'actionhost_executions_total',
      help: 'Workflow executions that ended, by workflow, status (succeeded, failed...) and outcome',
      labelNames: ['workflow', 'status', 'outcome'],
      registers,
    });
    this.#executionSeconds = new Histogram({
      name: 'actionhost_execution_duration_seconds',
      help: 'Wall time of a workflow execution, by workflow and status',
      labelNames: ['workflow', 'status'],
      buckets: SECONDS,
      registers,
    });
    this.#stepSeconds = new Histogram({
      name: 'actionhost_step_duration_seconds',
      help: 'Wall time of an action step, by plugin@version, output path and error code ("" when none)',
      labelNames: ['plugin', 'path', 'error_code'],
      buckets: SECONDS,
      registers,
    });
    this.#invocations = new Counter({
      name: 'actionhost_sandbox_invocations_total',
      help: 'Sandbox invocations, by plugin@version and result: ok, timeout, out_of_memory, error',
      labelNames: ['plugin', 'result'],
      registers,
    });
    this.#workerExits = new Counter({
      name: 'actionhost_sandbox_worker_exits_total',
      help: 'Sandbox worker processes that ended, by reason: out_of_memory, crashed (both replaced), stopped',
      labelNames: ['reason'],
      registers,
    });
    this.#httpSeconds = new Histogram({
      name: 'actionhost_http_request_duration_seconds',
      help: 'HTTP API requests, by method, route (the pattern, e.g. /api/requests/:id) and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: SECONDS,
      registers,
    });
    this.#tlsReloads = new Counter({
      name: 'actionhost_tls_reloads_total',
      help: 'Certificate reloads on SIGHUP, by result: ok, refused (the files were not a valid pair; the previous certificate is still served)',
      labelNames: ['result'],
      registers,
    });
    // One series per result for this process: every host serves its own /metrics, so the label names the host
    // without adding series per host here (a restart is a new host id, and a new process).
    this.#hostSteps = new Counter({
      name: 'actionhost_host_steps_total',
      help: 'Action steps this host ran, by host id (as the executions API shows on each step) and result (ok, error)',
      labelNames: ['host', 'result'],
      registers,
    });
    new Gauge({
      name: 'actionhost_host_info',
      help: 'Always 1: this host id and the store it runs on (sqlite, postgres)',
      labelNames: ['host', 'store'],
      registers,
    }).set({ host: host.id, store: host.store }, 1);
    const gauge = (name: string, help: string, read: (set: (value: number) => void) => MaybePromise<void>) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          await read((value) => this.set(value));
        },
      });
    gauge('actionhost_queue_depth', 'Executions queued, waiting for a slot or a retry', async (set) =>
      set((await sources.queue()).queued),
    );
    gauge('actionhost_queue_oldest_age_seconds', 'How long the oldest queued execution has waited', async (set) =>
      set(((await sources.queue()).oldestQueuedAgeMs ?? 0) / 1000),
    );
    gauge('actionhost_outbox_pending', 'Request changes (outbox events) not yet turned into executions', async (set) =>
      set((await sources.outbox()).pending),
    );
    gauge('actionhost_outbox_lag_seconds', 'How long the oldest unprocessed outbox event has waited', async (set) =>
      set((await sources.outbox()).lagMs / 1000),
    );
    gauge('actionhost_sandbox_workers', 'Sandbox worker processes alive', (set) => set(sources.workers().alive));
    gauge('actionhost_sandbox_worker_restarts', 'Sandbox workers replaced since the host started', (set) =>
      set(sources.workers().restarts),
    );
  }

  /** Observer of the workflow engine (its EngineObserver). */
  readonly engine = {
    executionFinished: (event: ExecutionFinishedEvent): void => {
      const workflow = event.workflowId;
      this.#executions.inc({ workflow, status: event.status, outcome: event.outcome ?? '' });
      this.#executionSeconds.observe({ workflow, status: event.status }, event.durationMs / 1000);
    },
    stepFinished: (event: StepFinishedEvent): void => {
      if (event.plugin === null) return;
      this.#hostSteps.inc({ host: this.#host.id, result: event.errorCode === null ? 'ok' : 'error' });
      this.#stepSeconds.observe(
        { plugin: event.plugin, path: event.path ?? '', error_code: event.errorCode ?? '' },
        event.durationMs / 1000,
      );
    },
  };

  /** Observer of the sandbox (its SandboxObserver). */
  readonly sandbox = {
    invocationFinished: (event: InvocationFinishedEvent): void => {
      const result =
        event.errorCode === null
          ? 'ok'
          : event.errorCode === 'AH_PLUGIN_TIMEOUT'
            ? 'timeout'
            : event.errorCode === 'AH_PLUGIN_OUT_OF_MEMORY'
              ? 'out_of_memory'
              : 'error';
      this.#invocations.inc({ plugin: event.plugin, result });
    },
    workerExited: (event: WorkerExitedEvent): void => {
      this.#workerExits.inc({ reason: event.outOfMemory ? 'out_of_memory' : event.replaced ? 'crashed' : 'stopped' });
    },
  };

  /** The HTTPS certificate served; its expiry is a gauge only on a host that serves HTTPS. */
  readonly tls = {
    served: (certificate: CertificateSummary): void => {
      this.#tlsExpiry ??= new Gauge({
        name: 'actionhost_tls_certificate_expiry_timestamp_seconds',
        help: 'When the certificate served to new HTTPS connections expires (Unix time): alert well before it',
        registers: [this.registry],
      });
      this.#tlsExpiry.set(Date.parse(certificate.validTo) / 1000);
    },
    reloaded: (reload: TlsReload): void => {
      this.#tlsReloads.inc({ result: reload.reloaded ? 'ok' : 'refused' });
      this.tls.served(reload.certificate);
    },
  };

  /** Times every HTTP request by its route pattern (never the raw URL: ids would make a series each). */
  instrument(app: FastifyInstance): void {
    const started = new WeakMap<object, bigint>();
    app.addHook('onRequest', async (request) => {
      started.set(request, process.hrtime.bigint());
    });
    app.addHook('onResponse', async (request, reply) => {
      const start = started.get(request);
      if (start === undefined) return;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = request.routeOptions.url ?? 'unmatched';
      this.#httpSeconds.observe({ method: request.method, route, status_code: String(reply.statusCode) }, seconds);
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
