// Builds the API over real services (ITSM, credentials, workflows) with a fake plugin catalog and runner, and hands
// out one token per role. Every service is on the backend ACTIONHOST_TEST_BACKEND names (SQLite by default): ITSM,
// workflows and the engine's ports on the world's database, credentials, applications, connectors, tokens and the
// admin log on a second one.
import type { FastifyInstance } from 'fastify';
import { CredentialStore, generateMasterKey } from '../credentials/index.ts';
import { ApplicationService } from '../applications/index.ts';
import { ConnectorService } from '../connectors/index.ts';
import { WorkflowEngine, WorkflowService } from '../workflow/index.ts';
import {
  FakeCatalog,
  FakeRunner,
  activeDirectory,
  ciLinking,
  enginePorts,
  openWorld,
  runWebhook,
  type TestWorld,
} from '../workflow/workflow.fixtures.ts';
import { AdminLog } from '../admin-log/index.ts';
import { openTestDatabase, type TestDatabase } from '../store/database.fixtures.ts';
import { ApiTokens } from './auth.ts';
import { buildApi } from './server.ts';
import { ApiErrors } from './errors.ts';
import type { CredentialsPort, ItsmPort, PluginsPort } from './ports.ts';

export interface TestApi {
  app: FastifyInstance;
  world: TestWorld;
  /** The database of credentials, applications, connectors, tokens and the admin log (env-selected backend). */
  services: TestDatabase;
  catalog: FakeCatalog;
  runner: FakeRunner;
  engine: WorkflowEngine;
  workflows: WorkflowService;
  credentials: CredentialStore;
  applications: ApplicationService;
  /** Integration Connectors, with short timings: an operation nobody takes fails after 300 ms. */
  connectors: ConnectorService;
  tokens: ApiTokens;
  adminLog: AdminLog;
  uploads: Buffer[];
  token: { admin: string; editor: string; agent: string };
  close(): Promise<void>;
}

const UNSIGNED = { status: 'unsigned', keyId: null, publisher: null };

// The fake catalog keeps no approvals: every version counts as the first of its plugin, approved by installing it.
const FIRST_VERSION = {
  approvedBy: 'cli:fixture',
  approvedAt: '2024-01-01T00:00:00.000Z',
  via: 'first-version',
  capabilities: {},
  against: null,
  widened: [],
};
const noDifference = (name: string, version: string) => ({
  name,
  from: null,
  to: version,
  widened: [],
  capabilities: {
    http: { from: null, to: null, added: [], removed: [] },
    ldap: { from: false, to: false },
    itsm: { from: [], to: [], added: [], removed: [] },
    other: [],
  },
  limits: [],
  paths: { added: [], removed: [] },
  input: [],
  output: [],
});
const firstVersionReview = (name: string, version: string) => ({
  name,
  version,
  approved: true,
  approval: FIRST_VERSION,
  difference: noDifference(name, version),
  differences: [],
});

