// Three hosts on one PostgreSQL database (issue 14). Each is a process of its own running a WorkflowEngine on the
// PostgreSQL ports with the real sandbox runner and the first-party Run Webhook plugin, posting to a loopback target
// that records idempotency keys. The outbox gets 2,000 request.created events (as the ITSM service writes them) while
// one host is SIGKILLed twice and restarted: every event ends with exactly one succeeded execution, no step ran on
// two hosts at once (the steps' host and time intervals), no request was delivered under two keys. Then a host is
// cut off from the database mid-step (its role refused, its connections terminated): its leases lapse, the others
// take its executions over, its late writes are refused, and nothing is lost or doubled once it is back.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ItsmService,
  PostgresExecutionQueue,
  PostgresExecutionRepository,
  PostgresStore,
  type PublishedWorkflow,
} from '@actionhost/core';
import { makeDataDir, startHostProcess } from '../support/host-process.ts';
import { admin, createTestDatabase, superuserUrl, type TestDatabase } from '../postgres/index.ts';
import {
  openDatabase,
  overlappingDeliveries,
  publishWebhookWorkflow,
  sleep,
  startFaultTarget,
  type FaultTarget,
} from './support.ts';

const EVENTS = Number(process.env.FAULT_EVENTS ?? 2000);
const CUT_EVENTS = Number(process.env.FAULT_CUT_EVENTS ?? 300);
const LEASE_MS = 2000;
const HEARTBEAT_MS = 300;
const HOST_SCRIPT = join(import.meta.dirname, '../postgres/pg-host.ts');

