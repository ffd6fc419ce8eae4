// A running host: the runtime plus the HTTP API and the workflow engine's loop, with a graceful stop
// (stop taking requests, let the engine finish the event in hand, close the sandbox, close the store).
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { portInUseError } from '@actionhost/sdk/cli';
import { ApiTokens, buildApi } from '../api/index.ts';
import type { HostConfig } from '../config/index.ts';
import { openRuntime, type Runtime } from './runtime.ts';
import { WorkflowErrors } from '../workflow/index.ts';
import { HostObservability } from './observability.ts';
import { installFirstPartyPlugins, seedExampleWorkflows } from './seed.ts';

/** The web console's build (`node core/console/build.ts`, run by `npm ci`), served at /. */
const CONSOLE_DIR = fileURLToPath(new URL('../../console/dist/', import.meta.url));

export interface RunningHost {
  runtime: Runtime;
  app: FastifyInstance;
  url: string;
  /** The first admin's token when this start created it (shown once), else null. */
  adminToken: string | null;
  stop(): Promise<void>;
}

export interface StartHostOptions {
  /** Overrides config.seed: load the seed's example workflows as drafts. */
  seed?: boolean;
  progress?: (message: string) => void;
  /**
   * Overrides config.maxBacklog. Back-pressure: when unprocessed events plus queued executions pass this many,
   * request writes (which raise events) are refused with 503 AH_HOST_BUSY and Retry-After.
   */
  maxBacklog?: number;
}

export async function startHost(config: HostConfig, options: StartHostOptions = {}): Promise<RunningHost> {
  const progress = options.progress ?? (() => undefined);
  const runtime = await openRuntime(config, {
    onEngineError: (error, context) =>
      progress(`engine: ${(error as Error).message ?? String(error)} ${JSON.stringify(context)}`),
  });
  try {
    await installFirstPartyPlugins(runtime.plugins, progress);
    if (options.seed ?? config.seed) seedExampleWorkflows(runtime.workflows, progress);
    const auth = new ApiTokens(runtime.store);
    const bootstrap = auth.bootstrapAdmin(config.adminToken);
    if (bootstrap.presetIgnored) {
      progress(
        'actionhost: ACTIONHOST_ADMIN_TOKEN is set but is not a token of this data folder, which already has tokens: ' +
          'it was NOT added as an admin. To make an admin token: actionhost tokens create --role admin --data ' +
          `${config.dataDir} (or POST /api/tokens with an admin token)`,
      );
    }
    const observability = new HostObservability(runtime);
    const app = buildApi({
      auth,
      workflows: runtime.workflows,
      itsm: runtime.itsm,
      credentials: runtime.credentials,
      plugins: {
        list: () => runtime.plugins.list(),
        install: ({ tarball }) => runtime.plugins.install({ tarball, source: 'api upload' }),
        get: (name, version) => runtime.plugins.get(name, version),
        mappings: (name, version) => runtime.plugins.mappings(name, version),
        pins: (name, version) => runtime.plugins.pins(name, version),
      },
      applications: runtime.applications,
      engine: runtime.engine,
      logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
      consoleDir: CONSOLE_DIR,
      readiness: observability.readiness,
      metrics: observability.api,
    });
    if (config.logLevel !== 'silent') observability.logExecutions(app.log);
    guardBacklog(app, runtime, options.maxBacklog ?? config.maxBacklog);
    const url = await app.listen({ host: config.host, port: config.port }).catch((error: unknown) => {
      throw portInUseError(
        error,
        config.host,
        config.port,
        'stop what listens there, or choose another port with --port or ACTIONHOST_PORT (0 picks a free one)',
      );
    });
    runtime.engine.start();
    // Ready once a sandbox worker has answered; a sandbox that cannot start keeps /api/ready at 503 and says why.
    observability.probeSandbox().catch((error: unknown) => {
      progress(`actionhost: the sandbox did not start: ${(error as Error).message ?? String(error)}`);
    });
    let stopping: Promise<void> | null = null;
    return {
      runtime,
      app,
      url,
      adminToken: bootstrap.token,
      stop: () =>
        (stopping ??= (async () => {
          observability.stopping();
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
  const backlog = async (): Promise<number> => {
    if (Date.now() - cached.at > 250) {
      const queued = await runtime.engine.queuedExecutions();
      cached = { at: Date.now(), backlog: runtime.itsm.unprocessedEventCount() + queued };
    }
    return cached.backlog;
  };
  app.addHook('preHandler', async (request, reply) => {
    const route = request.routeOptions.url;
    const raisesEvents =
      (request.method === 'POST' && route === '/api/requests') ||
      (request.method === 'PATCH' && route === '/api/requests/:id');
    if (!raisesEvents) return;
    const current = await backlog();
    if (current <= limit) return;
    const error = WorkflowErrors.hostBusy({ backlog: current, limit }, { backlog: current, limit });
    await reply
      .code(503)
      .header('retry-after', '5')
      .send({ error: { code: error.code, message: error.message, details: error.details } });
  });
}
