// The engine's store ports held to one contract on both backends: the embedded SQLite store and PostgreSQL run the
// same tests (queue order and limits, idempotent enqueue, requeue, recovery after a crash, steps, races of a finish
// with a cancel, the outbox), and the real WorkflowEngine runs on each. PostgreSQL's multi-host behaviour (SKIP
// LOCKED claims, leases and fencing, LISTEN/NOTIFY, migrations under an advisory lock) follows in its own block.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DefinitionRepository,
  ItsmService,
  PostgresExecutionQueue,
  PostgresExecutionRepository,
  PostgresStore,
  SqliteDatabase,
  SqliteExecutionQueue,
  SqliteExecutionRepository,
  Store,
  WorkflowEngine,
  parseDefinition,
  type ExecutionQueue,
  type ExecutionRepository,
  type NewExecution,
  type PinnedAction,
  type PluginRunner,
  type PublishedWorkflow,
  type RequestSource,
} from '@actionhost/core';
import { admin, createTestDatabase, postgresUrl, type TestDatabase } from './index.ts';

/** One process's view of a backend: what a host wires into its engine. */
interface Ports {
  queue: ExecutionQueue;
  executions: ExecutionRepository;
  requests: RequestSource & { listAudit(requestId: number): unknown };
}

interface Backend {
  ports: Ports;
  raise(subject: string): Promise<number>;
  publish(published: PublishedWorkflow): Promise<void>;
  /** Another process after this one was SIGKILLed (its claims are dead: on PostgreSQL, once their lease lapsed). */
  afterCrash(): Promise<Ports>;
  close(): Promise<void>;
}

type StepStart = Parameters<ExecutionRepository['startStep']>[1];

const T0 = new Date('2026-03-01T10:00:00.000Z');
let now = T0;
const clock = () => now;
const later = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

