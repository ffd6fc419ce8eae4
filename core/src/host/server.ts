// A running host: the runtime plus the HTTP API and the workflow engine's loop, with a graceful stop
// (stop taking requests, let the engine finish the event in hand, close the sandbox, close the store).
import type { FastifyInstance } from 'fastify';
import { ActionhostError } from '@actionhost/sdk';
import { ApiTokens, buildApi } from '../api/index.ts';
import type { HostConfig } from '../config/index.ts';
import { openRuntime, type Runtime } from './runtime.ts';
import { WorkflowErrors } from '../workflow/index.ts';
import { installFirstPartyPlugins, seedExampleWorkflows } from './seed.ts';

export interface RunningHost {
  runtime: Runtime;
  app: FastifyInstance;
  url: string;
  /** The first admin's token when this start created it (shown once), else null. */
  adminToken: string | null;
  stop(): Promise<void>;
}

export interface StartHostOptions {
  seed?: boolean;
  progress?: (message: string) => void;
  /**
   * Back-pressure: when unprocessed events plus queued executions pass this many, request writes (which raise
   * events) are refused with 503 AH_HOST_BUSY and Retry-After (default env ACTIONHOST_MAX_BACKLOG or 10 000).
   */
  maxBacklog?: number;
}

export async function startHost(config: HostConfig, options: StartHostOptions = {}): Promise<RunningHost> {
  const progress = options.progress ?? (() => undefined);
  const runtime = await openRuntime(config, {
    onEngineError: (error, context) => progress(`engine: ${(error as Error).message ?? String(error)} ${JSON.stringify(context)}`),
  });
  try {
    await installFirstPartyPlugins(runtime.plugins, progress);
    if (options.seed !== false) seedExampleWorkflows(runtime.workflows, progress);
    const auth = new ApiTokens(runtime.store);
    const bootstrap = auth.bootstrapAdmin(config.adminToken);
    const app = buildApi({
      auth, workflows: withStoreErrors(runtime.workflows), itsm: withStoreErrors(runtime.itsm), credentials: withStoreErrors(runtime.credentials),
      plugins: { list: () => runtime.plugins.list(), install: ({ tarball }) => runtime.plugins.install({ tarball, source: 'api upload' }) },
      applications: runtime.applications,
      engine: runtime.engine,
      logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    });
    guardBacklog(app, runtime, options.maxBacklog ?? (Number(process.env.ACTIONHOST_MAX_BACKLOG) || 10_000));
    const url = await app.listen({ host: config.host, port: config.port });
    runtime.engine.start();
    let stopping: Promise<void> | null = null;
    return {
      runtime, app, url, adminToken: bootstrap.token,
      stop: () => (stopping ??= (async () => {
        await app.close();
        await runtime.close();
      })()),
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}

/** Refuses writes that raise outbox events while the backlog is over `limit` (cheap counts, cached briefly). */
function guardBacklog(app: FastifyInstance, runtime: Runtime, limit: number): void {
  let cached = { at: 0, backlog: 0 };
  const backlog = (): number => {
    if (Date.now() - cached.at > 250) {
      const events = runtime.store.db.prepare('SELECT COUNT(*) AS n FROM itsm_events WHERE processed_at IS NULL').get() as { n: number };
      cached = { at: Date.now(), backlog: Number(events.n) + runtime.engine.queuedExecutions() };
    }
    return cached.backlog;
  };
  app.addHook('preHandler', async (request, reply) => {
    const route = request.routeOptions.url;
    const raisesEvents = (request.method === 'POST' && route === '/api/requests') || (request.method === 'PATCH' && route === '/api/requests/:id');
    if (!raisesEvents) return;
    const current = backlog();
    if (current <= limit) return;
    const error = WorkflowErrors.hostBusy(`the host has ${current} events and executions waiting (limit ${limit}); try again later`,
      { backlog: current, limit });
    await reply.code(503).header('retry-after', '5')
      .send({ error: { code: error.code, message: error.message, details: error.details } });
  });
}

/** SQLite primary result codes that mean "the data folder cannot take writes now", as stable API errors. */
const STORE_FAULTS: Record<number, { code: string; message: string }> = {
  13: { code: 'AH_STORE_FULL', message: 'the data folder\'s file system is full: the change was not saved' },
  8: { code: 'AH_STORE_READ_ONLY', message: 'the data folder is read-only: the change was not saved' },
  10: { code: 'AH_STORE_IO', message: 'the data folder could not be written (I/O error): the change was not saved' },
  5: { code: 'AH_STORE_BUSY', message: 'the database is busy: try again' },
};

function storeFault(error: unknown): unknown {
  const e = error as { code?: string; errcode?: number; errstr?: string };
  if (e?.code !== 'ERR_SQLITE_ERROR' || typeof e.errcode !== 'number') return error;
  const fault = STORE_FAULTS[e.errcode & 0xff];
  return fault ? new ActionhostError(fault.code, fault.message, 503, { sqlite: e.errstr ?? String(e.errcode) }) : error;
}

/**
 * The service as the API sees it, except that a SQLite failure of the data folder (disk full, read-only, I/O)
 * leaves as a 503 with a stable code instead of an anonymous 500. SQLite rolled the transaction back already.
 */
function withStoreErrors<T extends object>(service: T): T {
  return new Proxy(service, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          return result instanceof Promise ? result.catch((error: unknown) => { throw storeFault(error); }) : result;
        } catch (error) {
          throw storeFault(error);
        }
      };
    },
  });
}