interface PgHost {
  hostId: string;
  child: ChildProcess;
  output(): string;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

const template = makeDataDir();
const folders: string[] = [];
const hosts = new Set<PgHost>();
let target: FaultTarget;
let published: PublishedWorkflow;

/** A host process on a copy of the template data folder (its plugins and master key), against `url`. */
async function startPgHost(url: string): Promise<PgHost> {
  const dataDir = makeDataDir();
  folders.push(dataDir);
  cpSync(template, dataDir, { recursive: true });
  const child = spawn(process.execPath, [HOST_SCRIPT], {
    env: {
      ...process.env,
      PG_DB_URL: url,
      DATA_DIR: dataDir,
      LEASE_MS: String(LEASE_MS),
      HEARTBEAT_MS: String(HEARTBEAT_MS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const hostId = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the host did not start within 60 s:\n${output}`)), 60_000);
    child.stdout.on('data', () => {
      const match = /ready (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the host exited with ${code}:\n${output}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const host: PgHost = {
    hostId,
    child,
    output: () => output,
    async kill() {
      child.kill('SIGKILL');
      await exited;
      hosts.delete(host);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      hosts.delete(host);
    },
  };
  hosts.add(host);
  return host;
}

/** The shared database, migrated, with the published webhook workflow, and a driver that raises requests. */
async function openShared(url: string) {
  const store = await PostgresStore.open(url, { max: 8 });
  const queue = await PostgresExecutionQueue.open(store, { hostId: 'driver' });
  const requests = await ItsmService.open({ db: store, hostId: 'driver' });
  await new PostgresExecutionRepository(queue.leases).savePublished(published);
  return { store, requests };
}

/** Raises `count` requests, `concurrency` at a time, calling `progress` after each. */
async function raise(
  requests: ItsmService,
  count: number,
  progress: (raised: number) => Promise<void> = async () => undefined,
): Promise<number[]> {
  const ids: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const label = next++;
        const raised = await requests.createRequest({ kind: 'service-request', subject: `driven ${label}` }, 'system');
        ids.push(raised.request.internalId);
        await progress(ids.length);
      }
    }),
  );
  return ids;
}

async function workedOff(store: PostgresStore, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await store.query(
      `SELECT (SELECT COUNT(*) FROM itsm_events WHERE processed_at IS NULL) AS pending,
              (SELECT COUNT(*) FROM workflow_executions WHERE status IN ('queued', 'running')) AS open`,
    );
    if (Number(rows[0].pending) === 0 && Number(rows[0].open) === 0) return;
    if (Date.now() > deadline) throw new Error(`the backlog was not worked off in time: ${JSON.stringify(rows[0])}`);
    await sleep(250);
  }
}

/** Everything the two tests check, from the database and the target's deliveries. */
async function account(store: PostgresStore, raised: number[]) {
  const requests = (await store.query('SELECT internal_id AS id FROM itsm_requests')).rows.map((r) => Number(r.id));
  const executions = (
    await store.query('SELECT id, request_id, status FROM workflow_executions WHERE workflow_id = $1', [
      published.workflowId,
    ])
  ).rows.map((r) => ({ id: String(r.id), requestId: Number(r.request_id), status: String(r.status) }));
  const steps = (
    await store.query(
      `SELECT execution_id, seq, host_id, status, error, started_at, finished_at FROM workflow_steps
       WHERE kind = 'action' ORDER BY execution_id, seq`,
    )
  ).rows.map((r) => ({
    executionId: String(r.execution_id),
    host: String(r.host_id),
    status: String(r.status),
    interrupted: String(r.error ?? '').includes('AH_STEP_INTERRUPTED'),
    errorCode: r.error === null ? null : String((JSON.parse(String(r.error)) as { code?: string }).code),
    start: Date.parse(String(r.started_at)),
    end: r.finished_at === null ? Infinity : Date.parse(String(r.finished_at)),
  }));
  const auditEntries = Number(
    (await store.query("SELECT COUNT(*) AS n FROM itsm_audit WHERE kind = 'plugin.execution'")).rows[0].n,
  );
  // Two attempts of one execution's step on different hosts whose recorded intervals overlap.
  const byExecution = new Map<string, typeof steps>();
  for (const step of steps) byExecution.set(step.executionId, [...(byExecution.get(step.executionId) ?? []), step]);
  let overlaps = 0;
  for (const attempts of byExecution.values())
    for (let i = 0; i < attempts.length; i++)
      for (let j = i + 1; j < attempts.length; j++) {
        const [a, b] = [attempts[i], attempts[j]];
        if (a.host !== b.host && a.start < b.end && b.start < a.end) overlaps++;
      }
  const perRequest = new Map<number, string[]>();
  for (const e of executions) perRequest.set(e.requestId, [...(perRequest.get(e.requestId) ?? []), e.status]);
  const deliveries = target.deliveries.filter((d) => d.path === '/hook');
  const keys = new Set(deliveries.map((d) => d.key));
  const keysPerRequest = new Map<number, Set<string>>();
  for (const d of deliveries)
    keysPerRequest.set(d.requestId, (keysPerRequest.get(d.requestId) ?? new Set()).add(d.key));
  return {
    requests,
    executions,
    keys,
    figures: {
      eventsDriven: raised.length,
      requests: requests.length,
      executions: executions.length,
      eventsLost: requests.filter((id) => !perRequest.has(id)).length,
      notExactlyOneSucceeded: requests.filter((id) => (perRequest.get(id) ?? []).join() !== 'succeeded').length,
      hostsThatRanSteps: new Set(steps.map((s) => s.host)).size,
      stepsInterruptedAndResumed: steps.filter((s) => s.interrupted).length,
      stepOverlapsAcrossHosts: overlaps,
      deliveries: deliveries.length,
      distinctKeys: keys.size,
      duplicatesSameKey: deliveries.length - keys.size,
      requestsWithMoreThanOneKey: [...keysPerRequest.values()].filter((set) => set.size > 1).length,
      requestsNeverDelivered: requests.filter((id) => !keysPerRequest.has(id)).length,
      finishedPluginSteps: steps.filter((s) => s.end !== Infinity && !s.interrupted).length,
      // Finished attempts other than interruptions that a later attempt followed (a retryable failure), by code.
      stepsRetried: Object.fromEntries(
        Object.entries(
          [...byExecution.values()]
            .flatMap((attempts) => attempts.slice(0, -1))
            .filter((s) => !s.interrupted)
            .reduce<Record<string, number>>(
              (codes, s) => ({ ...codes, [String(s.errorCode)]: (codes[String(s.errorCode)] ?? 0) + 1 }),
              {},
            ),
        ),
      ),
      auditEntries,
    },
  };
}

function expectExactlyOnce(result: Awaited<ReturnType<typeof account>>, raised: number[]): void {
  const { figures } = result;
  expect(figures.requests).toBe(raised.length);
  expect(figures.eventsLost).toBe(0);
  expect(figures.notExactlyOneSucceeded).toBe(0);
  expect(figures.executions).toBe(raised.length);
  expect(figures.stepOverlapsAcrossHosts).toBe(0);
  expect(figures.requestsWithMoreThanOneKey).toBe(0);
  expect(figures.requestsNeverDelivered).toBe(0);
  expect(figures.distinctKeys).toBe(raised.length);
  expect(figures.auditEntries).toBe(figures.finishedPluginSteps);
  for (const e of result.executions) expect(result.keys.has(`${e.id}:hook:1`)).toBe(true);
}

beforeAll(async () => {
  target = await startFaultTarget();
  // A host as users start it: it installs the first-party plugins into the folder and publishes the workflow.
  const host = await startHostProcess({ dataDir: template, allowPrivate: '127.0.0.1', seed: false });
  try {
    const workflowId = await publishWebhookWorkflow(host, `${target.origin}/hook`);
    const db = openDatabase(template);
    try {
      const row = db.prepare('SELECT * FROM workflow_versions WHERE workflow_id = ?').get(workflowId) as Record<
        string,
        string | number | null
      >;
      published = {
        workflowId,
        version: Number(row.version),
        definition: JSON.parse(String(row.definition)) as PublishedWorkflow['definition'],
        actions: JSON.parse(String(row.actions)) as PublishedWorkflow['actions'],
        publishedAt: String(row.published_at),
        publishedBy: row.published_by === null ? null : String(row.published_by),
      };
    } finally {
      db.close();
    }
  } finally {
    await host.stop();
  }
}, 120_000);

afterAll(async () => {
  for (const host of [...hosts]) await host.stop();
  await target?.close();
  for (const folder of [template, ...folders]) rmSync(folder, { recursive: true, force: true });
});

describe('several hosts on one PostgreSQL database', () => {
  let database: TestDatabase;
  afterAll(async () => {
    await database?.drop();
  });

  it(`runs ${EVENTS} events exactly once across three hosts while one is SIGKILLed twice`, async () => {
    database = await createTestDatabase();
    target.deliveries.length = 0;
    const { store, requests } = await openShared(database.url);
    try {
      const started = Date.now();
      let victim = await startPgHost(database.url);
      await startPgHost(database.url);
      await startPgHost(database.url);
      // The killer: SIGKILL the victim once a third and once two thirds of the events are written, restart it.
      let kills = 0;
      let killing = Promise.resolve();
      const raised = await raise(requests, EVENTS, async (count) => {
        if (kills < 2 && count >= ((kills + 1) * EVENTS) / 3) {
          kills++;
          const dying = victim;
          killing = killing.then(async () => {
            await dying.kill();
            victim = await startPgHost(database.url);
          });
        }
      });
      await killing;
      await workedOff(store, 240_000);
      const result = await account(store, raised);
      console.log(
        `FAULT REPORT ${JSON.stringify({ hosts: 3, kills, ...result.figures, durationMs: Date.now() - started })}`,
      );
      expect(kills).toBe(2);
      expectExactlyOnce(result, raised);
      // All three first hosts and the two restarts (new host ids) ran steps.
      expect(result.figures.hostsThatRanSteps).toBeGreaterThanOrEqual(3);
    } finally {
      for (const host of [...hosts]) await host.stop();
      await store.close();
    }
  }, 360_000);

  it('loses and doubles nothing when a host is cut off from the database mid-step and comes back', async () => {
    const cut = await createTestDatabase();
    const role = `ah_cut_${Math.random().toString(16).slice(2, 10)}`;
    const superuser = superuserUrl();
    await admin(superuser, `CREATE ROLE ${role} LOGIN PASSWORD 'cut-host' IN ROLE ${new URL(cut.url).username}`);
    const { store, requests } = await openShared(cut.url);
    target.deliveries.length = 0;
    try {
      const roleUrl = new URL(cut.url);
      roleUrl.username = role;
      roleUrl.password = 'cut-host';
      // Slow answers: the host to be cut has steps in flight when the cut comes. All three run before the first
      // request is raised, so it gets its share whatever the load on the machine (a host still starting while the
      // others drain the queue would hold nothing at the cut).
      target.mode = 'slow';
      target.delayMs = 150;
      const isolated = await startPgHost(roleUrl.toString());
      await startPgHost(cut.url);
      await startPgHost(cut.url);
      const heldByIsolated = async () =>
        (
          await store.query("SELECT id FROM workflow_executions WHERE held_by = $1 AND status = 'running'", [
            isolated.hostId,
          ])
        ).rows.map((row) => String(row.id));
      let raising = true;
      const raisedAll = raise(requests, CUT_EVENTS).finally(() => (raising = false));
      while (raising && (await heldByIsolated()).length === 0) await sleep(10);
      // Answers now take longer than a lease. The cut comes once a step of the host to be cut is in flight at the
      // target: it is still waiting there when that host's leases lapse, and must end (the host stops it) before
      // another host, taking the execution over, sends it again under the same key.
      target.delayMs = 3 * LEASE_MS;
      const inFlightOfIsolated = async () => {
        const held = new Set(await heldByIsolated());
        return target.deliveries.filter((d) => d.closedAt === null && held.has(d.key.split(':')[0])).length;
      };
      for (let i = 0; i < 1000 && (await inFlightOfIsolated()) === 0; i++) await sleep(10);
      const inFlightAtCut = await inFlightOfIsolated();
      // The cut: the host's role may not log in, its connections are ended; for twice a lease. What it held then
      // (steps in flight, answers on their way) is what the others must take over.
      await admin(superuser, `ALTER ROLE ${role} NOLOGIN`);
      await admin(superuser, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
      const heldAtCut = await heldByIsolated();
      await sleep(2 * LEASE_MS);
      target.delayMs = 150;
      const stillHeld = (await heldByIsolated()).length;
      const raised = await raisedAll;
      await admin(superuser, `ALTER ROLE ${role} LOGIN`);
      target.mode = 'up';
      await workedOff(store, 120_000);
      const result = await account(store, raised);
      // How many of them another host finished (a finish leaves its claim in held_by); the rest the cut-off host
      // claimed again once it was back, after a takeover had handed them back to the queue.
      const finishedElsewhere = (
        await store.query(
          "SELECT id FROM workflow_executions WHERE id = ANY($1::text[]) AND status = 'succeeded' AND held_by <> $2",
          [heldAtCut, isolated.hostId],
        )
      ).rows.length;
      // What the cut-off host's engine reported (refused connections, refused writes), from its last summary.
      const reported = [...isolated.output().matchAll(/^errors (.*)$/gm)].at(-1)?.[1] ?? '{}';
      const openTwice = overlappingDeliveries(target.deliveries.filter((d) => d.path === '/hook'));
      console.log(
        `FAULT REPORT ${JSON.stringify({ cut: 'one host, 2 leases', heldAtCut: heldAtCut.length, stillHeldAfterLapse: stillHeld, inFlightAtCut, finishedElsewhere, sameKeyOpenTwiceAtTarget: openTwice.length, isolatedErrors: JSON.parse(reported) as unknown, ...result.figures })}`,
      );
      expect(heldAtCut.length).toBeGreaterThan(0);
      expect(inFlightAtCut).toBeGreaterThan(0);
      // Its leases lapsed while it was away (it could write nothing) and the other hosts took its executions over.
      expect(stillHeld).toBe(0);
      expectExactlyOnce(result, raised);
      // No step ran on two hosts at once: the cut-off host stopped its in-flight calls before its leases lapsed.
      expect(openTwice).toEqual([]);
    } finally {
      target.mode = 'up';
      for (const host of [...hosts]) await host.stop();
      await store.close();
      await cut.drop();
      await admin(superuser, `DROP ROLE IF EXISTS ${role}`);
    }
  }, 240_000);
});
