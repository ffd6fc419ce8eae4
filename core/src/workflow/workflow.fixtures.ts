// Small builders for workflow tests: plugin manifests like the first-party ones, an in-memory plugin catalog,
// a scripted plugin runner, and a test database (SQLite or PostgreSQL) with the real ItsmService.
import { join } from 'node:path';
import semver from 'semver';
import { PluginManifest, type Json } from '@actionhost/sdk';
import { PostgresStore, Store, type Database, type Dialect } from '../store/index.ts';
import { openTestDatabase } from '../store/database.fixtures.ts';
import { ItsmService } from '../itsm/index.ts';
import {
  PostgresExecutionQueue,
  PostgresExecutionRepository,
  SqliteExecutionQueue,
  SqliteExecutionRepository,
  type ExecutionQueue,
  type ExecutionRepository,
  type ExecutionFilter,
  type ExecutionSummary,
  type NewExecution,
  type PluginCatalog,
  type PluginOutcome,
  type PluginRef,
  type PluginRunner,
  type ResolvedPlugin,
  type WorkflowDefinitionInput,
  type WorkflowService,
} from './index.ts';

export function manifest(partial: Partial<PluginManifest> & { name: string; version: string }): PluginManifest {
  return PluginManifest.parse({
    title: partial.name,
    category: 'plugin',
    host: '^1.0.0',
    entry: 'dist/plugin.js',
    input: { type: 'object' },
    output: { type: 'object' },
    paths: ['success', 'failure'],
    ...partial,
  });
}

export const ciLinkingInput = {
  type: 'object',
  properties: {
    'Request.Id': { type: 'integer' },
    'Unique Identifier Type': { type: 'string', enum: ['ip address', 'hostname', 'mac address', 'serial number'] },
  },
  required: ['Request.Id', 'Unique Identifier Type'],
  additionalProperties: false,
};
export const ciLinkingOutput = {
  type: 'object',
  properties: { linked: { type: 'array', items: { type: 'integer' } }, reason: { type: 'string' } },
  additionalProperties: false,
};

