// Builders for retention tests: a database (SQLite file or PostgreSQL) with the workflow and itsm tables, and
// finished executions (with steps), Audit Trail entries and outbox events written straight into it at chosen times.
import { statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Dialect, Queryable, SqlValue } from '../store/index.ts';
import { openTestDatabase, type TestDatabase } from '../store/database.fixtures.ts';
import { ItsmService } from '../itsm/index.ts';
import { SqliteExecutionRepository, WORKFLOW_POSTGRES_MIGRATIONS } from '../workflow/index.ts';
import { RetentionRepository } from './index.ts';

export const NOW = new Date('2026-06-01T12:00:00.000Z');
export const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

export interface RetentionWorld {
  test: TestDatabase;
  repository: RetentionRepository;
  requestId: number;
  /** The SQLite file's size in bytes (after a checkpoint of the write-ahead log); SQLite only. */
  fileBytes(): number;
  count(table: string, where?: string): Promise<number>;
  ids(table: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function openRetentionWorld(backend: Dialect): Promise<RetentionWorld> {
  const test = await openTestDatabase(backend);
  const { db, store } = test;
  // The workflow tables (on SQLite with the execution half's later columns and indexes), and the itsm tables.
  if (store) new SqliteExecutionRepository(store);
  else await db.migrate('workflow', { sqlite: [], postgres: WORKFLOW_POSTGRES_MIGRATIONS });
  await ItsmService.open({ db });
  const at = NOW.toISOString();
  const request = await db.query(
    `INSERT INTO itsm_requests (kind, seq, display_id, subject, description, status, priority, custom_fields,
       created_at, updated_at, created_by)
     VALUES ('incident', 1, 'INC-1', 'Retention', '', 'open', 'medium', '{}', $1, $1, 'agent:test') RETURNING internal_id`,
    [at],
  );
  return {
    test,
    repository: await RetentionRepository.open(db),
    requestId: Number(request.rows[0].internal_id),
    fileBytes: () => {
      if (!store) throw new Error('fileBytes is for the SQLite file');
      store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      return statSync(store.file).size;
    },
    count: async (table, where = '1 = 1') =>
      Number((await db.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`)).rows[0].n),
    ids: async (table) => (await db.query(`SELECT id FROM ${table}`)).rows.map((row) => String(row.id)),
    close: () => test.close(),
  };
}

/** Writes `count` executions of `status`, finished at `finishedAt` (null: still running), `steps` steps each. */
export async function seedExecutions(
  world: RetentionWorld,
  options: {
    count: number;
    status: 'succeeded' | 'failed' | 'running' | 'queued';
    finishedAt: string | null;
    steps?: number;
  },
): Promise<string[]> {
  const ids: string[] = [];
  const executions: SqlValue[][] = [];
  const steps: SqlValue[][] = [];
  const payload = JSON.stringify({ text: 'x'.repeat(200) });
  for (let index = 0; index < options.count; index++) {
    const id = `ex_${randomUUID()}`;
    const at = options.finishedAt ?? NOW.toISOString();
    executions.push([id, world.requestId, id, options.status, at, at, options.finishedAt]);
    for (let seq = 1; seq <= (options.steps ?? 2); seq++) steps.push([id, seq, payload, payload, at, at]);
    ids.push(id);
  }
  await world.test.db.withTransaction(async (tx) => {
    await insertRowsWith(
      tx,
      `INSERT INTO workflow_executions (id, request_id, event_id, status, created_at, started_at, finished_at,
         workflow_id, workflow_version, trigger)`,
      executions,
      "'wf_retention', 1, '{}'",
    );
    await insertRowsWith(
      tx,
      `INSERT INTO workflow_steps (execution_id, seq, inputs, output, started_at, finished_at, node_id, kind, status)`,
      steps,
      "'node', 'action', 'succeeded'",
    );
  });
  return ids;
}

/** As insertRows, each tuple ending with the same literal values `tail`. */
async function insertRowsWith(tx: Queryable, head: string, rows: SqlValue[][], tail: string): Promise<void> {
  for (let start = 0; start < rows.length; start += 200) {
    const slice = rows.slice(start, start + 200);
    let n = 0;
    const tuples = slice.map((row) => `(${row.map(() => `$${++n}`).join(', ')}, ${tail})`).join(', ');
    await tx.query(`${head} VALUES ${tuples}`, slice.flat());
  }
}

export async function seedAudit(world: RetentionWorld, count: number, at: string): Promise<void> {
  const rows = Array.from({ length: count }, () => [world.requestId, at]);
  await world.test.db.withTransaction((tx) =>
    insertRowsWith(
      tx,
      'INSERT INTO itsm_audit (request_id, at, kind, actor, data)',
      rows,
      "'plugin.execution', 'test', '{}'",
    ),
  );
}

export async function seedEvents(world: RetentionWorld, count: number, processedAt: string | null): Promise<void> {
  const rows = Array.from({ length: count }, () => [world.requestId, processedAt ?? NOW.toISOString(), processedAt]);
  await world.test.db.withTransaction((tx) =>
    insertRowsWith(
      tx,
      'INSERT INTO itsm_events (request_id, created_at, processed_at, type, changes, actor)',
      rows,
      "'request.updated', '[]', 'test'",
    ),
  );
}
