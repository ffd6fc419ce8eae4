// The embedded store behind the Database interface: queries in PostgreSQL's spelling ($1) run on the data folder's
// SQLite connection, and transactions join the store's group commit, so the engine's writes and the services'
// share one connection and one commit per turn of the event loop.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SQLInputValue, StatementSync } from 'node:sqlite';
import type { Database, Migrations, PgRow, QueryResult, Queryable, SqlValue } from './database/index.ts';
import type { Store } from './store.ts';

/** Marks the asynchronous context of a transaction's fn: its queries run at once, inside the open transaction. */
const inTransaction = new AsyncLocalStorage<true>();

/** $1, $2 … outside quotes → ?1, ?2 … (SQLite's numbered parameters, bound by position). */
const PARAMETER = /'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\d+)/g;
const rewritten = new Map<string, string>();
const REWRITTEN_MAX = 1000;

export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite' as const;
  readonly store: Store;
  readonly #transaction: Queryable;

  constructor(store: Store) {
    this.store = store;
    this.#transaction = { query: async (sql, values) => runSql(store, sql, values) };
  }

  get location(): string {
    return this.store.file;
  }

  async query(sql: string, values?: readonly SqlValue[]): Promise<QueryResult> {
    // Outside a transaction, wait for an open one to end: its writes are not ours to read or join.
    if (inTransaction.getStore() === undefined) {
      const writing = this.store.writing;
      if (writing) await writing;
    }
    return runSql(this.store, sql, values);
  }

  async withTransaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    // Called from inside a transaction's fn: the same transaction (SQLite has one connection and no nesting).
    if (inTransaction.getStore() !== undefined) return fn(this.#transaction);
    return this.store.write(() => inTransaction.run(true, () => fn(this.#transaction)));
  }

  async migrate(module: string, migrations: Migrations): Promise<void> {
    const writing = this.store.writing;
    if (writing) await writing;
    this.store.migrate(module, migrations.sqlite);
  }
}

/** Whether a statement returns rows: columns() builds its column list anew on every call (~11 µs, twice the cost of
 * a one-row SELECT here), and a prepared statement's answer never changes. */
const returnsRows = new WeakMap<StatementSync, boolean>();

function runSql(store: Store, sql: string, values: readonly SqlValue[] = []): QueryResult {
  const statement = store.db.prepare(sqliteText(sql));
  const parameters = values.map(toSqlite);
  let rowsBack = returnsRows.get(statement);
  if (rowsBack === undefined) {
    rowsBack = statement.columns().length > 0;
    returnsRows.set(statement, rowsBack);
  }
  if (rowsBack) {
    const rows = statement.all(...parameters) as PgRow[];
    return { rows, rowCount: rows.length };
  }
  const { changes } = statement.run(...parameters);
  return { rows: [], rowCount: Number(changes) };
}

function sqliteText(sql: string): string {
  let text = rewritten.get(sql);
  if (text === undefined) {
    text = sql.replace(PARAMETER, (match: string, index: string | undefined) =>
      index === undefined ? match : `?${index}`,
    );
    if (rewritten.size >= REWRITTEN_MAX) rewritten.delete(rewritten.keys().next().value!);
    rewritten.set(sql, text);
  }
  return text;
}

function toSqlite(value: SqlValue): SQLInputValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return JSON.stringify(value);
  return value as SQLInputValue;
}