export const webhookInput = {
  type: 'object',
  properties: {
    URL: { type: 'string', format: 'uri' },
    'Request Type': { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
    'Request JSON': {},
    Headers: { type: 'object', additionalProperties: { type: 'string' } },
    'Credential Type': { type: 'string', enum: ['No Auth', 'Basic Auth', 'By Credentials'] },
    Credential: { type: 'string' },
    Username: { type: 'string' },
    Password: { type: 'string', writeOnly: true },
  },
  required: ['URL', 'Request Type'],
  additionalProperties: false,
};
export const webhookOutput = {
  type: 'object',
  properties: { status: { type: 'integer' }, body: { type: 'string' }, json: {} },
  additionalProperties: false,
};

export function ciLinking(version: string): ResolvedPlugin {
  return {
    name: '@actionhost/ci-linking',
    version,
    integrity: `sha512-ci-linking-${version}`,
    manifest: manifest({ name: '@actionhost/ci-linking', version, input: ciLinkingInput, output: ciLinkingOutput }),
  };
}

export function runWebhook(version: string): ResolvedPlugin {
  return {
    name: '@actionhost/run-webhook',
    version,
    integrity: `sha512-run-webhook-${version}`,
    manifest: manifest({
      name: '@actionhost/run-webhook',
      version,
      category: 'http-request',
      input: webhookInput,
      output: webhookOutput,
      testConnection: true,
    }),
  };
}

export const activeDirectoryInput = {
  type: 'object',
  properties: {
    Action: { type: 'string', enum: ['Create New User', 'Update User Attribute', 'Delete User'] },
    Username: { type: 'string' },
    mail: { type: 'string' },
    'Base DN': { type: 'string' },
    UserType: { type: 'string' },
    Password: { type: 'string', writeOnly: true },
    userAccountControl: { type: 'integer' },
  },
  required: ['Action', 'Username'],
  additionalProperties: false,
};

export function activeDirectory(version: string): ResolvedPlugin {
  return {
    name: '@actionhost/active-directory',
    version,
    integrity: `sha512-active-directory-${version}`,
    manifest: manifest({
      name: '@actionhost/active-directory',
      version,
      category: 'app-integration',
      input: activeDirectoryInput,
      capabilities: { ldap: true },
    }),
  };
}

/** The registry as the workflow concern sees it: installed versions, resolve by range, pins per owner. */
export class FakeCatalog implements PluginCatalog {
  readonly installed: ResolvedPlugin[] = [];
  readonly pins = new Map<string, Set<string>>();

  constructor(plugins: ResolvedPlugin[] = []) {
    this.installed.push(...plugins);
  }

  install(plugin: ResolvedPlugin): void {
    this.installed.push(plugin);
  }

  resolve(name: string, range: string): ResolvedPlugin | null {
    const versions = this.installed.filter((p) => p.name === name).map((p) => p.version);
    const best = semver.maxSatisfying(versions, range);
    return best ? this.installed.find((p) => p.name === name && p.version === best)! : null;
  }

  pin(name: string, version: string, owner: string): void {
    const set = this.pins.get(owner) ?? new Set();
    set.add(`${name}@${version}`);
    this.pins.set(owner, set);
  }

  unpin(owner: string): void {
    this.pins.delete(owner);
  }
}

export type Script = (
  input: Record<string, Json>,
  options: Parameters<PluginRunner['run']>[2],
) => PluginOutcome | Promise<PluginOutcome>;

/** Runs plugins by name with a script; remembers every call. */
export class FakeRunner implements PluginRunner {
  readonly calls: { plugin: PluginRef; input: Record<string, Json>; options: Parameters<PluginRunner['run']>[2] }[] =
    [];
  readonly scripts = new Map<string, Script>();

  on(name: string, script: Script): this {
    this.scripts.set(name, script);
    return this;
  }

  async run(plugin: PluginRef, input: unknown, options: Parameters<PluginRunner['run']>[2]): Promise<PluginOutcome> {
    this.calls.push({ plugin, input: input as Record<string, Json>, options });
    const script = this.scripts.get(plugin.name);
    if (!script) return { path: 'success', output: {} };
    return script(input as Record<string, Json>, options);
  }
}

export interface TestWorld {
  dir: string;
  db: Database;
  /**
   * The SQLite store: the one under db on SQLite; on PostgreSQL a store of its own beside it, for the services that
   * still run on SQLite only (credentials, tokens, applications, connectors, the admin log).
   */
  store: Store;
  itsm: ItsmService;
  close(): Promise<void>;
}

/** A world on a fresh test database: the env-selected backend (ACTIONHOST_TEST_BACKEND), or the one given. */
export async function openWorld(backend?: Dialect): Promise<TestWorld> {
  const test = await openTestDatabase(backend);
  const store = test.store ?? Store.open(join(test.dir, 'actionhost.db'));
  const itsm = await ItsmService.open({ db: test.db });
  return {
    dir: test.dir,
    db: test.db,
    store,
    itsm,
    close: async () => {
      if (test.store === null) store.close();
      await test.close();
    },
  };
}

/** A world on SQLite, for tests of the engine's SQLite ports (sqlitePorts). */
export function openSqliteWorld(): Promise<TestWorld> {
  return openWorld('sqlite');
}

/** The engine's ports on the world's database, with what stops them (the PostgreSQL queue's lease heartbeat). */
export async function enginePorts(
  world: Pick<TestWorld, 'db' | 'store' | 'itsm'>,
): Promise<{ queue: ExecutionQueue; executions: ExecutionRepository; close(): Promise<void> }> {
  if (world.db instanceof PostgresStore) {
    const queue = await PostgresExecutionQueue.open(world.db);
    const executions = new PostgresExecutionRepository(queue.leases, { audit: world.itsm });
    return { queue, executions, close: () => queue.close() };
  }
  return { ...sqlitePorts(world), close: async () => undefined };
}

/** The seed's Incident-CI Linking workflow. */
export function incidentCiLinking(overrides: Partial<WorkflowDefinitionInput> = {}): WorkflowDefinitionInput {
  return {
    name: 'Incident-CI Linking',
    module: 'request',
    trigger: { event: 'request.updated', field: 'category' },
    start: 'link',
    nodes: [
      {
        id: 'link',
        kind: 'action',
        title: 'Execute Plugin',
        description: 'Execute Plugin',
        source: 'trigger',
        uses: '@actionhost/ci-linking@^1.0.0',
        inputs: { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' },
      },
    ],
    ...overrides,
  };
}

/** The SQLite ports an engine runs on, over a test world's store (the audit sink: its ItsmService). */
export function sqlitePorts(world: { store: Store; itsm: ItsmService }): {
  queue: SqliteExecutionQueue;
  executions: SqliteExecutionRepository;
} {
  return {
    queue: new SqliteExecutionQueue(world.store),
    executions: new SqliteExecutionRepository(world.store, { audit: world.itsm.stepAudit }),
  };
}

/** Every execution the filter finds, newest first, across pages. */
export async function executionsOf(
  service: Pick<WorkflowService, 'listExecutions'>,
  filter: ExecutionFilter = {},
): Promise<ExecutionSummary[]> {
  const found: ExecutionSummary[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await service.listExecutions({ ...filter, ...(cursor ? { cursor } : {}), limit: 500 });
    found.push(...page.executions);
    if (page.nextCursor === null) return found;
    cursor = page.nextCursor;
  }
}

/**
 * What a previous process left behind: an execution it claimed, the steps it finished (`done`) and the one it
 * had in flight when it died (`inFlight`). Returns the execution's id.
 */
export async function leftRunning(
  world: Pick<TestWorld, 'db' | 'store' | 'itsm'>,
  execution: NewExecution,
  done: { nodeId: string; output: Json }[],
  inFlight: string | null,
): Promise<string> {
  const ports = await enginePorts(world);
  const { queue, executions } = ports;
  const [id] = await queue.enqueue([execution]);
  await queue.claimOne(id);
  let seq = 1;
  for (const step of done)
    await executions.recordStep(id, {
      seq: seq++,
      nodeId: step.nodeId,
      kind: 'action',
      title: step.nodeId,
      plugin: 'p',
      integrity: 'i',
      inputs: {},
      attempt: 1,
      status: 'succeeded',
      path: 'success',
      output: step.output,
      error: null,
      durationMs: 1,
    });
  if (inFlight)
    await executions.startStep(id, {
      seq,
      nodeId: inFlight,
      kind: 'action',
      title: inFlight,
      plugin: 'p',
      integrity: 'i',
      inputs: {},
      attempt: 1,
    });
  // On PostgreSQL that process is gone: its heartbeat stops and its lease has lapsed (a crash a lease ago).
  await ports.close();
  await leaseLapsed(world, id);
  return id;
}

/** On PostgreSQL: the lease on a running execution runs out now, as when its host died a lease ago (else nothing). */
export async function leaseLapsed(world: Pick<TestWorld, 'db'>, executionId: string): Promise<void> {
  if (world.db.dialect !== 'postgres') return;
  await world.db.query("UPDATE workflow_executions SET lease_expires_at = now() - interval '1 second' WHERE id = $1", [
    executionId,
  ]);
}
