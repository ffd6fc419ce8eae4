// The few queries retention needs, in one place: finished executions (with their steps) past their age or over
// the cap, Audit Trail entries past theirs, processed outbox events, and giving freed pages back to the disk.
// Every delete takes at most `limit` rows, so one transaction holds its locks for a few milliseconds.
import { SqliteDatabase, type Database, type Migrations, type Queryable } from '../store/index.ts';

const INDEXES: readonly string[] = [
  // The oldest finished executions of a status, and the oldest finished ones overall, are read off these
  // indexes from their old end: a batch never sorts or scans the table.
  `CREATE INDEX IF NOT EXISTS retention_executions_finished ON workflow_executions (status, finished_at);
   CREATE INDEX IF NOT EXISTS retention_executions_oldest ON workflow_executions (finished_at)
     WHERE status IN ('succeeded', 'failed');`,
  // Audit Trail entries by age off an index on their time: ids follow time only as long as the clock never went
  // back and no entry was written with an earlier time (a restore, an import), and retention must not rely on it.
  `CREATE INDEX IF NOT EXISTS retention_audit_at ON itsm_audit (at);`,
];

/** The same indexes on both backends. */
export const RETENTION_MIGRATIONS: Migrations = { sqlite: INDEXES, postgres: INDEXES };

/** Ids per IN (…) list: far below both backends' limits on parameters, whatever the batch size. */
const IDS_PER_STATEMENT = 500;

export type FinishedStatus = 'succeeded' | 'failed';

export interface Deleted {
  executions: number;
  steps: number;
}

/** The database's size in pages, the free ones among them, and whether free ones can go back to the disk. */
export interface Space {
  pageSize: number;
  pages: number;
  freePages: number;
  incremental: boolean;
}

export class RetentionRepository {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** The workflow and itsm tables must exist (their services migrate them first). */
  static async open(db: Database): Promise<RetentionRepository> {
    await db.migrate('retention', RETENTION_MIGRATIONS);
    return new RetentionRepository(db);
  }

