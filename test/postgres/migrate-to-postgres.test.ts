// `actionhost migrate --to postgres://…` on a real data folder (issue 14): a host on SQLite leaves records,
// a published workflow, an execution and credentials; migrate copies every table into a new PostgreSQL database
// (counts equal to the SQLite file's), refuses to run again on the now non-empty database, and a host started on
// the database with the folder's master key serves the moved execution and credentials.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIONHOST_CLI,
  eventually,
  makeDataDir,
  runCli,
  startHostProcess,
  type HostProcess,
} from '../support/host-process.ts';
import { publishWebhookWorkflow, startFaultTarget, type FaultTarget } from '../faults/support.ts';
import { createTestDatabase, type TestDatabase } from './index.ts';

let database: TestDatabase;
let target: FaultTarget;
const dataDir = makeDataDir();

beforeAll(async () => {
  database = await createTestDatabase();
  target = await startFaultTarget();
});

afterAll(async () => {
  await target?.close();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every table's row count in the folder's SQLite file (the migration ledger apart: PostgreSQL keeps its own). */
function sqliteCounts(): Record<string, number> {
  const db = new DatabaseSync(join(dataDir, 'actionhost.db'), { readOnly: true });
  try {
    const tables = (
      db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
        name: string;
      }[]
    )
      .map((row) => row.name)
      .filter((name) => name !== 'schema_migrations');
    return Object.fromEntries(
      tables.map((name) => [
        name,
        Number((db.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n),
      ]),
    );
  } finally {
    db.close();
  }
}

describe('actionhost migrate --to', () => {
  it('moves a data folder to PostgreSQL, verified, once; a host on the database serves what was moved', async () => {
    let host: HostProcess = await startHostProcess({ dataDir, allowPrivate: '127.0.0.1' });
    let executionId: string;
    try {
      await publishWebhookWorkflow(host, `${target.origin}/hook`);
      for (const [name, token] of [
        ['crm-token', 'secret-one'],
        ['erp-token', 'secret-two'],
      ])
        expect((await host.api('POST', '/api/credentials', { name, type: 'bearer', secret: { token } })).status).toBe(
          201,
        );
      const raised = await host.api<{ internalId: number }>('POST', '/api/requests', {
        kind: 'incident',
        subject: 'moved',
      });
      const [execution] = await eventually(
        async () =>
          (
            await host.api<{ id: string; status: string }[]>(
              'GET',
              `/api/executions?requestId=${raised.body.internalId}`,
            )
          ).body,
        (list) => list.length === 1 && list[0].status === 'succeeded',
      );
      executionId = execution.id;
    } finally {
      await host.stop();
    }
    const counts = sqliteCounts();

    const moved = await runCli(ACTIONHOST_CLI, ['migrate', '--data', dataDir, '--to', database.url, '--json']);
    expect(moved.code, moved.stderr).toBe(0);
    const result = JSON.parse(moved.stdout) as {
      tables: { table: string; rows: number }[];
      credentialsCompared: number;
    };
    expect(Object.fromEntries(result.tables.map((t) => [t.table, t.rows]))).toEqual(counts);
    expect(counts.workflow_steps).toBeGreaterThan(0);
    expect(result.credentialsCompared).toBe(2);
    expect(moved.stderr).toContain('migrate: copied');

    const again = await runCli(ACTIONHOST_CLI, ['migrate', '--data', dataDir, '--to', database.url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('AH_MIGRATE_TARGET_NOT_EMPTY');

    // The folder's key opens the moved credentials; the moved execution and its steps are there.
    const masterKey = readFileSync(join(dataDir, 'master.key'), 'utf8').trim();
    host = await startHostProcess({
      dataDir,
      seed: false,
      env: { ACTIONHOST_DATABASE_URL: database.url, ACTIONHOST_MASTER_KEY: masterKey },
    });
    try {
      const execution = await host.api<{ status: string; steps: unknown[] }>('GET', `/api/executions/${executionId}`);
      expect(execution.body).toMatchObject({ status: 'succeeded' });
      expect(execution.body.steps.length).toBeGreaterThan(0);
      const credentials = await host.api<{ name: string }[]>('GET', '/api/credentials');
      expect(credentials.body.map((c) => c.name).sort()).toEqual(['crm-token', 'erp-token']);
      // A new request gets the next number: the identities continue after the moved rows.
      const next = await host.api<{ internalId: number }>('POST', '/api/requests', {
        kind: 'incident',
        subject: 'after',
      });
      expect(next.status).toBe(201);
    } finally {
      await host.stop();
    }
  }, 240_000);
});
