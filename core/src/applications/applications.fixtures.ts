// Builders for applications tests: a real store (SQLite in a temp folder, or a PostgreSQL database of the test's own),
// a real credential store, the service, valid create bodies, and a loopback port nobody listens on.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Json, LogLevel } from '@actionhost/sdk';
import type { Database, Dialect } from '../store/index.ts';
import { openTestDatabase, testBackend, type TestDatabase } from '../store/database.fixtures.ts';
import { CredentialStore, generateMasterKey } from '../credentials/index.ts';
import { ApplicationService } from './index.ts';

export const BIND_PASSWORD = 'Bind-Secret-Pa55word-4711';

export interface LogEntry {
  level: LogLevel;
  message: string;
  data?: Json;
}

export interface ApplicationsWorld {
  test: TestDatabase;
  db: Database;
  credentials: CredentialStore;
  applications: ApplicationService;
  logs: LogEntry[];
  /** Rows in a table. */
  count(table: string): Promise<number>;
  /**
   * Whether the store holds `text` anywhere: every byte of the SQLite file and its write-ahead log, or every row of
   * this concern's tables on PostgreSQL.
   */
  holds(text: string): Promise<boolean>;
  close(): Promise<void>;
}

export async function openApplicationsWorld(backend: Dialect = testBackend()): Promise<ApplicationsWorld> {
  const test = await openTestDatabase(backend);
  const { db } = test;
  const credentials = await CredentialStore.open({ db, masterKey: generateMasterKey() });
  await credentials.create('ad-bind', 'basic', { username: 'svc-actionhost', password: BIND_PASSWORD });
  await credentials.create('crm-token', 'bearer', { token: 'tok_live_9f8e7d6c5b4a3928' });
  const logs: LogEntry[] = [];
  const applications = await ApplicationService.open({
    db,
    credentials,
    log: (level, message, data) => {
      logs.push({ level, message, ...(data === undefined ? {} : { data }) });
    },
  });
  return {
    test,
    db,
    credentials,
    applications,
    logs,
    count: async (table) => Number((await db.query(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0].n),
    holds: async (text) => {
      if (test.store) {
        const file = join(test.dir, 'actionhost.db');
        test.store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
        const bytes = Buffer.concat([file, `${file}-wal`].filter(existsSync).map((part) => readFileSync(part)));
        return bytes.includes(Buffer.from(text));
      }
      const tables = ['applications', 'app_integrations', 'initial_passwords', 'credentials'];
      for (const table of tables) {
        const rows = (await db.query(`SELECT * FROM ${table}`)).rows;
        if (JSON.stringify(rows).includes(text)) return true;
      }
      return false;
    },
    close: () => test.close(),
  };
}

/** A valid POST /api/applications body (an AD reachable at `url`), with overrides. */
export function applicationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Corp AD',
    type: 'microsoft-active-directory',
    url: 'ldaps://127.0.0.1:636',
    bindDn: 'CN=svc-actionhost,CN=Users,DC=test,DC=local',
    credential: 'ad-bind',
    baseDn: 'DC=test,DC=local',
    ...overrides,
  };
}

/** A valid POST /api/app-integrations body for the seed's "AD App", with overrides. */
export function appIntegrationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'AD App',
    application: 'Corp AD',
    action: 'Create New User',
    mappings: { 'Base DN': 'CN=Users,DC=test,DC=local', UserType: 'Employee' },
    ...overrides,
  };
}

/** A loopback port nobody listens on (bound then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The code (and details) an operation fails with; fails the test if it succeeds. */
export async function failureOf(
  work: () => unknown,
): Promise<{ code: string; status: number; details: Record<string, unknown> }> {
  try {
    await work();
  } catch (error) {
    return error as { code: string; status: number; details: Record<string, unknown> };
  }
  throw new Error('expected a failure, but the operation succeeded');
}
