// The few queries retention needs, in one place: finished executions (with their steps) past their age or over
// the cap, Audit Trail entries past theirs, processed outbox events, and giving freed pages back to the disk.
// Every delete takes at most `limit` rows, so one transaction holds the write lock for a few milliseconds.
import type { Store } from '../store/index.ts';

const MIGRATIONS: readonly string[] = [
  // The oldest finished executions of a status, and the oldest finished ones overall, are read off these
  // indexes from their old end: a batch never sorts or scans the table.
  `CREATE INDEX IF NOT EXISTS retention_executions_finished ON workflow_executions (status, finished_at);
   CREATE INDEX IF NOT EXISTS retention_executions_oldest ON workflow_executions (finished_at)
     WHERE status IN ('succeeded', 'failed');`,
  // Audit Trail entries by age off an index on their time: ids follow time only as long as the clock never went
  // back and no entry was written with an earlier time (a restore, an import), and retention must not rely on it.
  `CREATE INDEX IF NOT EXISTS retention_audit_at ON itsm_audit (at);`,
];

export type FinishedStatus = 'succeeded' | 'failed';

export interface Deleted {
  executions: number;
  steps: number;
}

export class RetentionRepository {
  readonly #store: Store;

  /** The workflow and itsm tables must exist (their services migrate them first). */
  constructor(store: Store) {
    this.#store = store;
    store.migrate('retention', MIGRATIONS);
  }

  get #db() {
    return this.#store.db;
  }

  /** Deletes up to `limit` executions of `status` that finished before `before`, oldest first, with their steps. */
  deleteExpiredExecutions(status: FinishedStatus, before: string, limit: number): Deleted {
    return this.#deleteExecutions(
      'SELECT id FROM workflow_executions WHERE status = ? AND finished_at < ? ORDER BY finished_at LIMIT ?',
      [status, before, limit],
    );
  }

  /** Deletes the `limit` oldest finished executions (the caller counted how many are over the cap). */
  deleteOldestExecutions(limit: number): Deleted {
    return this.#deleteExecutions(
      `SELECT id FROM workflow_executions WHERE status IN ('succeeded', 'failed') ORDER BY finished_at LIMIT ?`,
      [limit],
    );
  }

  #deleteExecutions(select: string, values: (string | number)[]): Deleted {
    return this.#store.transaction(() => {
      const ids = (this.#db.prepare(select).all(...values) as { id: string }[]).map((row) => row.id);
      if (ids.length === 0) return { executions: 0, steps: 0 };
      const list = JSON.stringify(ids);
      const steps = this.#db
        .prepare('DELETE FROM workflow_steps WHERE execution_id IN (SELECT value FROM json_each(?))')
        .run(list).changes;
      const executions = this.#db
        .prepare('DELETE FROM workflow_executions WHERE id IN (SELECT value FROM json_each(?))')
        .run(list).changes;
      return { executions: Number(executions), steps: Number(steps) };
    });
  }

  /** Deletes up to `limit` Audit Trail entries written before `before`, oldest first. */
  deleteExpiredAudit(before: string, limit: number): number {
    return Number(
      this.#db
        .prepare('DELETE FROM itsm_audit WHERE id IN (SELECT id FROM itsm_audit WHERE at < ? ORDER BY at LIMIT ?)')
        .run(before, limit).changes,
    );
  }

  /** Deletes the `limit` oldest Audit Trail entries (the caller counted how many are over the cap). */
  deleteOldestAudit(limit: number): number {
    return this.#store.transaction(() => {
      const last = this.#db.prepare('SELECT id FROM itsm_audit ORDER BY id LIMIT 1 OFFSET ?').get(limit - 1) as
        { id: number } | undefined;
      return last ? Number(this.#db.prepare('DELETE FROM itsm_audit WHERE id <= ?').run(last.id).changes) : 0;
    });
  }

  /** Deletes up to `limit` outbox events processed before `before` (their executions are recorded apart). */
  deleteProcessedEvents(before: string, limit: number): number {
    return Number(
      this.#db
        .prepare(
          'DELETE FROM itsm_events WHERE id IN (SELECT id FROM itsm_events WHERE processed_at < ? ORDER BY processed_at LIMIT ?)',
        )
        .run(before, limit).changes,
    );
  }

  // --- what a dry run shows -------------------------------------------------------------------------------

  countExpiredExecutions(status: FinishedStatus, before: string): Deleted {
    const executions = this.#db
      .prepare('SELECT COUNT(*) AS n FROM workflow_executions WHERE status = ? AND finished_at < ?')
      .get(status, before) as { n: number };
    const steps = this.#db
      .prepare(
        `SELECT COUNT(*) AS n FROM workflow_steps WHERE execution_id IN
           (SELECT id FROM workflow_executions WHERE status = ? AND finished_at < ?)`,
      )
      .get(status, before) as { n: number };
    return { executions: Number(executions.n), steps: Number(steps.n) };
  }

  countFinished(): number {
    return Number(
      (
        this.#db
          .prepare("SELECT COUNT(*) AS n FROM workflow_executions WHERE status IN ('succeeded', 'failed')")
          .get() as { n: number }
      ).n,
    );
  }

  countAudit(before?: string): number {
    const row =
      before === undefined
        ? this.#db.prepare('SELECT COUNT(*) AS n FROM itsm_audit').get()
        : this.#db.prepare('SELECT COUNT(*) AS n FROM itsm_audit WHERE at < ?').get(before);
    return Number((row as { n: number }).n);
  }

  countProcessedEvents(before: string): number {
    return Number(
      (this.#db.prepare('SELECT COUNT(*) AS n FROM itsm_events WHERE processed_at < ?').get(before) as { n: number }).n,
    );
  }

  // --- the file -----------------------------------------------------------------------------------------

  /** Pages SQLite holds free inside the file, and whether it can give them back (auto_vacuum = incremental). */
  space(): { pageSize: number; pages: number; freePages: number; incremental: boolean } {
    const value = (pragma: string) => Number(Object.values(this.#db.prepare(`PRAGMA ${pragma}`).get()!)[0]);
    return {
      pageSize: value('page_size'),
      pages: value('page_count'),
      freePages: value('freelist_count'),
      incremental: value('auto_vacuum') === 2,
    };
  }

  /** Gives up to `pages` free pages back to the file system (incremental vacuum); how many went. */
  reclaim(pages: number): number {
    const before = this.space().freePages;
    this.#db.prepare(`PRAGMA incremental_vacuum(${Math.max(1, Math.floor(pages))})`).all();
    return before - this.space().freePages;
  }
}
