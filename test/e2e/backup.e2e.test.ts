// Backup and restore of a running host, as an operator does it: `actionhost backup` while the host receives events
// (requests created without pause, each running a workflow that links a CI and writes the Audit Trail), then
// `actionhost restore` into a fresh folder with the master key kept apart, and a host started on the restored folder
// that answers for every finished execution, request, relation, audit entry and credential the backup holds.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { CredentialStore, SqliteDatabase, Store, loadMasterKey } from '@actionhost/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIONHOST_CLI,
  eventually,
  makeDataDir,
  runCli,
  startHostProcess,
  type HostProcess,
} from '../support/host-process.ts';

const work = mkdtempSync(join(tmpdir(), 'actionhost-backup-'));
const sourceData = makeDataDir();
const restoredData = join(work, 'restored');
const backupFile = join(work, 'host.backup.tar.gz');
const SECRET = `svc-secret-${randomBytes(8).toString('hex')}`;
let source: HostProcess | undefined;
let restored: HostProcess | undefined;

afterAll(async () => {
  await source?.stop();
  await restored?.stop();
  rmSync(sourceData, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/** What a database holds of the records the test follows (read-only; the host may be writing in WAL mode). */
interface Held {
  finished: Map<string, { status: string; steps: number }>;
  requests: number[];
  relations: string[];
  audit: number[];
  credentials: string[];
}

function held(file: string): Held {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = <T>(sql: string) => db.prepare(sql).all() as T[];
    return {
      finished: new Map(
        rows<{ id: string; status: string; steps: number }>(
          `SELECT e.id, e.status, (SELECT COUNT(*) FROM workflow_steps s WHERE s.execution_id = e.id) AS steps
             FROM workflow_executions e WHERE e.status IN ('succeeded', 'failed')`,
        ).map((row) => [row.id, { status: row.status, steps: Number(row.steps) }]),
      ),
      requests: rows<{ id: number }>('SELECT internal_id AS id FROM itsm_requests ORDER BY 1').map((r) => r.id),
      relations: rows<{ r: number; c: number }>('SELECT request_id AS r, ci_id AS c FROM itsm_relations').map(
        (row) => `${row.r}:${row.c}`,
      ),
      audit: rows<{ id: number }>('SELECT id FROM itsm_audit ORDER BY 1').map((row) => row.id),
      credentials: rows<{ name: string }>('SELECT name FROM credentials ORDER BY 1').map((row) => row.name),
    };
  } finally {
    db.close();
  }
}

const cliError = (stderr: string) => /\b(AH_[A-Z_]+)\b/.exec(stderr)?.[1];

let before: Held;
let after: Held;
let inBackup: Held;
let manifest: { counts: Record<string, number>; masterKey: { included: boolean; keyIds: string[] } };
let backupStderr: string;

beforeAll(async () => {
  source = await startHostProcess({ dataDir: sourceData, seed: false });
  await source.api('POST', '/api/cis', { name: 'web-01', type: 'server', ipAddress: '10.9.9.9' });
  const credential = await source.api('POST', '/api/credentials', {
    name: 'svc',
    type: 'bearer',
    secret: { token: SECRET },
  });
  expect(credential.status).toBe(201);
  const created = await source.api<{ id: string }>('POST', '/api/workflows', {
    name: 'Link on create',
    module: 'request',
    trigger: { event: 'request.created' },
    nodes: [
      {
        id: 'link',
        kind: 'action',
        title: 'Link',
        uses: '@actionhost/ci-linking@^1.0.0',
        inputs: { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' },
      },
    ],
  });
  expect((await source.api('POST', `/api/workflows/${created.body.id}/publish`)).status).toBeLessThan(300);

  // The load: two clients creating requests without pause until the backup is done.
  let loading = true;
  let made = 0;
  const client = async () => {
    while (loading) {
      const answer = await source!.api('POST', '/api/requests', {
        kind: 'incident',
        subject: `Load ${made}`,
        customFields: { ipAddress: made % 3 === 0 ? '192.0.2.1' : '10.9.9.9' },
      });
      if (answer.status !== 201) throw new Error(`request not created: ${answer.status}`);
      made++;
    }
  };
  const clients = [client(), client()];
  await eventually(
    async () => held(join(sourceData, 'actionhost.db')).finished.size,
    (finished) => finished >= 10,
    60_000,
  );
  before = held(join(sourceData, 'actionhost.db'));
  const backup = await runCli(ACTIONHOST_CLI, ['backup', backupFile, '--data', sourceData, '--json']);
  loading = false;
  await Promise.all(clients);
  expect(backup.code, backup.stderr).toBe(0);
  backupStderr = backup.stderr;
  manifest = (JSON.parse(backup.stdout) as { manifest: typeof manifest }).manifest;
  // Every request's execution finishes: then the source holds everything the backup could have.
  after = await eventually(
    async () => held(join(sourceData, 'actionhost.db')),
    (now) => now.finished.size === now.requests.length,
    120_000,
  );

  // What the backup holds, read from its own copy of the database (the archive is a plain .tar.gz).
  const unpacked = join(work, 'unpacked');
  mkdirSync(unpacked);
  execFileSync('tar', ['-xzf', backupFile, '-C', unpacked, 'actionhost.db', 'backup.json']);
  inBackup = held(join(unpacked, 'actionhost.db'));
}, 240_000);

describe('backup of a running host and its restore', () => {
  it('holds a consistent moment: everything finished before it started, nothing that never existed', () => {
    expect(backupStderr).toMatch(/master key is NOT in the backup/);
    expect(manifest.masterKey).toMatchObject({ included: false });
    expect(readdirSync(join(work, 'unpacked'))).not.toContain('master.key');
    expect(execFileSync('tar', ['-tzf', backupFile], { encoding: 'utf8' })).not.toMatch(/master\.key/);
    for (const [id, execution] of before.finished) expect(inBackup.finished.get(id)).toEqual(execution);
    for (const [id, execution] of inBackup.finished) expect(after.finished.get(id)).toEqual(execution);
    expect(inBackup.requests).toEqual(expect.arrayContaining(before.requests));
    expect(after.requests).toEqual(expect.arrayContaining(inBackup.requests));
    expect(inBackup.relations).toEqual(expect.arrayContaining(before.relations));
    expect(after.relations).toEqual(expect.arrayContaining(inBackup.relations));
    expect(inBackup.audit).toEqual(expect.arrayContaining(before.audit));
    expect(after.audit).toEqual(expect.arrayContaining(inBackup.audit));
    expect(inBackup.credentials).toEqual(['svc']);
    expect(manifest.counts).toMatchObject({
      finishedExecutions: inBackup.finished.size,
      requests: inBackup.requests.length,
      relations: inBackup.relations.length,
      auditEntries: inBackup.audit.length,
      credentials: 1,
    });
  });

  it('restores only into an empty folder, with the right master key', async () => {
    const occupied = join(work, 'occupied');
    mkdirSync(occupied);
    writeFileSync(join(occupied, 'notes.txt'), 'keep me');
    const refused = await runCli(ACTIONHOST_CLI, ['restore', backupFile, '--data', occupied]);
    expect(refused.code).toBe(1);
    expect(cliError(refused.stderr)).toBe('AH_RESTORE_TARGET_NOT_EMPTY');
    expect(readdirSync(occupied)).toEqual(['notes.txt']);

    const wrongKey = join(work, 'wrong.key');
    writeFileSync(wrongKey, randomBytes(32).toString('base64'), { mode: 0o600 });
    const wrong = await runCli(ACTIONHOST_CLI, [
      'restore',
      backupFile,
      '--data',
      join(work, 'wrong'),
      '--master-key-file',
      wrongKey,
    ]);
    expect(wrong.code).toBe(1);
    expect(cliError(wrong.stderr)).toBe('AH_RESTORE_MASTER_KEY_MISMATCH');
    expect(readdirSync(join(work, 'wrong'))).toEqual([]);

    const garbage = join(work, 'garbage.tar.gz');
    writeFileSync(garbage, randomBytes(4096));
    const invalid = await runCli(ACTIONHOST_CLI, ['restore', garbage, '--data', join(work, 'from-garbage')]);
    expect(cliError(invalid.stderr)).toBe('AH_BACKUP_INVALID');
  }, 120_000);

  it('restores into a fresh folder where a new host finds every record the backup holds', async () => {
    const restore = await runCli(ACTIONHOST_CLI, [
      'restore',
      backupFile,
      '--data',
      restoredData,
      '--master-key-file',
      join(sourceData, 'master.key'),
      '--json',
    ]);
    expect(restore.code, restore.stderr).toBe(0);
    expect(JSON.parse(restore.stdout)).toMatchObject({ credentialsOpened: 1 });

    restored = await startHostProcess({ dataDir: restoredData, seed: false });
    const host = restored;
    // The backed-up host's tokens came along (and a new ACTIONHOST_ADMIN_TOKEN is not added to a folder with tokens).
    const api = <T>(path: string) => host.api<T>('GET', path, undefined, source!.token);
    expect((await host.api('GET', '/api/credentials')).status).toBe(401);
    const credentials = await api<{ name: string }[]>('/api/credentials');
    expect(credentials.status).toBe(200);
    expect(credentials.body.map((credential) => credential.name)).toEqual(['svc']);
    // The credential opens with the backed-up host's master key, as the restored host will open it.
    const store = Store.open(join(restoredData, 'actionhost.db'));
    try {
      const opened = await CredentialStore.open({
        db: new SqliteDatabase(store),
        masterKey: await loadMasterKey({ dataDir: restoredData }),
      });
      expect(await opened.resolve('svc')).toMatchObject({ type: 'bearer', token: SECRET });
    } finally {
      store.close();
    }

    for (const [id, execution] of inBackup.finished) {
      const answer = await api<{ status: string; steps: unknown[] }>(`/api/executions/${id}`);
      expect(answer.status).toBe(200);
      expect({ status: answer.body.status, steps: answer.body.steps.length }).toEqual(execution);
    }
    const relations = new Set<string>();
    const audit = new Set<number>();
    for (const id of inBackup.requests) {
      expect((await api(`/api/requests/${id}`)).status).toBe(200);
      const related = await api<{ ciId: number }[]>(`/api/requests/${id}/relations`);
      for (const relation of related.body) relations.add(`${id}:${relation.ciId}`);
      const entries = await api<{ id: number }[]>(`/api/requests/${id}/audit`);
      for (const entry of entries.body) audit.add(entry.id);
    }
    // Executions the backup caught queued or running resume on the restored host and may add to these.
    expect([...relations]).toEqual(expect.arrayContaining(inBackup.relations));
    expect([...audit]).toEqual(expect.arrayContaining(inBackup.audit));
  }, 180_000);
});
