// A Database for a test: the embedded SQLite file in a temporary folder, or a fresh database on the PostgreSQL
// test server (test/postgres/start-postgres.sh, provided by vitest's global setup as inject('postgres')).
// `describe.each(BACKENDS)` runs a suite on both; ACTIONHOST_TEST_BACKEND picks the one `testBackend()` returns.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { Database, Dialect } from './database/index.ts';
import { PostgresStore } from './postgres/index.ts';
import { SqliteDatabase } from './sqlite-database.ts';
import { Store } from './store.ts';

export const BACKENDS: readonly Dialect[] = ['sqlite', 'postgres'];

/** The backend a suite that runs on one of them uses: ACTIONHOST_TEST_BACKEND, SQLite by default. */
export function testBackend(): Dialect {
  const chosen = process.env.ACTIONHOST_TEST_BACKEND ?? 'sqlite';
  if (chosen !== 'sqlite' && chosen !== 'postgres') {
    throw new Error(`ACTIONHOST_TEST_BACKEND must be sqlite or postgres, not ${chosen}`);
  }
  return chosen;
}

export interface TestDatabase {
  db: Database;
  /** The SQLite store under db (null on PostgreSQL): for the engine's SQLite ports. */
  store: Store | null;
  /** The data folder a SQLite test uses (a temporary folder on PostgreSQL too, for files beside the store). */
  dir: string;
  /** postgres://… of the test's own database (null on SQLite). */
  url: string | null;
  close(): Promise<void>;
}

export async function openTestDatabase(backend: Dialect = testBackend()): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'ah-db-'));
  if (backend === 'sqlite') {
    const store = Store.open(join(dir, 'actionhost.db'));
    return {
      db: new SqliteDatabase(store),
      store,
      dir,
      url: null,
      close: async () => {
        const writing = store.writing;
        if (writing) await writing;
        store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = postgresAdminUrl();
  const name = `ah_test_${randomBytes(6).toString('hex')}`;
  await onAdmin(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await PostgresStore.open(url.toString(), { max: 4 });
  return {
    db,
    store: null,
    dir,
    url: url.toString(),
    close: async () => {
      await db.close();
      await onAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresAdminUrl(): string {
  return process.env.PG_URL ?? (inject as (key: string) => string)('postgres');
}

async function onAdmin(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A second connection to a test database's data, as a second host (PostgreSQL) or the CLI beside a running host
 * (SQLite) has: its own Store, or its own pool. Close it before the test database.
 */
export async function openSecondConnection(test: TestDatabase): Promise<{ db: Database; close(): Promise<void> }> {
  if (test.url === null) {
    const store = Store.open(join(test.dir, 'actionhost.db'));
    return {
      db: new SqliteDatabase(store),
      close: async () => {
        const writing = store.writing;
        if (writing) await writing;
        store.close();
      },
    };
  }
  const db = await PostgresStore.open(test.url, { max: 2 });
  return { db, close: () => db.close() };
}