async function sqliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'ah-ports-'));
  const stores: Store[] = [];
  const open = async (): Promise<Ports> => {
    const store = Store.open(join(dir, 'actionhost.db'));
    stores.push(store);
    const itsm = await ItsmService.open({ db: new SqliteDatabase(store), clock });
    return {
      queue: new SqliteExecutionQueue(store, clock),
      executions: new SqliteExecutionRepository(store, { audit: itsm.stepAudit, now: clock }),
      requests: itsm,
    };
  };
  const ports = await open();
  const itsm = ports.requests as ItsmService;
  return {
    ports,
    async raise(subject) {
      return (await itsm.createRequest({ kind: 'service-request', subject }, 'tester')).request.internalId;
    },
    async publish(published) {
      const definitions = await DefinitionRepository.open(new SqliteDatabase(stores[0]));
      await definitions.createWorkflow(published.definition, published.workflowId);
      await definitions.publish(published.workflowId, published.definition, published.actions);
    },
    async afterCrash() {
      return open();
    },
    async close() {
      for (const store of stores) {
        const writing = store.writing;
        if (writing) await writing;
        store.close();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const LEASE_MS = 400;

async function postgresBackend(database: TestDatabase): Promise<Backend> {
  const stores: PostgresStore[] = [];
  const queues: PostgresExecutionQueue[] = [];
  const open = async (): Promise<Ports & { requests: ItsmService; executions: PostgresExecutionRepository }> => {
    const store = await PostgresStore.open(database.url, { max: 4 });
    stores.push(store);
    const queue = await PostgresExecutionQueue.open(store, { leaseMs: LEASE_MS, heartbeatMs: 100, now: clock });
    queues.push(queue);
    const requests = await ItsmService.open({ db: store, hostId: queue.hostId, eventLeaseMs: LEASE_MS, clock });
    return {
      queue,
      executions: new PostgresExecutionRepository(queue.leases, { audit: requests, now: clock }),
      requests,
    };
  };
  const ports = await open();
  return {
    ports,
    raise: async (subject) =>
      (await ports.requests.createRequest({ kind: 'service-request', subject }, 'tester')).request.internalId,
    publish: (published) => ports.executions.savePublished(published),
    async afterCrash() {
      // The dead process renews nothing: its leases lapse.
      for (const queue of queues) await queue.close();
      await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 100));
      return open();
    },
    async close() {
      for (const queue of queues) await queue.close();
      for (const store of stores) await store.close();
    },
  };
}

function publishedWorkflow(id = 'wf_contract'): PublishedWorkflow {
  const definition = parseDefinition({
    name: 'Contract',
    module: 'request',
    trigger: { event: 'request.created' },
    start: 'hook',
    nodes: [
      {
        id: 'hook',
        kind: 'action',
        title: 'Hook',
        uses: '@actionhost/run-webhook@^1.0.0',
        source: 'trigger',
        inputs: { URL: 'http://127.0.0.1:9/hook', 'Request Type': 'POST', 'Request JSON': { id: '#internalId#' } },
      },
    ],
  });
  const hook: PinnedAction = {
    name: '@actionhost/run-webhook',
    version: '1.0.0',
    integrity: 'sha512-contract',
    inputs: { URL: 'http://127.0.0.1:9/hook', 'Request Type': 'POST', 'Request JSON': { id: '#internalId#' } },
    inputSchema: { type: 'object' },
    paths: ['success', 'failure'],
  };
  return {
    workflowId: id,
    version: 1,
    definition,
    actions: { hook },
    publishedAt: T0.toISOString(),
    publishedBy: null,
  };
}

const execution = (eventId: string, extra: Partial<NewExecution> = {}): NewExecution => ({
  workflowId: 'wf_contract',
  workflowVersion: 1,
  requestId: null,
  eventId,
  trigger: { type: 'request.created', changes: [] },
  request: { internalId: 1, subject: `for ${eventId}` },
  ...extra,
});

const step = (seq: number, nodeId = 'hook'): StepStart => ({
  seq,
  nodeId,
  kind: 'action',
  title: nodeId,
  plugin: '@actionhost/run-webhook@1.0.0',
  integrity: 'sha512-contract',
  inputs: { URL: 'http://127.0.0.1:9/hook' },
  attempt: 1,
});

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe.each([
  { name: 'sqlite', make: () => sqliteBackend() },
  { name: 'postgres', make: () => postgresBackend(database) },
])('engine ports on $name', ({ make }) => {
  let backend: Backend;
  let queue: ExecutionQueue;
  let executions: ExecutionRepository;
  beforeEach(async () => {
    now = T0;
    backend = await make();
    ({ queue, executions } = backend.ports);
    await backend.publish(publishedWorkflow());
  });
  afterEach(async () => {
    await backend.close();
    // Every test of the PostgreSQL backend starts on empty tables, as the SQLite one starts on a new file.
    if (backend.ports.queue instanceof PostgresExecutionQueue) {
      const store = await PostgresStore.open(database.url, { max: 1 });
      await store.query(
        'TRUNCATE workflow_steps, workflow_executions, workflow_versions, workflows, itsm_audit, itsm_events, itsm_requests CASCADE',
      );
      await store.close();
    }
  });

  it('queues once per (workflow, event): a replay adds none', async () => {
    const ids = await queue.enqueue([execution('e1'), execution('e2')]);
    expect(ids).toHaveLength(2);
    expect(ids.every((id) => /^ex_[0-9a-f-]{36}$/.test(id))).toBe(true);
    expect(await queue.enqueue([execution('e1'), execution('e1', { workflowId: 'wf_other' })])).toHaveLength(1);
    expect(await queue.depth()).toEqual({ queued: 3, oldestDueAt: T0.toISOString() });
    expect(await queue.enqueue([])).toEqual([]);
  });

  it('claims due executions oldest first, within the limit, each once', async () => {
    const ids = await queue.enqueue(['e1', 'e2', 'e3', 'e4', 'e5'].map((event) => execution(event)));
    later(1);
    expect(await queue.claim(0)).toEqual([]);
    const first = await queue.claim(3);
    expect(first.map((claimed) => claimed.id)).toEqual(ids.slice(0, 3));
    expect(first[0]).toEqual({
      id: ids[0],
      workflowId: 'wf_contract',
      workflowVersion: 1,
      requestId: null,
      eventId: 'e1',
      trigger: { type: 'request.created', changes: [] },
      request: { internalId: 1, subject: 'for e1' },
    });
    expect((await queue.claim(10)).map((claimed) => claimed.id)).toEqual(ids.slice(3));
    expect(await queue.claim(10)).toEqual([]);
    expect(await queue.claimOne(ids[0])).toBeNull();
    expect(await executions.statusOf(ids[0])).toBe('running');
    expect(await executions.statusOf('ex_missing')).toBeNull();
    expect(await queue.depth()).toEqual({ queued: 0, oldestDueAt: null });
    expect(await queue.nextDueAt()).toBeNull();
  });

  it('claims one queued execution by id; not one that is not queued', async () => {
    const [a, b] = await queue.enqueue([execution('e1'), execution('e2')]);
    expect((await queue.claimOne(b))?.id).toBe(b);
    expect(await queue.claimOne(b)).toBeNull();
    expect(await queue.claimOne('ex_missing')).toBeNull();
    expect((await queue.claim(5)).map((claimed) => claimed.id)).toEqual([a]);
  });

  it('keeps a scheduled retry until it is due; a checkpoint goes back to its place at the head', async () => {
    const [a, b, c] = await queue.enqueue(['e1', 'e2', 'e3'].map((event) => execution(event)));
    later(1);
    await queue.claim(2);
    await queue.requeue(a, new Date(now.getTime() + 60_000).toISOString());
    await queue.requeue(b, null);
    expect(await queue.depth()).toEqual({ queued: 3, oldestDueAt: T0.toISOString() });
    expect((await queue.claim(10)).map((claimed) => claimed.id)).toEqual([b, c]);
    expect(await queue.nextDueAt()).toBe('2026-03-01T10:01:00.001Z');
    expect(await executions.getExecution(a)).toMatchObject({
      status: 'queued',
      nextAttemptAt: '2026-03-01T10:01:00.001Z',
    });
    later(60_000);
    expect((await queue.claim(10)).map((claimed) => claimed.id)).toEqual([a]);
  });

  it('records steps in order and reads them back as written, with their Audit Trail entry', async () => {
    const requestId = await backend.raise('audited');
    const [id] = await queue.enqueue([execution('e1', { requestId })]);
    await queue.claimOne(id);
    await executions.recordStep(id, {
      ...step(1, 'check'),
      kind: 'condition',
      plugin: null,
      integrity: null,
      status: 'succeeded',
      path: 'true',
      output: { matched: true },
      error: null,
      durationMs: 0.4,
    });
    await executions.startStep(id, step(2));
    await executions.finishStep(
      id,
      2,
      { status: 'succeeded', path: 'success', output: { status: 200, body: 'ok' }, error: null, durationMs: 12.6 },
      {
        requestId,
        secrets: ['s3cret'],
        entry: {
          kind: 'plugin.execution',
          actor: 'workflow:wf_contract',
          data: {
            workflow: { id: 'wf_contract', version: 1 },
            node: { id: 'hook', title: 'Hook' },
            executionId: id,
            plugin: '@actionhost/run-webhook@1.0.0',
            integrity: 'sha512-contract',
            inputs: { URL: 'http://127.0.0.1:9/hook?token=s3cret' },
            path: 'success',
            outputSummary: 'ok',
            durationMs: 13,
            errorCode: null,
            errorMessage: null,
          },
        },
      },
    );
    await executions.startStep(id, step(3, 'later'));
    expect(
      await executions.finishExecution(id, { status: 'succeeded', error: null, outcome: 'success', failedSteps: [] }),
    ).toBe(true);
    const stored = await executions.getExecution(id);
    expect(stored).toMatchObject({
      id,
      workflowId: 'wf_contract',
      requestId,
      eventId: 'e1',
      status: 'succeeded',
      outcome: 'success',
      failedSteps: [],
      error: null,
      createdAt: T0.toISOString(),
      startedAt: T0.toISOString(),
      finishedAt: T0.toISOString(),
      nextAttemptAt: null,
    });
    expect(stored!.steps.map((s) => [s.seq, s.nodeId, s.status, s.path, s.durationMs])).toEqual([
      [1, 'check', 'succeeded', 'true', 0],
      [2, 'hook', 'succeeded', 'success', 13],
      [3, 'later', 'running', null, null],
    ]);
    expect(stored!.steps[1]).toMatchObject({
      output: { status: 200, body: 'ok' },
      inputs: { URL: 'http://127.0.0.1:9/hook' },
      logs: [],
      attempt: 1,
      retryAt: null,
      startedAt: T0.toISOString(),
      finishedAt: T0.toISOString(),
    });
    // Every step names the host that ran it: here the one process.
    const hosts = new Set(stored!.steps.map((s) => s.host));
    expect(hosts.size).toBe(1);
    expect([...hosts][0]).toEqual(expect.any(String));
    const audit = (await backend.ports.requests.listAudit(requestId)) as { kind: string; data: { inputs: object } }[];
    const executionEntries = audit.filter((entry) => entry.kind === 'plugin.execution');
    expect(executionEntries).toHaveLength(1);
    expect(JSON.stringify(executionEntries[0].data)).not.toContain('s3cret');
  });

  it('lets a cancel win over a finish that comes after it, and closes the running steps', async () => {
    const [id, other] = await queue.enqueue([execution('e1'), execution('e2')]);
    await queue.claimOne(id);
    await executions.startStep(id, step(1));
    expect(await executions.cancelExecution(id, { code: 'AH_EXECUTION_CANCELLED', message: 'cancelled' })).toBe(true);
    expect(
      await executions.finishExecution(id, { status: 'succeeded', error: null, outcome: 'success', failedSteps: [] }),
    ).toBe(false);
    expect(await executions.getExecution(id)).toMatchObject({
      status: 'failed',
      outcome: 'failure',
      error: { code: 'AH_EXECUTION_CANCELLED' },
      steps: [{ status: 'failed', error: { code: 'AH_EXECUTION_CANCELLED' } }],
    });
    expect(await executions.cancelExecution(id, { code: 'AH_EXECUTION_CANCELLED', message: 'again' })).toBe(false);
    // A queued one is cancelled (closed) before anyone claims it.
    expect(await executions.cancelExecution(other, { code: 'AH_EXECUTION_CANCELLED', message: 'cancelled' })).toBe(
      true,
    );
    expect(await queue.claim(5)).toEqual([]);
  });

  it('resumes, in the next process, what a killed one left running: its in-flight step marked interrupted', async () => {
    const [id, waiting] = await queue.enqueue([execution('e1'), execution('e2')]);
    await queue.claimOne(id);
    await executions.startStep(id, step(1));
    const next = await backend.afterCrash();
    expect(await next.queue.recoverInterrupted()).toBe(1);
    expect(await next.executions.getExecution(id)).toMatchObject({
      status: 'queued',
      steps: [{ status: 'failed', error: { code: 'AH_STEP_INTERRUPTED' } }],
    });
    expect((await next.queue.claim(5)).map((claimed) => claimed.id)).toEqual([id, waiting]);
    await next.executions.startStep(id, step(2));
    expect((await next.executions.steps(id)).map((s) => [s.seq, s.status])).toEqual([
      [1, 'failed'],
      [2, 'running'],
    ]);
  });

  it('lists newest first, page by page with a cursor, filtered by outcome and time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 250; i++) {
      ids.push(...(await queue.enqueue([execution(`e${i}`)])));
      if (i % 50 === 49) later(1000);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await executions.listExecutions({ limit: 100, ...(cursor ? { cursor } : {}) });
      seen.push(...page.executions.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    await queue.claimOne(ids[0]);
    await executions.finishExecution(ids[0], {
      status: 'succeeded',
      error: null,
      outcome: 'failure',
      failedSteps: ['hook'],
    });
    expect(
      (await executions.listExecutions({ outcome: 'failure' })).executions.map((e) => [e.id, e.failedSteps]),
    ).toEqual([[ids[0], ['hook']]]);
    const window = await executions.listExecutions({
      since: '2026-03-01T10:00:01.000Z',
      until: '2026-03-01T10:00:03.000Z',
    });
    expect(window.executions.map((e) => e.id)).toEqual(ids.slice(50, 150).reverse());
    await expect(executions.listExecutions({ cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({
      code: 'AH_VALIDATION_FAILED',
    });
  });

  it('hands outbox events out once, oldest first, in batches, until they are marked processed', async () => {
    const { requests } = backend.ports;
    const raised = [];
    for (let i = 0; i < 5; i++) raised.push(await backend.raise(`event ${i}`));
    expect(await requests.outboxLag!()).toMatchObject({ pending: 5, oldestCreatedAt: T0.toISOString() });
    const first = await requests.claimEvents!(3);
    expect(first.map((event) => event.requestId)).toEqual(raised.slice(0, 3));
    expect(first[0]).toMatchObject({ type: 'request.created', changes: [], createdAt: T0.toISOString() });
    const rest = await requests.claimEvents!(10);
    expect(rest.map((event) => event.requestId)).toEqual(raised.slice(3));
    expect(await requests.claimEvents!(10)).toEqual([]);
    await requests.markEventsProcessed!([...first, ...rest].map((event) => event.id));
    expect(await requests.outboxLag!()).toEqual({ pending: 0, oldestCreatedAt: null });
    expect(await requests.getRequest(raised[0])).toMatchObject({
      internalId: raised[0],
      kind: 'service-request',
      subject: 'event 0',
      status: 'Open',
      customFields: {},
      createdAt: T0.toISOString(),
    });
  });

  it('runs the real engine: every event one succeeded execution, its steps and audit written', async () => {
    const calls: string[] = [];
    const runner: PluginRunner = {
      async run(plugin, input, options) {
        calls.push(options.idempotencyKey);
        return { path: 'success', output: { status: 200, body: JSON.stringify(input) } };
      },
    };
    now = new Date();
    const { requests } = backend.ports;
    const engine = new WorkflowEngine({ queue, executions, requests, runner, maxConcurrentExecutions: 4 });
    const raised = [];
    for (let i = 0; i < 12; i++) raised.push(await backend.raise(`engine ${i}`));
    await engine.drain();
    const page = await executions.listExecutions({ limit: 100 });
    expect(page.executions.map((e) => e.requestId).sort()).toEqual([...raised].sort());
    expect(page.executions.every((e) => e.status === 'succeeded' && e.outcome === 'success')).toBe(true);
    expect(new Set(calls).size).toBe(12);
    for (const e of page.executions) expect(calls).toContain(`${e.id}:hook:1`);
    expect(await requests.outboxLag!()).toEqual({ pending: 0, oldestCreatedAt: null });
  });
});

describe('several hosts on one PostgreSQL database', () => {
  let db: TestDatabase;
  const stores: PostgresStore[] = [];
  const queues: PostgresExecutionQueue[] = [];
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.close();
    for (const store of stores.splice(0)) await store.close();
    await db.drop();
  });
  const host = async (options: { leaseMs?: number; heartbeatMs?: number } = {}) => {
    const store = await PostgresStore.open(db.url, { max: 4 });
    stores.push(store);
    const queue = await PostgresExecutionQueue.open(store, { leaseMs: 400, heartbeatMs: 100, ...options });
    queues.push(queue);
    const requests = await ItsmService.open({ db: store, hostId: queue.hostId, eventLeaseMs: 400 });
    const executions = new PostgresExecutionRepository(queue.leases, { audit: requests });
    return { store, queue, requests, executions };
  };

  it('applies each migration once when hosts start together, and refuses a schema newer than it knows', async () => {
    const stores3 = await Promise.all([1, 2, 3].map(() => PostgresStore.open(db.url, { max: 2 })));
    stores.push(...stores3);
    await Promise.all(stores3.map((store) => PostgresExecutionQueue.open(store)));
    const { rows } = await stores3[0].query("SELECT version FROM schema_migrations WHERE module = 'workflow'");
    expect(rows.map((row) => Number(row.version))).toEqual([1]);
    await stores3[0].query("INSERT INTO schema_migrations VALUES ('workflow', 2, 'later')");
    await expect(PostgresExecutionQueue.open(stores3[1])).rejects.toMatchObject({ code: 'AH_STORE_SCHEMA_NEWER' });
  });

  it('never hands one execution to two hosts claiming at once', async () => {
    const hosts = await Promise.all([host(), host(), host()]);
    const ids = await hosts[0].queue.enqueue(Array.from({ length: 600 }, (_, i) => execution(`e${i}`)));
    const claimed = await Promise.all(
      hosts.map(async ({ queue }) => {
        const mine: string[] = [];
        for (;;) {
          const batch = await queue.claim(7);
          if (batch.length === 0) return mine;
          mine.push(...batch.map((claim) => claim.id));
        }
      }),
    );
    const all = claimed.flat();
    expect(all).toHaveLength(600);
    expect(new Set(all)).toEqual(new Set(ids));
    const { rows } = await hosts[0].store.query(
      'SELECT held_by, COUNT(*) AS n FROM workflow_executions GROUP BY held_by ORDER BY held_by',
    );
    expect(rows.reduce((sum, row) => sum + Number(row.n), 0)).toBe(600);
    expect(rows.map((row) => row.held_by).sort()).toEqual(hosts.map((h) => h.queue.hostId).sort());
  });

  it('hands each outbox event to one host only', async () => {
    const hosts = await Promise.all([host(), host()]);
    for (let i = 0; i < 60; i++)
      await hosts[0].requests.createRequest({ kind: 'incident', subject: `e${i}` }, 'tester');
    const taken = await Promise.all(
      hosts.map(async ({ requests }) => {
        const mine: number[] = [];
        for (;;) {
          const batch = await requests.claimEvents(4);
          if (batch.length === 0) return mine;
          mine.push(...batch.map((event) => event.id));
        }
      }),
    );
    expect(taken.flat()).toHaveLength(60);
    expect(new Set(taken.flat()).size).toBe(60);
  });

  it('keeps the leases of a live host; a host whose lease lapsed is fenced off and its execution taken over', async () => {
    const a = await host();
    const b = await host();
    await a.executions.savePublished(publishedWorkflow());
    const [id] = await a.queue.enqueue([execution('e1')]);
    await a.queue.claimOne(id);
    await a.executions.startStep(id, step(1));
    // A's heartbeat renews its lease: B finds nothing to take over, however long it waits.
    a.queue.leases.start();
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(await b.queue.recoverInterrupted()).toBe(0);
    // A stops renewing (cut off, stalled): once the lease lapsed, B's heartbeat takes the execution over.
    await a.queue.close();
    for (let i = 0; i < 100 && (await b.executions.statusOf(id)) !== 'queued'; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await b.executions.getExecution(id)).toMatchObject({
      status: 'queued',
      steps: [{ status: 'failed', error: { code: 'AH_STEP_INTERRUPTED' } }],
    });
    // A's own run of it has not noticed yet: A does not claim it again (two runs under one host id).
    expect(await a.queue.claim(5)).toEqual([]);
    expect(await a.queue.claimOne(id)).toBeNull();
    expect((await b.queue.claim(1)).map((claimed) => claimed.id)).toEqual([id]);
    await b.executions.startStep(id, step(2));
    // A's late result is refused: it no longer holds the execution.
    const end = { status: 'succeeded' as const, path: 'success', output: {}, error: null, durationMs: 1 };
    await expect(a.executions.finishStep(id, 1, end)).rejects.toMatchObject({ code: 'AH_STORE_LEASE_LOST' });
    await expect(a.executions.startStep(id, step(3))).rejects.toMatchObject({ code: 'AH_STORE_LEASE_LOST' });
    await expect(
      a.executions.finishExecution(id, { status: 'succeeded', error: null, outcome: 'success', failedSteps: [] }),
    ).rejects.toMatchObject({ code: 'AH_STORE_LEASE_LOST' });
    await b.executions.finishStep(id, 2, end);
    expect(
      await b.executions.finishExecution(id, { status: 'succeeded', error: null, outcome: 'success', failedSteps: [] }),
    ).toBe(true);
    const { rows } = await b.store.query(
      'SELECT seq, status, host_id FROM workflow_steps WHERE execution_id = $1 ORDER BY seq',
      [id],
    );
    expect(rows).toEqual([
      { seq: 1, status: 'failed', host_id: a.queue.hostId },
      { seq: 2, status: 'succeeded', host_id: b.queue.hostId },
    ]);
    // The executions API's answer names them too.
    expect((await b.executions.getExecution(id))!.steps.map((s) => s.host)).toEqual([a.queue.hostId, b.queue.hostId]);
  });

  it('wakes a listening host when another queues work (LISTEN/NOTIFY)', async () => {
    const a = await host();
    const b = await host();
    let wakes = 0;
    let woken: () => void = () => undefined;
    const stop = b.queue.listen(() => {
      wakes++;
      woken();
    });
    try {
      // The first call comes once the listener is connected.
      await new Promise<void>((resolve) => {
        woken = resolve;
        if (wakes > 0) resolve();
      });
      const before = wakes;
      const notified = new Promise<void>((resolve) => {
        woken = resolve;
      });
      await a.queue.enqueue([execution('e1')]);
      await notified;
      expect(wakes).toBe(before + 1);
    } finally {
      await stop();
    }
  });

  it('stops claiming while the database is out of reach, and claims again once it is back', async () => {
    const a = await host({ leaseMs: 400, heartbeatMs: 100 });
    await a.queue.enqueue([execution('e1')]);
    // The database refuses this host's connections: every connection ended, no new one accepted.
    await admin(postgresUrl(), `ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
    await admin(postgresUrl(), 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db.name]);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(a.queue.leases.connected).toBe(false);
      expect(await a.queue.claim(5)).toEqual([]);
    } finally {
      await admin(postgresUrl(), `ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
    }
    // Back: the next claims reconnect (the first may still meet a connection the server is ending) and take it.
    let claimed = 0;
    for (let i = 0; i < 100 && claimed === 0; i++) {
      claimed = (await a.queue.claim(5).catch(() => [])).length;
      if (claimed === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(claimed).toBe(1);
    expect(a.queue.leases.connected).toBe(true);
  });
});
