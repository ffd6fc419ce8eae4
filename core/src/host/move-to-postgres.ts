// `actionhost migrate --to postgres://…` (issue 14): moves a data folder's SQLite records into a new PostgreSQL
// database. The PostgreSQL schema is created and every table's rows are copied, parents before children (the
// foreign keys say which), in one transaction: counts that differ roll everything back. The SQLite file is read in
// one read transaction (a consistent snapshot even while a host writes) and never changed.
import { isDeepStrictEqual } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import type { HostConfig } from '../config/index.ts';
import { CoreErrors } from '../errors/index.ts';
import type { PostgresStore, Queryable, SqlValue } from '../store/index.ts';
import { openDataFolder } from './data-folder.ts';

export interface TableMove {
  table: string;
  rows: number;
}

export interface MoveOptions {
  /** The data folder's SQLite file. */
  file: string;
  /** The new database, its schema created (by opening a data folder on it), its tables empty. */
  target: PostgresStore;
  progress?: (message: string) => void;
}

/** How many credentials are decrypted on both sides after the move (the first ones by name). */
const CREDENTIAL_SAMPLE = 20;

export interface FolderMove {
  tables: TableMove[];
  credentialsCompared: number;
  /** The id of the master key the credentials are sealed with: every host on the database needs that key. */
  masterKeyId: string;
}

/**
 * Moves the data folder of `config` (its SQLite file) into `target`: creates the schema, copies the rows, then opens the credentials on both sides with
 * the folder's master key and compares a sample of them decrypted.
 */
export async function moveDataFolder(
  config: HostConfig,
  target: PostgresStore,
  progress: (message: string) => void = () => undefined,
): Promise<FolderMove> {
  await assertEmptyTarget(target);
  // Opening the folder brings its SQLite schema up to date (what this version copies) and loads its master key;
  // opening it on the target creates the PostgreSQL schema as a host starting there would (every service migrates
  // its module under the advisory lock), so no table is left for a host to create later.
  const source = await openDataFolder({ ...config, databaseUrl: undefined });
  const file = source.store.file;
  await source.close();
  await (await openDataFolder({ ...config, databaseUrl: target.url })).close();
  progress('created the PostgreSQL schema');
  const tables = await moveToPostgres({ file, target, progress });
  const before = await openDataFolder({ ...config, databaseUrl: undefined });
  const after = await openDataFolder({ ...config, databaseUrl: target.url });
  try {
    const names = (await before.credentials.list())
      .map((credential) => credential.name)
      .sort()
      .slice(0, CREDENTIAL_SAMPLE);
    for (const name of names) {
      const [was, is] = [await before.credentials.resolve(name), await after.credentials.resolve(name)];
      if (!isDeepStrictEqual(was, is))
        throw CoreErrors.AH_MIGRATE_VERIFY_FAILED(
          { problem: `credential ${name} does not decrypt to the same value` },
          { credential: name },
        );
    }
    progress(`decrypted ${names.length} credentials on both sides: the same`);
    return { tables, credentialsCompared: names.length, masterKeyId: before.credentials.keyId };
  } finally {
    await after.close();
    await before.close();
  }
}

/** SQLite's own tables and the migration ledger (PostgreSQL keeps its own versions): never copied. */
const NOT_COPIED = new Set(['schema_migrations']);
/** Values per INSERT: far below PostgreSQL's 65,535 parameters. */
const VALUES_PER_INSERT = 20_000;

interface TargetColumn {
  name: string;
  type: string;
  /** An ALWAYS identity: copied with OVERRIDING SYSTEM VALUE (one SQLite lacks, queue_seq, PostgreSQL numbers in
   *  the order rows are inserted: rowid order). */
  generatedAlways: boolean;
  /** An identity: copied, then its sequence is moved past the largest value. */
  identity: boolean;
}

/** Refuses a database whose tables hold a row: the move never mixes data folders or overwrites one. */
export async function assertEmptyTarget(target: PostgresStore): Promise<void> {
  const tables = (
    await target.query(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name',
    )
  ).rows.map((row) => String(row.table_name));
  const holding: string[] = [];
  for (const table of tables) {
    if (NOT_COPIED.has(table)) continue;
    const { rows } = await target.query(`SELECT 1 AS found FROM ${quote(table)} LIMIT 1`);
    if (rows.length > 0) holding.push(table);
  }
  if (holding.length > 0)
    throw CoreErrors.AH_MIGRATE_TARGET_NOT_EMPTY(
      { target: target.location, found: `rows in ${holding.join(', ')}` },
      { target: target.location, tables: holding },
    );
}

