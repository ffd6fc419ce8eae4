// buildApi: the fastify application of the host. Every route is declared in the route table (auth by role,
// zod-validated input, OpenAPI), and every error leaves as `{ "error": { "code", "message", "details" } }`.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { WorkflowService } from '../workflow/index.ts';
import type { ApiTokens } from './auth.ts';
import { errorBody, ApiErrors, publicError, toActionhostError } from './errors.ts';
import { buildOpenApi } from './openapi.ts';
import type { ApplicationsPort, ConnectorsPort, CredentialsPort, EnginePort, ItsmPort, PluginsPort } from './ports.ts';
import { registerConnectorRoutes } from './routes/connectors.ts';
import { registerApplicationRoutes } from './routes/applications.ts';
import { RouteTable } from './route.ts';
import { registerAdminRoutes, TARBALL_MEDIA_TYPES, PLUGIN_UPLOAD_LIMIT } from './routes/admin.ts';
import { registerHostRoutes, type MetricsPort, type ReadinessCheck } from './routes/host.ts';
import { registerItsmRoutes } from './routes/itsm.ts';
import { registerPluginSupplyRoutes } from './routes/plugins.ts';
import { registerTokenRoutes } from './routes/tokens.ts';
import { registerWorkflowRoutes } from './routes/workflows.ts';
import { registerConsole } from './console.ts';
import { registerSessionRoutes } from './routes/session.ts';
import { registerWorkflowEditingRoutes } from './routes/workflow-editing.ts';
import { registerPluginDetailRoutes } from './routes/plugin-details.ts';
import { registerAdminLogRoutes } from './routes/admin-log.ts';
import { registerWorkflowTransferRoutes } from './routes/workflow-transfer.ts';
import { registerRetentionRoutes } from './routes/retention.ts';
import type { RetentionPruner } from '../retention/index.ts';
import { ChangeRecorder } from './admin-actions.ts';
import type { AdminLog } from '../admin-log/index.ts';

export interface ApiDeps {
  auth: ApiTokens;
  workflows: WorkflowService;
  itsm: ItsmPort;
  credentials: CredentialsPort;
  plugins: PluginsPort;
  /** Applications and App Integrations; their routes exist only when given. */
  applications?: ApplicationsPort;
  /** Integration Connectors; their routes exist only when given. */
  connectors?: ConnectorsPort;
  /** Woken when a request changed (so the outbox event is picked up at once); retries and cancels executions. */
  engine?: EnginePort;
  /** fastify's logger option (default off). Request bodies are never logged. */
  logger?: FastifyServerOptions['logger'];
  version?: string;
  /** Parse every answer with its route's response schema and fail loudly on a mismatch (tests). */
  checkResponses?: boolean;
  /** JSON body limit in bytes (default 1 MiB); plugin uploads have their own 25 MiB limit. */
  bodyLimit?: number;
  /**
   * Serve HTTPS with this PEM certificate (chain) and key instead of plain HTTP, every answer carrying
   * Strict-Transport-Security with `hstsMaxAge` seconds (default a year).
   */
  https?: { cert: string; key: string; hstsMaxAge?: number };
  /** The built web console (core/console/dist), served at / when the folder holds a build. */
  consoleDir?: string;
  /** The admin action log: every change a token makes is recorded there, and admins read it at /api/admin-log. */
  adminLog?: AdminLog;
  /** The background pruner: its policy and last round at /api/retention. */
  retention?: RetentionPruner;
  /** /api/ready answers 200 only when every check is true (absent: no readiness route). */
  readiness?: ReadinessCheck;
  /** /metrics (Prometheus); `instrument` times every request by route. */
  metrics?: MetricsPort & { instrument(app: FastifyInstance): void };
}

/** The oldest protocol the API speaks over HTTPS (the host keeps it when it reloads the certificate). */
export const TLS_MIN_VERSION = 'TLSv1.2';
/** A year: what browsers' preload lists ask for, and long enough that a weekly visit keeps it fresh. */
export const HSTS_DEFAULT_MAX_AGE = 31_536_000;

