// The admin action log's table: appended to, read newest first in pages, and read oldest first for the export.
// Append-only is enforced by the database itself (triggers refuse UPDATE and DELETE), not only by this class.
import { parseJsonColumn, type Row, type Store } from '../store/index.ts';
import type { AdminAction, AdminActionCreate, AdminActionFilter } from './schemas.ts';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE admin_actions (
     id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, actor_name TEXT NOT NULL,
     action TEXT NOT NULL, target_type TEXT NOT NULL, target_id TEXT, before TEXT, after TEXT, origin TEXT NOT NULL);
   CREATE INDEX admin_actions_at ON admin_actions (at);
   CREATE INDEX admin_actions_target ON admin_actions (target_type, target_id);
   CREATE TRIGGER admin_actions_no_update BEFORE UPDATE ON admin_actions
     BEGIN SELECT RAISE(ABORT, 'the admin action log is append-only'); END;
   CREATE TRIGGER admin_actions_no_delete BEFORE DELETE ON admin_actions
     BEGIN SELECT RAISE(ABORT, 'the admin action log is append-only'); END;`,
];

export class AdminLogRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
    store.migrate('admin-log', MIGRATIONS);
  }

  /** Appends an entry that is already redacted. */
  append(entry: AdminActionCreate, at: string): AdminAction {
    const result = this.#store.db
      .prepare(
        `INSERT INTO admin_actions (at, actor, actor_name, action, target_type, target_id, before, after, origin)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        at,
        JSON.stringify(entry.actor),
        entry.actor.name,
        entry.action,
        entry.target.type,
        entry.target.id,
        entry.before === null ? null : JSON.stringify(entry.before),
        entry.after === null ? null : JSON.stringify(entry.after),
        JSON.stringify(entry.origin),
      );
    return { ...entry, id: Number(result.lastInsertRowid), at };
  }

  /** Newest first, ids below `before`. */
  page(filter: AdminActionFilter, limit: number, before?: number): AdminAction[] {
    const { where, values } = conditions(filter);
    if (before !== undefined) {
      where.push('id < ?');
      values.push(before);
    }
    return this.#select(where, values, 'DESC', limit);
  }

  /** Oldest first, ids above `after`: the export reads the log in batches of these. */
  since(filter: AdminActionFilter, after: number, limit: number): AdminAction[] {
    const { where, values } = conditions(filter);
    where.push('id > ?');
    values.push(after);
    return this.#select(where, values, 'ASC', limit);
  }

  #select(where: string[], values: (string | number)[], order: 'ASC' | 'DESC', limit: number): AdminAction[] {
    const sql = `SELECT * FROM admin_actions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id ${order} LIMIT ?`;
    return (this.#store.db.prepare(sql).all(...values, limit) as Row[]).map(toAction);
  }
}

function conditions(filter: AdminActionFilter): { where: string[]; values: (string | number)[] } {
  const where: string[] = [];
  const values: (string | number)[] = [];
  if (filter.actor !== undefined) {
    where.push('actor_name = ?');
    values.push(filter.actor);
  }
  if (filter.action !== undefined) {
    // "workflow." means every action on workflows; a full name matches itself only.
    if (filter.action.endsWith('.')) {
      where.push('substr(action, 1, ?) = ?');
      values.push(filter.action.length, filter.action);
    } else {
      where.push('action = ?');
      values.push(filter.action);
    }
  }
  if (filter.targetType !== undefined) {
    where.push('target_type = ?');
    values.push(filter.targetType);
  }
  if (filter.targetId !== undefined) {
    where.push('target_id = ?');
    values.push(filter.targetId);
  }
  // Stored times are ISO 8601 in UTC; a bound given with an offset is compared as the same instant.
  if (filter.since !== undefined) {
    where.push('at >= ?');
    values.push(new Date(filter.since).toISOString());
  }
  if (filter.until !== undefined) {
    where.push('at < ?');
    values.push(new Date(filter.until).toISOString());
  }
  return { where, values };
}

function toAction(row: Row): AdminAction {
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
