// Builders for applications tests: a real SQLite store in a temp folder, a real credential store, the service,
// valid create bodies, and a loopback port nobody listens on (an unreachable directory).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Json, LogLevel } from '@actionhost/sdk';
import { Store } from '../store/index.ts';
import { CredentialStore, generateMasterKey } from '../credentials/index.ts';
import { ApplicationService } from './index.ts';

export const BIND_PASSWORD = 'Bind-Secret-Pa55word-4711';

export interface LogEntry {
  level: LogLevel;
  message: string;
  data?: Json;
}

export interface ApplicationsWorld {
  folder: string;
  file: string;
  store: Store;
  credentials: CredentialStore;
  applications: ApplicationService;
  logs: LogEntry[];
  /** Every byte SQLite keeps for the database: the file and its write-ahead log. */
  databaseBytes(): Buffer;
  close(): void;
}

export function openApplicationsWorld(): ApplicationsWorld {
  const folder = mkdtempSync(join(tmpdir(), 'ah-apps-'));
  const file = join(folder, 'actionhost.db');
  const store = Store.open(file);
  const credentials = new CredentialStore({ store, masterKey: generateMasterKey() });
  credentials.create('ad-bind', 'basic', { username: 'svc-actionhost', password: BIND_PASSWORD });
  credentials.create('crm-token', 'bearer', { token: 'tok_live_9f8e7d6c5b4a3928' });
  const logs: LogEntry[] = [];
  const applications = new ApplicationService({
    store,
    credentials,
    log: (level, message, data) => {
      logs.push({ level, message, ...(data === undefined ? {} : { data }) });
    },
  });
  return {
    folder,
    file,
    store,
    credentials,
    applications,
    logs,
    databaseBytes: () => Buffer.concat([file, `${file}-wal`].filter(existsSync).map((part) => readFileSync(part))),
    close: () => {
      store.close();
      rmSync(folder, { recursive: true, force: true });
    },
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
