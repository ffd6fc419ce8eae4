// The admin action log's table: appended to, read newest first in pages, and read oldest first for the export.
// Append-only is enforced by the database itself (triggers refuse UPDATE and DELETE), not only by this class.
import {
  parseJsonColumn,
  queryAll,
  type Database,
  type Migrations,
  type PgRow,
  type Queryable,
} from '../store/index.ts';
import type { AdminAction, AdminActionCreate, AdminActionFilter } from './schemas.ts';

export const ADMIN_LOG_MIGRATIONS: Migrations = {
  sqlite: [
    `CREATE TABLE admin_actions (
     id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, actor_name TEXT NOT NULL,
     action TEXT NOT NULL, target_type TEXT NOT NULL, target_id TEXT, before TEXT, after TEXT, origin TEXT NOT NULL);
   CREATE INDEX admin_actions_at ON admin_actions (at);
   CREATE INDEX admin_actions_target ON admin_actions (target_type, target_id);
   CREATE TRIGGER admin_actions_no_update BEFORE UPDATE ON admin_actions
     BEGIN SELECT RAISE(ABORT, 'the admin action log is append-only'); END;
   CREATE TRIGGER admin_actions_no_delete BEFORE DELETE ON admin_actions
     BEGIN SELECT RAISE(ABORT, 'the admin action log is append-only'); END;`,
  ],
  // TRUNCATE is refused too: on PostgreSQL it bypasses row triggers.
  postgres: [
    `CREATE TABLE admin_actions (
     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
     actor_name TEXT NOT NULL, action TEXT NOT NULL, target_type TEXT NOT NULL, target_id TEXT, before TEXT, after TEXT,
     origin TEXT NOT NULL);
   CREATE INDEX admin_actions_at ON admin_actions (at);
   CREATE INDEX admin_actions_target ON admin_actions (target_type, target_id);
   CREATE FUNCTION admin_actions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION 'the admin action log is append-only'; END $$;
   CREATE TRIGGER admin_actions_no_change BEFORE UPDATE OR DELETE ON admin_actions
     FOR EACH ROW EXECUTE FUNCTION admin_actions_append_only();
   CREATE TRIGGER admin_actions_no_truncate BEFORE TRUNCATE ON admin_actions
     FOR EACH STATEMENT EXECUTE FUNCTION admin_actions_append_only();`,
  ],
};

/** Its table comes with ADMIN_LOG_MIGRATIONS (AdminLog.open applies them). */
export class AdminLogRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Appends an entry that is already redacted; inside the caller's transaction when `tx` is given. */
  async append(entry: AdminActionCreate, at: string, tx?: Queryable): Promise<AdminAction> {
    const insert = async (db: Queryable) =>
      db.query(
        `INSERT INTO admin_actions (at, actor, actor_name, action, target_type, target_id, before, after, origin)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [
          at,
          JSON.stringify(entry.actor),
          entry.actor.name,
          entry.action,
          entry.target.type,
          entry.target.id,
          entry.before === null ? null : JSON.stringify(entry.before),
          entry.after === null ? null : JSON.stringify(entry.after),
          JSON.stringify(entry.origin),
        ],
      );
    const result = tx ? await insert(tx) : await this.#db.withTransaction(insert);
    return { ...entry, id: Number(result.rows[0].id), at };
  }

  /** Newest first, ids below `before`. */
  async page(filter: AdminActionFilter, limit: number, before?: number): Promise<AdminAction[]> {
    const { where, values } = conditions(filter);
    if (before !== undefined) {
      values.push(before);
      where.push(`id < $${values.length}`);
    }
    return this.#select(where, values, 'DESC', limit);
  }

  /** Oldest first, ids above `after`: the export reads the log in batches of these. */
  async since(filter: AdminActionFilter, after: number, limit: number): Promise<AdminAction[]> {
    const { where, values } = conditions(filter);
    values.push(after);
    where.push(`id > $${values.length}`);
    return this.#select(where, values, 'ASC', limit);
  }

  async #select(
    where: string[],
    values: (string | number)[],
    order: 'ASC' | 'DESC',
    limit: number,
  ): Promise<AdminAction[]> {
    const sql = `SELECT * FROM admin_actions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id ${order} LIMIT $${values.length + 1}`;
    return (await queryAll(this.#db, sql, [...values, limit])).map(toAction);
  }
}

function conditions(filter: AdminActionFilter): { where: string[]; values: (string | number)[] } {
  const where: string[] = [];
  const values: (string | number)[] = [];
  /** Adds a value and returns its $n. */
  const bind = (value: string | number) => `$${values.push(value)}`;
  if (filter.actor !== undefined) {
    where.push(`actor_name = ${bind(filter.actor)}`);
  }
  if (filter.action !== undefined) {
    // "workflow." means every action on workflows; a full name matches itself only.
    if (filter.action.endsWith('.')) {
      where.push(`substr(action, 1, ${bind(filter.action.length)}) = ${bind(filter.action)}`);
    } else {
      where.push(`action = ${bind(filter.action)}`);
    }
  }
  if (filter.targetType !== undefined) {
    where.push(`target_type = ${bind(filter.targetType)}`);
  }
  if (filter.targetId !== undefined) {
    where.push(`target_id = ${bind(filter.targetId)}`);
  }
  // Stored times are ISO 8601 in UTC; a bound given with an offset is compared as the same instant.
  if (filter.since !== undefined) {
    where.push(`at >= ${bind(new Date(filter.since).toISOString())}`);
  }
  if (filter.until !== undefined) {
    where.push(`at < ${bind(new Date(filter.until).toISOString())}`);
  }
  return { where, values };
}

function toAction(row: PgRow): AdminAction {
  return {
    id: Number(row.id),
    at: String(row.at),
    actor: parseJsonColumn(row.actor),
    action: String(row.action),
    target: { type: String(row.target_type), id: row.target_id === null ? null : String(row.target_id) },
    before: parseJsonColumn(row.before),
    after: parseJsonColumn(row.after),
    origin: parseJsonColumn(row.origin),
  };
}
