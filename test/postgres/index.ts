// The PostgreSQL server the tests run against (@actionhost/test/postgres): its admin URL (`inject('postgres')`,
// from global-setup.ts) and a database of its own per test file, created with a random name and dropped after.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

declare module 'vitest' {
  interface ProvidedContext {
    /** postgres://… of the test server's `postgres` database, as the test role (CREATEDB). */
    postgres: string;
  }
}

export interface TestDatabase {
  /** postgres://… of the new database. */
  url: string;
  name: string;
  /** Ends every connection to it and drops it. */
  drop(): Promise<void>;
}

/** The test server's admin URL: from vitest's global setup, or PG_URL in a child process. */
export function postgresUrl(): string {
  return process.env.PG_URL ?? inject('postgres');
}

/**
 * The test cluster's bootstrap superuser (start-postgres.sh gives it the test role's password): for what the test
 * role may not do, e.g. cutting one host off (a role of its own made NOLOGIN, its connections terminated).
 */
export function superuserUrl(adminUrl = postgresUrl()): string {
  const url = new URL(adminUrl);
  url.username = process.env.PG_SUPERUSER ?? 'postgres';
  return url.toString();
}

/** Creates an empty database with a random name on the test server. */
export async function createTestDatabase(adminUrl = postgresUrl()): Promise<TestDatabase> {
  const name = `ah_test_${randomBytes(6).toString('hex')}`;
  await admin(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Runs one statement on the admin database (CREATE/DROP/ALTER DATABASE cannot run inside the database itself). */
export async function admin(adminUrl: string, sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}
