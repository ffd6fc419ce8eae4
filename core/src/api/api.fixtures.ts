// Builds the API over real SQLite services (ITSM, credentials, workflows) with a fake plugin catalog and runner,
// and hands out one token per role.
import type { FastifyInstance } from 'fastify';
import { CredentialStore, generateMasterKey } from '../credentials/index.ts';
import { ApplicationService } from '../applications/index.ts';
import { SqliteExecutionQueue, SqliteExecutionRepository, WorkflowEngine, WorkflowService } from '../workflow/index.ts';
import {
  FakeCatalog,
  FakeRunner,
  activeDirectory,
  ciLinking,
  openWorld,
  runWebhook,
  type TestWorld,
} from '../workflow/workflow.fixtures.ts';
import { ApiTokens } from './auth.ts';
import { buildApi } from './server.ts';
import { ApiErrors } from './errors.ts';
import type { CredentialsPort, ItsmPort, PluginsPort } from './ports.ts';

export interface TestApi {
  app: FastifyInstance;
  world: TestWorld;
  catalog: FakeCatalog;
  runner: FakeRunner;
  engine: WorkflowEngine;
  workflows: WorkflowService;
  credentials: CredentialStore;
  tokens: ApiTokens;
  uploads: Buffer[];
  token: { admin: string; editor: string; agent: string };
  close(): Promise<void>;
}

export async function openApi(overrides: { itsm?: ItsmPort; consoleDir?: string } = {}): Promise<TestApi> {
  const world = openWorld();
  const catalog = new FakeCatalog([
    ciLinking('1.0.0'),
    ciLinking('1.1.0'),
    runWebhook('1.0.0'),
    activeDirectory('1.0.0'),
  ]);
  const runner = new FakeRunner();
  const credentials = new CredentialStore({ store: world.store, masterKey: generateMasterKey() });
  const applications = new ApplicationService({ store: world.store, credentials, log: () => undefined });
  const workflows = new WorkflowService({
    store: world.store,
    catalog,
    runner,
    secrets: credentials,
    appIntegrations: applications,
  });
  const engine = new WorkflowEngine({
    queue: new SqliteExecutionQueue(world.store),
    executions: new SqliteExecutionRepository(world.store, { audit: world.itsm }),
    requests: world.itsm,
    runner,
    secrets: credentials,
  });
  const tokens = new ApiTokens(world.store);
  const uploads: Buffer[] = [];
  const plugins: PluginsPort = {
    list: () => catalog.installed.map((p) => ({ name: p.name, version: p.version, integrity: p.integrity })),
    install: ({ tarball }) => {
      uploads.push(tarball);
      return { name: '@acme/uploaded', version: '1.0.0' };
    },
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
    checkResponses: true,
    ...(overrides.consoleDir ? { consoleDir: overrides.consoleDir } : {}),
  });
  await app.ready();
  const token = {
    admin: tokens.createToken('admin', 'admin').token,
    editor: tokens.createToken('editor', 'editor').token,
    agent: tokens.createToken('agent', 'agent').token,
  };
  return {
    app,
    world,
    catalog,
    runner,
    engine,
    workflows,
    credentials,
    tokens,
    uploads,
    token,
    close: async () => {
      await engine.stop();
      await app.close();
      world.close();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
