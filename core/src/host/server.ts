// A running host: the runtime plus the HTTP API and the workflow engine's loop, with a graceful stop
// (stop taking requests, let the engine finish the event in hand, close the sandbox, close the store).
import { fileURLToPath } from 'node:url';
import type { Server as TlsServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { portInUseError } from '@actionhost/sdk/cli';
import { buildApi } from '../api/index.ts';
import type { HostConfig } from '../config/index.ts';
import { openRuntime, type Runtime } from './runtime.ts';
import { checkListenAddress } from './listen-policy.ts';
import { WorkflowErrors } from '../workflow/index.ts';
import { HostObservability } from './observability.ts';
import { seedExampleWorkflows, seedRequestTemplates } from './seed.ts';
import { installFirstPartyPlugins } from './first-party.ts';
import { registryPluginsPort } from './plugin-ports.ts';
import { BacklogAdmission, type AdmissionPolicy } from './admission.ts';
import { readTlsFiles, reloadTlsFiles, type CertificateSummary, type TlsReload } from './tls.ts';

/** The web console's build (`node core/console/build.ts`, run by `npm ci`), served at /. */
const CONSOLE_DIR = fileURLToPath(new URL('../../console/dist/', import.meta.url));

export interface RunningHost {
  runtime: Runtime;
  app: FastifyInstance;
  url: string;
  /** The first admin's token when this start created it (shown once), else null. */
  adminToken: string | null;
  /** The certificate served to new connections; null over plain HTTP. */
  certificate(): CertificateSummary | null;
  /**
   * Reads tlsCert and tlsKey again (what SIGHUP does): a valid pair is served to new connections from now on, while
   * established ones keep theirs; a bad one is refused and the current certificate stays. Null over plain HTTP.
   */
  reloadTls(): TlsReload | null;
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
  /** Overrides config.maxBacklogMs: request writes are refused while the backlog would take longer to drain. */
  maxBacklogMs?: number;
}

export async function startHost(config: HostConfig, options: StartHostOptions = {}): Promise<RunningHost> {
  const progress = options.progress ?? (() => undefined);
  // Checked before anything is opened: a host that was asked for HTTPS never comes up speaking plain HTTP, and
  // one listening beyond loopback speaks HTTPS unless allowPlainHttp says a proxy in front does.
  let https = readTlsFiles(config);
  checkListenAddress(config.host, { tls: https !== null, allowPlainHttp: config.allowPlainHttp });
  const runtime = await openRuntime(config, {
    onEngineError: (error, context) =>
      progress(`engine: ${(error as Error).message ?? String(error)} ${JSON.stringify(context)}`),
  });
  try {
    await installFirstPartyPlugins(runtime.plugins, progress);
    if (options.seed ?? config.seed) {
      await seedRequestTemplates(runtime.itsm, progress);
      await seedExampleWorkflows(runtime.workflows, progress);
    }
    const auth = runtime.tokens;
    const bootstrap = await auth.bootstrapAdmin(config.adminToken);
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
      // Request writes join the store's group commit (SqliteDatabase): one commit per turn, shared with the engine.
      itsm: runtime.itsm,
      credentials: runtime.credentials,
      plugins: registryPluginsPort(runtime.plugins),
      applications: runtime.applications,
      connectors: runtime.connectors,
      engine: runtime.engine,
      adminLog: runtime.adminLog,
      retention: runtime.retention,
      logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
      ...(https ? { https: { cert: https.cert, key: https.key, hstsMaxAge: config.hstsMaxAge } } : {}),
      consoleDir: CONSOLE_DIR,
      readiness: observability.readiness,
      metrics: observability.api,
    });
    if (config.logLevel !== 'silent') observability.logExecutions(app.log);
    guardBacklog(app, runtime, {
      maxBacklog: options.maxBacklog ?? config.maxBacklog,
      maxBacklogMs: options.maxBacklogMs ?? config.maxBacklogMs,
    });
    const url = await app.listen({ host: config.host, port: config.port }).catch((error: unknown) => {
      throw portInUseError(
        error,
        config.host,
        config.port,
        'stop what listens there, or choose another port with --port or ACTIONHOST_PORT (0 picks a free one)',
      );
    });
    runtime.engine.start();
    runtime.retention.start({
      // While work waits for the engine (queued executions, request changes not yet picked up) the engine is what
      // limits the host: pruning steps further back. Executions merely running leave it the usual share.
      busy: async () => {
        const stats = await runtime.engine.stats();
        return stats.queued + stats.outboxPending > 0;
      },
      onError: (error) => progress(`retention: ${(error as Error).message ?? String(error)}`),
      onReport: (report) =>
        progress(
          `retention: deleted ${report.succeededExecutions + report.failedExecutions + report.excessExecutions} executions ` +
            `(${report.steps} steps), ${report.auditEntries + report.excessAuditEntries} Audit Trail entries, ` +
            `${report.processedEvents} processed events in ${report.batches} batches (${report.durationMs} ms); ` +
            `${report.reclaimedPages} pages given back`,
        ),
    });
    // Ready once a sandbox worker has answered; a sandbox that cannot start keeps /api/ready at 503 and says why.
    observability.probeSandbox().catch((error: unknown) => {
      progress(`actionhost: the sandbox did not start: ${(error as Error).message ?? String(error)}`);
    });
    if (https) observability.metrics.tls.served(https.certificate);
    let stopping: Promise<void> | null = null;
    return {
      runtime,
      app,
      url,
      adminToken: bootstrap.token,
      certificate: () => https?.certificate ?? null,
      reloadTls: () => {
        if (!https) return null;
        const { files, reload } = reloadTlsFiles(app.server as unknown as TlsServer, config, https);
        https = files;
        observability.metrics.tls.reloaded(reload);
        // The certificate the host presents is configuration an auditor asks about: who changed it, when, to what.
        if (reload.reloaded) {
          runtime.adminLog
            .record({
              actor: { type: 'host', name: 'SIGHUP' },
              action: 'tls.reload',
              target: { type: 'tls-certificate', id: config.tlsCert ?? null },
              before: { ...reload.previous },
              after: { ...reload.certificate },
              origin: { command: 'SIGHUP' },
            })
            .catch((error: unknown) => {
              // The new certificate is served either way; a signal handler must not take the process down.
              progress(`actionhost: SIGHUP: the admin action log did not take the reload: ${(error as Error).message}`);
            });
        }
        return reload;
      },
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

/**
 * Refuses writes that raise outbox events while the backlog would take longer than `maxBacklogMs` to drain (or
 * holds more than `maxBacklog`): 503 AH_HOST_BUSY with a Retry-After of about the time it takes to drain.
 */
function guardBacklog(app: FastifyInstance, runtime: Runtime, policy: AdmissionPolicy): void {
  const admission = new BacklogAdmission(policy, async () => {
    const stats = await runtime.engine.stats();
    return {
      backlog: stats.queued + stats.outboxPending,
      drainPerSecond: stats.drainPerSecond,
      oldestAgeMs: Math.max(stats.oldestQueuedAgeMs, stats.outboxLagMs),
    };
  });
  app.addHook('preHandler', async (request, reply) => {
    const route = request.routeOptions.url;
    const raisesEvents =
      (request.method === 'POST' && route === '/api/requests') ||
      (request.method === 'PATCH' && route === '/api/requests/:id');
    if (!raisesEvents) return;
    const verdict = await admission.admit();
    if (verdict.admit) return;
    const details = { backlog: verdict.backlog, limit: verdict.limit, bound: verdict.reason };
    const error = WorkflowErrors.hostBusy({ backlog: verdict.backlog, limit: verdict.limit }, details);
    await reply
      .code(503)
      .header('retry-after', String(verdict.retryAfterSeconds))
      .send({ error: { code: error.code, message: error.message, details: error.details } });
  });
}
