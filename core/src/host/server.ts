// A running host: the runtime plus the HTTP API and the workflow engine's loop, with a graceful stop
// (stop taking requests, let the engine finish the event in hand, close the sandbox, close the store).
import type { FastifyInstance } from 'fastify';
import { ApiTokens, buildApi } from '../api/index.ts';
import type { HostConfig } from '../config/index.ts';
import { openRuntime, type Runtime } from './runtime.ts';
import { installFirstPartyPlugins, seedExampleWorkflows } from './seed.ts';

export interface RunningHost {
  runtime: Runtime;
  app: FastifyInstance;
  url: string;
  /** The first admin's token when this start created it (shown once), else null. */
  adminToken: string | null;
  stop(): Promise<void>;
}

export async function startHost(config: HostConfig, options: { seed?: boolean; progress?: (message: string) => void } = {}): Promise<RunningHost> {
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
      auth, workflows: runtime.workflows, itsm: runtime.itsm, credentials: runtime.credentials,
      plugins: { list: () => runtime.plugins.list(), install: ({ tarball }) => runtime.plugins.install({ tarball, source: 'api upload' }) },
      applications: runtime.applications,
      engine: runtime.engine,
      logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    });
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
