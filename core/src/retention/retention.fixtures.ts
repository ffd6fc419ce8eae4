// Builders for retention tests: a data folder's database with the workflow and itsm tables, and finished
// executions (with steps), Audit Trail entries and outbox events written straight into it at chosen times.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDatabase, Store } from '../store/index.ts';
import { ItsmService } from '../itsm/index.ts';
import { SqliteExecutionRepository } from '../workflow/index.ts';
import { RetentionRepository } from './index.ts';

export const NOW = new Date('2026-06-01T12:00:00.000Z');
export const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

export interface RetentionWorld {
  file: string;
  store: Store;
  repository: RetentionRepository;
  requestId: number;
  /** The database file's size in bytes (after a checkpoint of the write-ahead log). */
  fileBytes(): number;
  count(table: string, where?: string): number;
  close(): void;
}

export async function openRetentionWorld(): Promise<RetentionWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'ah-retention-'));
  const file = join(dir, 'actionhost.db');
  const store = Store.open(file);
  // The workflow tables, with the execution half's later columns and indexes.
  new SqliteExecutionRepository(store);
  const itsm = await ItsmService.open({ db: new SqliteDatabase(store) });
  const { request } = await itsm.createRequest({ kind: 'incident', subject: 'Retention' }, 'agent:test');
  store.db.exec('DELETE FROM itsm_audit; DELETE FROM itsm_events');
  return {
    file,
    store,
    repository: new RetentionRepository(store),
    requestId: request.internalId,
    fileBytes: () => {
      store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      return statSync(file).size;
    },
    count: (table, where = '1') =>
      Number((store.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n),
    close: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes `count` executions of `status`, finished at `finishedAt` (null: still running), `steps` steps each. */
export function seedExecutions(
  world: RetentionWorld,
  options: {
    count: number;
    status: 'succeeded' | 'failed' | 'running' | 'queued';
    finishedAt: string | null;
    steps?: number;
  },
): string[] {
  const ids: string[] = [];
  const insertExecution = world.store.db.prepare(
    `INSERT INTO workflow_executions (id, workflow_id, workflow_version, request_id, event_id, trigger, status, created_at,
       started_at, finished_at) VALUES (?, 'wf_retention', 1, ?, ?, '{}', ?, ?, ?, ?)`,
  );
  const insertStep = world.store.db.prepare(
    `INSERT INTO workflow_steps (execution_id, seq, node_id, kind, inputs, output, status, started_at, finished_at)
       VALUES (?, ?, 'node', 'action', ?, ?, 'succeeded', ?, ?)`,
  );
  const payload = JSON.stringify({ text: 'x'.repeat(200) });
  world.store.transaction(() => {
    for (let index = 0; index < options.count; index++) {
      const id = `ex_${randomUUID()}`;
      const at = options.finishedAt ?? NOW.toISOString();
      insertExecution.run(id, world.requestId, id, options.status, at, at, options.finishedAt);
      for (let seq = 1; seq <= (options.steps ?? 2); seq++) insertStep.run(id, seq, payload, payload, at, at);
      ids.push(id);
    }
  });
  return ids;
}

export function seedAudit(world: RetentionWorld, count: number, at: string): void {
  const insert = world.store.db.prepare(
    "INSERT INTO itsm_audit (request_id, kind, actor, at, data) VALUES (?, 'plugin.execution', 'test', ?, '{}')",
  );
  world.store.transaction(() => {
    for (let index = 0; index < count; index++) insert.run(world.requestId, at);
  });
}

export function seedEvents(world: RetentionWorld, count: number, processedAt: string | null): void {
  const insert = world.store.db.prepare(
    "INSERT INTO itsm_events (type, request_id, changes, actor, created_at, processed_at) VALUES ('request.updated', ?, '[]', 'test', ?, ?)",
  );
  world.store.transaction(() => {
    for (let index = 0; index < count; index++)
      insert.run(world.requestId, processedAt ?? NOW.toISOString(), processedAt);
  });
}