export function buildApi(deps: ApiDeps): FastifyInstance {
  // Typed as the plain-HTTP instance: routes and hooks are the same over HTTPS.
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    return503OnClosing: true,
    ...(deps.https ? { https: { cert: deps.https.cert, key: deps.https.key, minVersion: TLS_MIN_VERSION } } : {}),
  }) as unknown as FastifyInstance;
  if (deps.https) {
    // HSTS: a browser that once reached the console over HTTPS never again sends its session or a token in clear to
    // this host, even from a typed http:// link. Set before routing, so errors, 404s and the console carry it too.
    const hsts = `max-age=${deps.https.hstsMaxAge ?? HSTS_DEFAULT_MAX_AGE}`;
    app.addHook('onRequest', async (_request, reply) => {
      void reply.header('strict-transport-security', hsts);
    });
  }
  deps.metrics?.instrument(app);
  const started = Date.now();
  const version = deps.version ?? '1.0.0';

  // fastify's JSON parser (it refuses __proto__ and constructor.prototype keys), except that an empty body
  // with a JSON Content-Type is no body: clients send that header on a bare POST .../publish.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    // The default parser answers through `done`; its return value carries nothing.
    void json(request, text, done);
  });
  app.addContentTypeParser(
    TARBALL_MEDIA_TYPES,
    { parseAs: 'buffer', bodyLimit: PLUGIN_UPLOAD_LIMIT },
    (_request, body, done) => done(null, body),
  );

  app.setErrorHandler((error, request, reply) => {
    const mapped = toActionhostError(error);
    if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.code(mapped.status).send(errorBody(deps.checkResponses ? mapped : publicError(mapped)));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send(errorBody(ApiErrors.routeNotFound({ method: request.method, url: request.url.split('?')[0] })));
  });

  const changes = deps.adminLog
    ? new ChangeRecorder({
        log: deps.adminLog,
        workflows: deps.workflows,
        credentials: deps.credentials,
        plugins: deps.plugins,
        tokens: deps.auth,
        ...(deps.applications ? { applications: deps.applications } : {}),
        ...(deps.connectors ? { connectors: deps.connectors } : {}),
      })
    : undefined;
  const table = new RouteTable(app, deps.auth, {
    checkResponses: deps.checkResponses ?? false,
    ...(changes ? { changes } : {}),
  });
  registerHostRoutes(table, { version, started, readiness: deps.readiness, metrics: deps.metrics });
  registerItsmRoutes(table, deps.itsm, () => deps.engine?.wake());
  registerAdminRoutes(table, deps.credentials, deps.plugins);
  registerPluginSupplyRoutes(table, deps.plugins);
  registerTokenRoutes(table, deps.auth);
  if (deps.applications) registerApplicationRoutes(table, deps.applications);
  if (deps.connectors) {
    const connectors = deps.connectors;
    registerConnectorRoutes(table, connectors);
    // Connectors hold polls open for up to 30 s: answer them before the server waits for open requests to end.
    app.addHook('preClose', async () => {
      await connectors.close();
    });
  }
  registerWorkflowRoutes(table, deps.workflows, deps.engine);
  registerWorkflowTransferRoutes(table, deps.workflows);
  registerSessionRoutes(table);
  registerWorkflowEditingRoutes(table, deps.workflows, deps.credentials, deps.applications);
  registerPluginDetailRoutes(table, deps.plugins, deps.workflows);
  if (deps.adminLog) registerAdminLogRoutes(table, deps.adminLog);
  if (deps.retention) registerRetentionRoutes(table, deps.retention);
  if (deps.consoleDir) registerConsole(app, deps.consoleDir);

  let document: Record<string, unknown> | null = null;
  table.add({
    method: 'GET',
    url: '/api/openapi.json',
    role: 'public',
    tag: 'host',
    summary: 'This document',
    handler: () => (document ??= buildOpenApi(table.routes, { title: 'actionhost', version })),
  });
  return app;
}