/** Copies every table in one transaction; returns each table's row count (verified on both sides). */
export async function moveToPostgres(options: MoveOptions): Promise<TableMove[]> {
  const { file, target } = options;
  const progress = options.progress ?? (() => undefined);
  await assertEmptyTarget(target);
  const source = new DatabaseSync(file, { readOnly: true });
  try {
    source.exec('BEGIN');
    const tables = sourceTables(source);
    return await target.withTransaction(async (tx) => {
      // One transaction: a failure leaves the tables as empty as they were.
      const order = await copyOrder(tx, tables);
      const moved: TableMove[] = [];
      for (const table of order) {
        const rows = await copyTable(source, tx, table);
        progress(`copied ${rows} rows of ${table}`);
        moved.push({ table, rows });
      }
      await resetIdentities(source, tx, order);
      for (const { table, rows } of moved) {
        const copied = Number((await tx.query(`SELECT COUNT(*) AS n FROM ${quote(table)}`)).rows[0].n);
        if (copied !== rows)
          throw CoreErrors.AH_MIGRATE_VERIFY_FAILED(
            { problem: `${table} has ${copied} rows in PostgreSQL, ${rows} in the data folder` },
            { table, postgres: copied, sqlite: rows },
          );
      }
      progress(`verified the row counts of ${moved.length} tables`);
      return moved;
    });
  } finally {
    source.close();
  }
}

function sourceTables(source: DatabaseSync): string[] {
  return (
    source
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[]
  )
    .map((row) => row.name)
    .filter((name) => !NOT_COPIED.has(name));
}

/** Parents before children, from PostgreSQL's foreign keys; a table the schema lacks is refused. */
async function copyOrder(tx: Queryable, tables: readonly string[]): Promise<string[]> {
  const known = new Set(
    (await tx.query('SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()')).rows.map(
      (row) => String(row.table_name),
    ),
  );
  for (const table of tables)
    if (!known.has(table))
      throw CoreErrors.AH_MIGRATE_TABLE_UNKNOWN({ table, problem: 'no such table in PostgreSQL' }, { table });
  const { rows } = await tx.query(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent FROM pg_constraint c
     WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
  );
  const parents = new Map<string, Set<string>>(tables.map((table) => [table, new Set()]));
  for (const row of rows) {
    const [child, parent] = [unquote(String(row.child)), unquote(String(row.parent))];
    if (child !== parent) parents.get(child)?.add(parent);
  }
  const order: string[] = [];
  const placed = new Set<string>();
  const visit = (table: string, path: Set<string>) => {
    if (placed.has(table) || path.has(table) || !parents.has(table)) return;
    path.add(table);
    for (const parent of parents.get(table)!) visit(parent, path);
    path.delete(table);
    placed.add(table);
    order.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return order;
}

async function targetColumns(tx: Queryable, table: string): Promise<Map<string, TargetColumn>> {
  const { rows } = await tx.query(
    `SELECT column_name, data_type, is_identity, identity_generation FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1`,
    [table],
  );
  return new Map(
    rows.map((row) => [
      String(row.column_name),
      {
        name: String(row.column_name),
        type: String(row.data_type),
        generatedAlways: row.identity_generation === 'ALWAYS',
        identity: row.is_identity === 'YES',
      },
    ]),
  );
}

/** Streams the table in rowid order (the queue's insertion order) into multi-row INSERTs. */
async function copyTable(source: DatabaseSync, tx: Queryable, table: string): Promise<number> {
  const target = await targetColumns(tx, table);
  const columns = (source.prepare(`PRAGMA table_info(${quote(table)})`).all() as { name: string }[]).map(
    (column) => column.name,
  );
  for (const column of columns)
    if (!target.has(column))
      throw CoreErrors.AH_MIGRATE_TABLE_UNKNOWN(
        { table, problem: `column ${column} has no place there` },
        { table, column },
      );
  const perInsert = Math.max(1, Math.floor(VALUES_PER_INSERT / Math.max(1, columns.length)));
  const overriding = columns.some((column) => target.get(column)!.generatedAlways) ? ' OVERRIDING SYSTEM VALUE' : '';
  const head = `INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')})${overriding} VALUES `;
  const hasRowid = source.prepare(`SELECT sql FROM sqlite_schema WHERE name = ?`).get(table) as { sql: string };
  const order = /WITHOUT\s+ROWID/i.test(hasRowid.sql) ? '' : ' ORDER BY rowid';
  let batch: SqlValue[][] = [];
  let count = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    let n = 0;
    const tuples = batch.map((row) => `(${row.map(() => `$${++n}`).join(', ')})`).join(', ');
    await tx.query(head + tuples, batch.flat());
    count += batch.length;
    batch = [];
  };
  const statement = source.prepare(`SELECT ${columns.map(quote).join(', ')} FROM ${quote(table)}${order}`);
  for (const row of statement.iterate() as Iterable<Record<string, unknown>>) {
    batch.push(columns.map((column) => toPostgres(row[column])));
    if (batch.length >= perInsert) await flush();
  }
  await flush();
  return count;
}

/** SQLite's values as PostgreSQL's columns take them: blobs as bytes (flags are INTEGER 0/1 on both). */
function toPostgres(value: unknown): SqlValue {
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (typeof value === 'bigint') return Number(value);
  return value as SqlValue;
}

/** Identities that were given their values: their sequences continue after the largest. */
async function resetIdentities(source: DatabaseSync, tx: Queryable, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    const copied = new Set(
      (source.prepare(`PRAGMA table_info(${quote(table)})`).all() as { name: string }[]).map((column) => column.name),
    );
    for (const column of (await targetColumns(tx, table)).values())
      if (column.identity && copied.has(column.name))
        await tx.query(
          `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(${quote(column.name)}) FROM ${quote(table)}), 0) + 1, false)`,
          [quote(table), column.name],
        );
  }
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name;
}
