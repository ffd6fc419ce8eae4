// The store every concern writes through, whichever backend holds it: the embedded SQLite file or a PostgreSQL
// database several hosts share. Queries are written once, in PostgreSQL's dialect where the two differ only in
// spelling ($1 parameters); the SQLite side rewrites them. Migrations are given per backend.
import type { SQLOutputValue } from 'node:sqlite';

/** What a statement may be given. Booleans and dates are stored as SQLite stores them: 1/0 and ISO text. */
export type SqlValue = string | number | boolean | null | Date | Buffer | readonly string[] | readonly number[];

/**
 * A row as a query reads it, the same on both backends: timestamps as ISO strings, JSON columns as their text,
 * bigint as a number.
 */
export type PgRow = Record<string, SQLOutputValue>;

/** The answer to one statement: its rows (none for a write without RETURNING) and how many rows it touched. */
export interface QueryResult {
  rows: PgRow[];
  rowCount: number | null;
}

/** A connection inside a transaction, or the database itself: what repositories query through. */
export interface Queryable {
  query(sql: string, values?: readonly SqlValue[]): Promise<QueryResult>;
}

export type Dialect = 'sqlite' | 'postgres';

/** A module's migrations for each backend, applied in order, once each (index i is version i+1). */
export interface Migrations {
  sqlite: readonly string[];
  postgres: readonly string[];
}

/**
 * One backend behind one interface. Rules for a query that runs on both: `$n` parameters; `ON CONFLICT … DO
 * NOTHING`/`DO UPDATE` instead of INSERT OR IGNORE/REPLACE; timestamps as ISO text given as parameters (no
 * `now()`/`datetime()`); JSON as TEXT read with parseJsonColumn; `Number()` around counts; `COLLATE "C"` where id
 * order matters (PostgreSQL sorts text by locale); no rowid; flags as INTEGER 0/1 on both.
 */
export interface Database extends Queryable {
  readonly dialect: Dialect;
  /**
   * Runs fn in one transaction: its queries go through `tx`, never through the database itself (on SQLite that
   * would wait for this very transaction). It commits when fn resolves and rolls back when it throws. Never nest:
   * pass `tx` down instead. On SQLite, transactions that start in the same turn of the event loop share one commit
   * (group commit), and a failing one is retried alone so that only it is refused.
   */
  withTransaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Applies the module's migrations that this database has not had yet. */
  migrate(module: string, migrations: Migrations): Promise<void>;
  /** For messages: the file, or the URL without its password. */
  readonly location: string;
}

/** The first row of a result, or undefined. */
export async function queryOne(db: Queryable, sql: string, values?: readonly SqlValue[]): Promise<PgRow | undefined> {
  return (await db.query(sql, values)).rows[0];
}

/** Every row of a result. */
export async function queryAll(db: Queryable, sql: string, values?: readonly SqlValue[]): Promise<PgRow[]> {
  return (await db.query(sql, values)).rows;
}