export async function openApi(overrides: { itsm?: ItsmPort; consoleDir?: string } = {}): Promise<TestApi> {
  const world = await openWorld();
  const catalog = new FakeCatalog([
    ciLinking('1.0.0'),
    ciLinking('1.1.0'),
    runWebhook('1.0.0'),
    activeDirectory('1.0.0'),
  ]);
  const runner = new FakeRunner();
  const services = await openTestDatabase();
  const { db } = services;
  const credentials = await CredentialStore.open({ db, masterKey: generateMasterKey() });
  const connectors = await ConnectorService.open({
    db,
    sealer: credentials,
    pickupTimeoutMs: 300,
    // Long enough for a loaded machine on PostgreSQL, where a poll's last-seen write is a round trip.
    offlineAfterMs: 5_000,
  });
  const applications = await ApplicationService.open({
    db,
    credentials,
    log: () => undefined,
    relay: connectors.hub,
    connectors,
  });
  const ports = await enginePorts(world);
  const workflows = await WorkflowService.open({
    db: world.db,
    executions: ports.executions,
    catalog,
    runner,
    secrets: credentials,
    // Literal secrets in Input Mappings are sealed on save, as the host does.
    sealer: credentials,
    credentials,
    appIntegrations: applications,
    templateFieldNames: () => world.itsm.templateFieldNames(),
  });
  const engine = new WorkflowEngine({
    queue: ports.queue,
    executions: ports.executions,
    requests: world.itsm,
    runner,
    secrets: credentials,
    sealer: credentials,
  });
  const tokens = await ApiTokens.open(db);
  const adminLog = await AdminLog.open({ db });
  const uploads: Buffer[] = [];
  const plugins: PluginsPort = {
    list: () =>
      catalog.installed.map((p) => ({
        name: p.name,
        version: p.version,
        integrity: p.integrity,
        installedAt: '2024-01-01T00:00:00.000Z',
        manifest: p.manifest,
        dir: `/srv/actionhost/data/plugins/${p.name}/${p.version}`,
        signature: UNSIGNED,
        approval: FIRST_VERSION,
      })),
    install: ({ tarball }) => {
      uploads.push(tarball);
      return {
        name: '@acme/uploaded',
        version: '1.0.0',
        integrity: 'sha512-uploaded',
        alreadyInstalled: false,
        dir: '/srv/actionhost/data/plugins/@acme/uploaded/1.0.0',
        signature: UNSIGNED,
        capabilities: firstVersionReview('@acme/uploaded', '1.0.0'),
      };
    },
    review: (name, version) => firstVersionReview(name, version),
    approve: () => FIRST_VERSION,
    difference: (name, _from, to) => noDifference(name, to),
    trustedKeys: () => [],
    trust: () => {
      throw new Error('the fake catalog keeps no trust store');
    },
    distrust: () => undefined,
    get: (name, version) => {
      const found = catalog.installed.find((p) => p.name === name && p.version === version);
      if (!found) throw ApiErrors.routeNotFound({ method: 'GET', url: `/api/plugins/${name}/${version}` });
      return { ...found, installedAt: '2026-01-01T00:00:00.000Z' };
    },
    mappings: (name, version) =>
      catalog.installed.find((p) => p.name === name && p.version === version)?.manifest.mappings ?? {},
    pins: (name, version) =>
      [...catalog.pins].filter(([, pinned]) => pinned.has(`${name}@${version}`)).map(([owner]) => owner),
  };
  const itsm: ItsmPort = overrides.itsm ?? world.itsm;
  const credentialsPort: CredentialsPort = credentials;
  const app = buildApi({
    auth: tokens,
    workflows,
    itsm,
    credentials: credentialsPort,
    plugins,
    engine,
    applications,
    connectors,
    adminLog,
    checkResponses: true,
    ...(overrides.consoleDir ? { consoleDir: overrides.consoleDir } : {}),
  });
  await app.ready();
  const token = {
    admin: (await tokens.createToken('admin', 'admin')).token,
    editor: (await tokens.createToken('editor', 'editor')).token,
    agent: (await tokens.createToken('agent', 'agent')).token,
  };
  return {
    app,
    world,
    services,
    catalog,
    runner,
    engine,
    workflows,
    credentials,
    applications,
    connectors,
    tokens,
    adminLog,
    uploads,
    token,
    close: async () => {
      await engine.stop();
      await app.close();
      await ports.close();
      await world.close();
      await services.close();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export type Role = 'admin' | 'editor' | 'agent';
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One request through the API (fastify's inject) as a role's token or with the headers given; the body parsed when
 * the answer is JSON (null otherwise), and the raw text kept for tests that look for what must not be in it.
 */
export async function callApi(
  api: { app: FastifyInstance; token: Record<Role, string> },
  as: Role | Record<string, string>,
  method: Method,
  url: string,
  payload?: unknown,
) {
  const response = await api.app.inject({
    method,
    url,
    headers: typeof as === 'string' ? bearer(api.token[as]) : as,
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  const json = response.body !== '' && String(response.headers['content-type']).includes('application/json');
  return {
    status: response.statusCode,
    headers: response.headers,
    body: json ? response.json() : null,
    raw: response.body,
    text: response.body,
  };
}
