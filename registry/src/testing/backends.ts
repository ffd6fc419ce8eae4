// The two index backends the registry's tests run against (describe.each(BACKENDS)): SQLite, the data folder's
// registry.db, and PostgreSQL, a database of its own per test on the test server (test/postgres/start-postgres.sh,
// whose URL vitest's global setup provides). A small copy of @actionhost/test/postgres's createTestDatabase: the
// registry's project cannot reference the test package, which references it.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

declare module 'vitest' {
  interface ProvidedContext {
    /** postgres://… of the test server's `postgres` database, as the test role (CREATEDB). */
    postgres: string;
  }
}

export const BACKENDS = ['sqlite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface TestIndex {
  /** What PluginStore.open takes as `database`: undefined (registry.db) or the new database's URL. */
  database: string | undefined;
  /** Drops the database (PostgreSQL); nothing for SQLite. */
  drop(): Promise<void>;
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** An empty index for one test: a database with a random name on the PostgreSQL test server, or none. */
export async function testIndex(backend: Backend): Promise<TestIndex> {
  if (backend === 'sqlite') return { database: undefined, drop: () => Promise.resolve() };
  const adminUrl = process.env.PG_URL ?? inject('postgres');
  const name = `ah_registry_${randomBytes(6).toString('hex')}`;
  await admin(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    database: url.toString(),
    drop: () => admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** The code an async call fails with; undefined when it succeeds. */
export async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}
