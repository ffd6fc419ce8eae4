// Whole hosts on one PostgreSQL database (issue 14): two `actionhost start --database` processes, each with a data
// folder of its own and the same master key. A request raised through one host's API is executed (by either) and
// visible through the other's, with the host that ran each step; a host SIGKILLed while work is queued and in
// flight leaves it to the other, which finishes every execution once (the same idempotency key per request).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, makeDataDir, startHostProcess, type HostProcess } from '../support/host-process.ts';
import { publishWebhookWorkflow, startFaultTarget, type FaultTarget } from '../faults/support.ts';
import { createTestDatabase, type TestDatabase } from './index.ts';

interface Execution {
  id: string;
  requestId: number;
  status: string;
  steps: { host: string | null; status: string; error: { code: string } | null }[];
}

const MASTER_KEY = randomBytes(32).toString('base64');
const folders: string[] = [];
let database: TestDatabase;
let target: FaultTarget;

function startOn(url: string, adminToken?: string, masterKey: string | null = MASTER_KEY): Promise<HostProcess> {
  const dataDir = makeDataDir();
  folders.push(dataDir);
  return startHostProcess({
    dataDir,
    allowPrivate: '127.0.0.1',
    seed: false,
    env: {
      ACTIONHOST_DATABASE_URL: url,
      ...(masterKey ? { ACTIONHOST_MASTER_KEY: masterKey } : {}),
      ACTIONHOST_LEASE_MS: '2000',
      ACTIONHOST_HEARTBEAT_MS: '300',
      // The second host joins the first one's tokens: they are the database's.
      ...(adminToken ? { ACTIONHOST_ADMIN_TOKEN: adminToken } : {}),
    },
  });
}

/** The host id a host shows on /metrics (and on the steps it runs). */
async function hostIdOf(host: HostProcess, token: string): Promise<string> {
  const response = await fetch(`${host.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const match = /actionhost_host_info\{host="([^"]+)",store="postgres"\} 1/.exec(await response.text());
  if (!match) throw new Error('no actionhost_host_info on /metrics');
  return match[1];
}

beforeAll(async () => {
  database = await createTestDatabase();
  target = await startFaultTarget();
});

afterAll(async () => {
  await target?.close();
  await database?.drop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('two hosts on one PostgreSQL database', () => {
  it('refuses to start a host on the shared database without the master key every host uses', async () => {
    const failure = await startOn(database.url, undefined, null).then(
      async (host) => {
        await host.stop();
        return null;
      },
      (error: Error) => error,
    );
    expect(failure?.message).toContain('AH_MASTER_KEY_REQUIRED');
  });

  it('runs a request raised on one host, shows it on the other, and finishes the work of a host SIGKILLed mid-run', async () => {
    const a = await startOn(database.url);
    const token = a.token;
    const b = await startOn(database.url, token);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    let aAlive = true;
    try {
      const [hostA, hostB] = [await hostIdOf(a, token), await hostIdOf(b, token)];
      expect(hostA).not.toBe(hostB);
      await publishWebhookWorkflow(a, `${target.origin}/hook`);

      // Raised on A, visible on B: the request, and its execution with the host of its step.
      const raised = await a.api<{ internalId: number }>('POST', '/api/requests', { kind: 'incident', subject: 'one' });
      expect(raised.status).toBe(201);
      const requestId = raised.body.internalId;
      expect(
        (await b.api<{ subject: string }>('GET', `/api/requests/${requestId}`, undefined, token)).body.subject,
      ).toBe('one');
      const [summary] = await eventually(
        async () => (await b.api<Execution[]>('GET', `/api/executions?requestId=${requestId}`, undefined, token)).body,
        (list) => list.length === 1 && list[0].status === 'succeeded',
      );
      const execution = (await b.api<Execution>('GET', `/api/executions/${summary.id}`, undefined, token)).body;
      expect(execution.steps.map((step) => step.status)).toEqual(['succeeded']);
      expect([hostA, hostB]).toContain(execution.steps[0].host);

      // Slow answers keep work in flight; twelve requests raised on A; A is killed once it holds some.
      target.mode = 'slow';
      target.delayMs = 1500;
      const ids: number[] = [];
      for (let i = 0; i < 12; i++)
        ids.push(
          (await a.api<{ internalId: number }>('POST', '/api/requests', { kind: 'incident', subject: `r${i}` })).body
            .internalId,
        );
      const heldByA = async () =>
        (
          await client.query("SELECT id FROM workflow_executions WHERE held_by = $1 AND status = 'running'", [hostA])
        ).rows.map((row) => String(row.id));
      const heldAtKill = await eventually(heldByA, (held) => held.length > 0);
      const exited = new Promise((resolve) => a.child.once('exit', resolve));
      a.child.kill('SIGKILL');
      await exited;
      aAlive = false;
      target.mode = 'up';

      // B takes over what A held once its lease lapsed, and runs what was queued: each request once, succeeded.
      const finished = await eventually(
        async () =>
          Promise.all(
            ids.map(
              async (id) => (await b.api<Execution[]>('GET', `/api/executions?requestId=${id}`, undefined, token)).body,
            ),
          ),
        (lists) => lists.every((list) => list.length === 1 && list[0].status === 'succeeded'),
        60_000,
      );
      const details = await Promise.all(
        finished.map(
          async ([one]) => (await b.api<Execution>('GET', `/api/executions/${one.id}`, undefined, token)).body,
        ),
      );
      // Some step of A's was cut short by the kill and attempted again on B.
      expect(
        details.some((detail) =>
          detail.steps.some((step) => step.host === hostA && step.error?.code === 'AH_STEP_INTERRUPTED'),
        ),
      ).toBe(true);
      // What A held when it died was finished on B.
      for (const detail of details.filter((d) => heldAtKill.includes(d.id)))
        expect(detail.steps.at(-1)).toMatchObject({ host: hostB, status: 'succeeded' });
      // No request was delivered under two idempotency keys.
      const keys = new Map<number, Set<string>>();
      for (const delivery of target.deliveries.filter((d) => ids.includes(d.requestId)))
        keys.set(delivery.requestId, (keys.get(delivery.requestId) ?? new Set()).add(delivery.key));
      expect([...keys.values()].every((set) => set.size === 1)).toBe(true);
      expect(keys.size).toBe(ids.length);
    } finally {
      await client.end();
      if (aAlive) await a.stop();
      await b.stop();
    }
  }, 180_000);
});