  /** Deletes up to `limit` executions of `status` that finished before `before`, oldest first, with their steps. */
  deleteExpiredExecutions(status: FinishedStatus, before: string, limit: number): Promise<Deleted> {
    return this.#deleteExecutions(
      'SELECT id FROM workflow_executions WHERE status = $1 AND finished_at < $2 ORDER BY finished_at LIMIT $3',
      [status, before, limit],
    );
  }

  /** Deletes the `limit` oldest finished executions (the caller counted how many are over the cap). */
  deleteOldestExecutions(limit: number): Promise<Deleted> {
    return this.#deleteExecutions(
      `SELECT id FROM workflow_executions WHERE status IN ('succeeded', 'failed') ORDER BY finished_at LIMIT $1`,
      [limit],
    );
  }

  /** The ids are read once and deleted by list: steps first (PostgreSQL's foreign key), in the same transaction. */
  #deleteExecutions(select: string, values: (string | number)[]): Promise<Deleted> {
    return this.#db.withTransaction(async (tx) => {
      const ids = (await tx.query(select, values)).rows.map((row) => String(row.id));
      let steps = 0;
      let executions = 0;
      for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) {
        const slice = ids.slice(start, start + IDS_PER_STATEMENT);
        steps += await deleteIn(tx, 'workflow_steps', 'execution_id', slice);
        executions += await deleteIn(tx, 'workflow_executions', 'id', slice);
      }
      return { executions, steps };
    });
  }

  /** Deletes up to `limit` Audit Trail entries written before `before`, oldest first. */
  async deleteExpiredAudit(before: string, limit: number): Promise<number> {
    const { rowCount } = await this.#db.query(
      'DELETE FROM itsm_audit WHERE id IN (SELECT id FROM itsm_audit WHERE at < $1 ORDER BY at LIMIT $2)',
      [before, limit],
    );
    return rowCount ?? 0;
  }

  /** Deletes the `limit` oldest Audit Trail entries (the caller counted how many are over the cap). */
  deleteOldestAudit(limit: number): Promise<number> {
    return this.#db.withTransaction(async (tx) => {
      const last = (await tx.query('SELECT id FROM itsm_audit ORDER BY id LIMIT 1 OFFSET $1', [limit - 1])).rows[0];
      if (!last) return 0;
      return (await tx.query('DELETE FROM itsm_audit WHERE id <= $1', [Number(last.id)])).rowCount ?? 0;
    });
  }

  /** Deletes up to `limit` outbox events processed before `before` (their executions are recorded apart). */
  async deleteProcessedEvents(before: string, limit: number): Promise<number> {
    const { rowCount } = await this.#db.query(
      'DELETE FROM itsm_events WHERE id IN (SELECT id FROM itsm_events WHERE processed_at < $1 ORDER BY processed_at LIMIT $2)',
      [before, limit],
    );
    return rowCount ?? 0;
  }

  // --- what a dry run shows -------------------------------------------------------------------------------

  async countExpiredExecutions(status: FinishedStatus, before: string): Promise<Deleted> {
    const executions = await this.#count(
      'SELECT COUNT(*) AS n FROM workflow_executions WHERE status = $1 AND finished_at < $2',
      [status, before],
    );
    const steps = await this.#count(
      `SELECT COUNT(*) AS n FROM workflow_steps WHERE execution_id IN
         (SELECT id FROM workflow_executions WHERE status = $1 AND finished_at < $2)`,
      [status, before],
    );
    return { executions, steps };
  }

  countFinished(): Promise<number> {
    return this.#count("SELECT COUNT(*) AS n FROM workflow_executions WHERE status IN ('succeeded', 'failed')");
  }

  countAudit(before?: string): Promise<number> {
    return before === undefined
      ? this.#count('SELECT COUNT(*) AS n FROM itsm_audit')
      : this.#count('SELECT COUNT(*) AS n FROM itsm_audit WHERE at < $1', [before]);
  }

  countProcessedEvents(before: string): Promise<number> {
    return this.#count('SELECT COUNT(*) AS n FROM itsm_events WHERE processed_at < $1', [before]);
  }

  async #count(sql: string, values: (string | number)[] = []): Promise<number> {
    return Number((await this.#db.query(sql, values)).rows[0].n);
  }

  // --- the space ------------------------------------------------------------------------------------------

  /**
   * SQLite: the file's pages, those free inside it, and whether it can give them back (auto_vacuum = incremental).
   * PostgreSQL: the database's size in blocks; its own (auto)vacuum reuses what retention frees, so no page is
   * free to give back from here.
   */
  async space(): Promise<Space> {
    if (this.#db.dialect === 'postgres') {
      const row = (
        await this.#db.query(
          "SELECT current_setting('block_size')::int AS page_size, pg_database_size(current_database()) AS bytes",
        )
      ).rows[0];
      const pageSize = Number(row.page_size);
      return { pageSize, pages: Math.ceil(Number(row.bytes) / pageSize), freePages: 0, incremental: false };
    }
    const value = async (pragma: string) =>
      Number(Object.values((await this.#db.query(`PRAGMA ${pragma}`)).rows[0])[0]);
    return {
      pageSize: await value('page_size'),
      pages: await value('page_count'),
      freePages: await value('freelist_count'),
      incremental: (await value('auto_vacuum')) === 2,
    };
  }

  /** Gives up to `pages` free pages back to the file system (SQLite's incremental vacuum); how many went. */
  async reclaim(pages: number): Promise<number> {
    if (!(this.#db instanceof SqliteDatabase)) return 0;
    const before = (await this.space()).freePages;
    // Stepped to the end on the store's own connection: the pragma frees one page per step and returns no rows,
    // and a statement without rows is stepped once by query().
    const writing = this.#db.store.writing;
    if (writing) await writing;
    this.#db.store.db.prepare(`PRAGMA incremental_vacuum(${Math.max(1, Math.floor(pages))})`).all();
    return before - (await this.space()).freePages;
  }
}

async function deleteIn(tx: Queryable, table: string, column: string, ids: readonly string[]): Promise<number> {
  const list = ids.map((_, index) => `$${index + 1}`).join(', ');
  return (await tx.query(`DELETE FROM ${table} WHERE ${column} IN (${list})`, ids)).rowCount ?? 0;
}
