// Credential store on both backends: encryption at rest, key handling (the key check every host must pass),
// rotation, and no secret ever listed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../store/index.ts';
import { BACKENDS, openSecondConnection, openTestDatabase, type TestDatabase } from '../store/database.fixtures.ts';
import {
  CredentialCreate,
  CredentialStore,
  generateMasterKey,
  keyIdOf,
  loadMasterKey,
  saveMasterKey,
  secretValues,
  type CredentialStoreOptions,
} from './index.ts';

const folders: string[] = [];

function tempDir(): string {
  const folder = mkdtempSync(join(tmpdir(), 'ah-cred-'));
  folders.push(folder);
  return folder;
}

/** Every byte SQLite keeps for the database: the file and its write-ahead log. */
function databaseBytes(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`].filter(existsSync).map((part) => readFileSync(part)));
}

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const PASSWORD = 'correct-horse-battery-staple-4711';
const TOKEN = 'tok_live_9f8e7d6c5b4a39281706';
const API_KEY = 'ak-0123456789abcdef-zyx';

describe('CredentialStore on a SQLite file', () => {
  it('keeps secrets encrypted at rest: no secret appears in the database file bytes', async () => {
    const test = await openTestDatabase('sqlite');
    const file = join(test.dir, 'actionhost.db');
    try {
      const credentials = await CredentialStore.open({ db: test.db, masterKey: generateMasterKey() });
      await credentials.create('crm-basic', 'basic', { username: 'svc-crm', password: PASSWORD });
      await credentials.create('crm-token', 'bearer', { token: TOKEN });
      await credentials.create('crm-key', 'api-key', { header: 'X-Api-Key', value: API_KEY });
      const live = databaseBytes(file);
      test.store!.close();
      for (const bytes of [live, databaseBytes(file)]) {
        expect(bytes.includes(Buffer.from('crm-basic'))).toBe(true); // the search does see plain text
        for (const secret of [PASSWORD, TOKEN, API_KEY]) expect(bytes.includes(Buffer.from(secret))).toBe(false);
      }
    } finally {
      rmSync(test.dir, { recursive: true, force: true });
    }
  });

  it('checks the key of a data folder whose secrets were stored before the key check existed', async () => {
    const test = await openTestDatabase('sqlite');
    try {
      const masterKey = generateMasterKey();
      const credentials = await CredentialStore.open({ db: test.db, masterKey });
      await credentials.create('crm-token', 'bearer', { token: TOKEN });
      // As a data folder of an earlier version has it: secrets, and no check value.
      test.store!.db.exec('DELETE FROM credential_key_check');
      expect(await codeOf(() => CredentialStore.open({ db: test.db, masterKey: generateMasterKey() }))).toBe(
        'AH_MASTER_KEY_MISMATCH',
      );
      await CredentialStore.open({ db: test.db, masterKey });
      expect(test.store!.db.prepare('SELECT key_id FROM credential_key_check').all()).toEqual([
        { key_id: keyIdOf(masterKey) },
      ]);
      expect(await codeOf(() => CredentialStore.open({ db: test.db, masterKey: generateMasterKey() }))).toBe(
        'AH_MASTER_KEY_MISMATCH',
      );
    } finally {
      await test.close();
    }
  });
});

describe.each(BACKENDS)('CredentialStore on %s', (backend) => {
  let test: TestDatabase;
  const seconds: Array<{ close(): Promise<void> }> = [];

  beforeEach(async () => {
    test = await openTestDatabase(backend);
  });
  afterEach(async () => {
    for (const second of seconds.splice(0)) await second.close();
    await test.close();
  });

  const openCredentials = (options: Partial<CredentialStoreOptions> = {}) =>
    CredentialStore.open({ db: test.db, masterKey: generateMasterKey(), ...options });

  /** Another host on the same store (PostgreSQL), or the CLI beside the running host (SQLite). */
  async function secondConnection(): Promise<Database> {
    const second = await openSecondConnection(test);
    seconds.push(second);
    return second.db;
  }

  async function rawRows(sql: string): Promise<unknown[]> {
    return (await test.db.query(sql)).rows.map((row) => ({ ...row }));
  }

  it('resolves each type to its secret', async () => {
    const credentials = await openCredentials();
    await credentials.create('crm-basic', 'basic', { username: 'svc-crm', password: PASSWORD });
    await credentials.create('crm-token', 'bearer', { token: TOKEN });
    await credentials.create('crm-key', 'api-key', { header: 'X-Api-Key', value: API_KEY });
    expect(await credentials.resolve('crm-basic')).toMatchObject({
      type: 'basic',
      username: 'svc-crm',
      password: PASSWORD,
    });
    expect(await credentials.resolve('crm-token')).toMatchObject({ type: 'bearer', token: TOKEN });
    expect(await credentials.resolve('crm-key')).toMatchObject({
      type: 'api-key',
      header: 'X-Api-Key',
      value: API_KEY,
    });
    expect(await codeOf(() => credentials.resolve('nope'))).toBe('AH_CREDENTIAL_NOT_FOUND');
    expect(await codeOf(() => credentials.resolve('crm-token', AbortSignal.abort()))).not.toBeUndefined();
  });

  it('lists names, types and api-key header names but never a secret', async () => {
    const credentials = await openCredentials();
    await credentials.create('crm-basic', 'basic', { username: 'svc-crm', password: PASSWORD });
    await credentials.create('crm-key', 'api-key', { header: 'X-Api-Key', value: API_KEY });
    const listed = await credentials.list();
    expect(listed.map(({ name, type, header }) => ({ name, type, header }))).toEqual([
      { name: 'crm-basic', type: 'basic', header: undefined },
      { name: 'crm-key', type: 'api-key', header: 'X-Api-Key' },
    ]);
    expect(JSON.stringify([listed, await credentials.get('crm-basic')])).not.toMatch(
      new RegExp(`${PASSWORD}|${API_KEY}|svc-crm`),
    );
  });

  it('refuses a second credential with the same name and deletes by name', async () => {
    const credentials = await openCredentials();
    await credentials.create('crm-token', 'bearer', { token: TOKEN });
    expect(await codeOf(() => credentials.create('crm-token', 'bearer', { token: 'other' }))).toBe(
      'AH_CREDENTIAL_EXISTS',
    );
    await credentials.delete('crm-token');
    expect(await credentials.list()).toEqual([]);
    expect(await codeOf(() => credentials.delete('crm-token'))).toBe('AH_CREDENTIAL_NOT_FOUND');
  });

  it('validates names and secrets, naming the path and never echoing the secret', async () => {
    const credentials = await openCredentials();
    try {
      await credentials.create('crm', 'bearer', { token: 'abc\r\nX-Injected: 1' });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'AH_VALIDATION_FAILED', details: { path: '/secret/token' } });
      expect(JSON.stringify(error) + (error as Error).message).not.toContain('X-Injected');
    }
    expect(await codeOf(() => credentials.create('../etc', 'bearer', { token: TOKEN }))).toBe('AH_VALIDATION_FAILED');
    expect(await codeOf(() => credentials.create('k', 'api-key', { header: 'Bad Header', value: 'v' }))).toBe(
      'AH_VALIDATION_FAILED',
    );
    expect(await codeOf(() => credentials.create('k', 'basic', { token: TOKEN } as never))).toBe(
      'AH_VALIDATION_FAILED',
    );
    expect(await credentials.list()).toEqual([]);
    expect(CredentialCreate.safeParse({ name: 'x', type: 'bearer', secret: { token: TOKEN } }).success).toBe(true);
  });

  it('refuses to open under a master key that cannot open the secrets already stored (AH_MASTER_KEY_MISMATCH)', async () => {
    const masterKey = generateMasterKey();
    // Before the first secret, any key opens the store; the first secret seals the check under this one.
    const first = await openCredentials({ masterKey });
    const stranger = await CredentialStore.open({ db: await secondConnection(), masterKey: generateMasterKey() });
    await first.create('crm-token', 'bearer', { token: TOKEN });
    expect(await codeOf(() => openCredentials())).toBe('AH_MASTER_KEY_MISMATCH');
    const otherHost = await secondConnection();
    expect(await codeOf(() => CredentialStore.open({ db: otherHost, masterKey: generateMasterKey() }))).toBe(
      'AH_MASTER_KEY_MISMATCH',
    );
    const again = await CredentialStore.open({ db: otherHost, masterKey });
    expect(await again.resolve('crm-token')).toMatchObject({ token: TOKEN });
    // A host that opened before the first secret, under another key, cannot store one under its key either.
    await first.delete('crm-token');
    expect(await codeOf(() => stranger.create('other', 'bearer', { token: TOKEN }))).toBe('AH_MASTER_KEY_MISMATCH');
    expect(await first.list()).toEqual([]);
  });

  it('opens under a previous key, and only under the new one after a rotation', async () => {
    const oldKey = generateMasterKey();
    await (await openCredentials({ masterKey: oldKey })).create('crm-token', 'bearer', { token: TOKEN });
    const newKey = generateMasterKey();
    const rotating = await openCredentials({ masterKey: newKey, previousKeys: [oldKey] });
    expect(await rotating.rotate(newKey)).toBe(1);
    expect((await openCredentials({ masterKey: newKey })).keyId).toBe(keyIdOf(newKey));
    expect(await codeOf(() => openCredentials({ masterKey: oldKey }))).toBe('AH_MASTER_KEY_MISMATCH');
  });

  it('fails with AH_CREDENTIAL_DECRYPT_FAILED when a ciphertext is moved to another name', async () => {
    const credentials = await openCredentials();
    await credentials.create('crm-token', 'bearer', { token: TOKEN });
    await credentials.create('other-token', 'bearer', { token: 'harmless' });
    await test.db.query(`UPDATE credentials SET iv = (SELECT iv FROM credentials WHERE name = 'crm-token'),
      tag = (SELECT tag FROM credentials WHERE name = 'crm-token'),
      ciphertext = (SELECT ciphertext FROM credentials WHERE name = 'crm-token') WHERE name = 'other-token'`);
    expect(await codeOf(() => credentials.resolve('other-token'))).toBe('AH_CREDENTIAL_DECRYPT_FAILED');
  });

  it('rotates every secret to a new key; the old key no longer opens them', async () => {
    const oldKey = generateMasterKey();
    const newKey = generateMasterKey();
    const credentials = await openCredentials({ masterKey: oldKey });
    await credentials.create('crm-basic', 'basic', { username: 'svc-crm', password: PASSWORD });
    await credentials.create('crm-token', 'bearer', { token: TOKEN });
    // Opened before the rotation, under the old key only: its reads fail afterwards.
    const stale = await CredentialStore.open({ db: await secondConnection(), masterKey: oldKey });
    expect(await credentials.rotate(newKey)).toBe(2);
    expect(credentials.keyId).toBe(keyIdOf(newKey));
    expect(await rawRows('SELECT DISTINCT key_id FROM credentials')).toEqual([{ key_id: keyIdOf(newKey) }]);
    const reopened = await openCredentials({ masterKey: newKey });
    expect(await reopened.resolve('crm-token')).toMatchObject({ type: 'bearer', token: TOKEN });
    expect(await codeOf(() => stale.resolve('crm-basic'))).toBe('AH_CREDENTIAL_KEY_MISMATCH');
  });

  it('reads secrets under a previous key while new ones use the current key', async () => {
    const oldKey = generateMasterKey();
    await (await openCredentials({ masterKey: oldKey })).create('crm-token', 'bearer', { token: TOKEN });
    const credentials = await openCredentials({ previousKeys: [oldKey] });
    expect(await credentials.resolve('crm-token')).toMatchObject({ type: 'bearer', token: TOKEN });
  });

  it('gives every stored secret string for scrubbing, and nothing else', async () => {
    const credentials = await openCredentials();
    await credentials.create('crm-basic', 'basic', { username: 'svc-crm', password: PASSWORD });
    await credentials.create('crm-key', 'api-key', { header: 'X-Api-Key', value: API_KEY });
    expect((await credentials.secretValues()).sort()).toEqual(
      [PASSWORD, Buffer.from(`svc-crm:${PASSWORD}`).toString('base64'), API_KEY].sort(),
    );
  });

  it('gives the secrets as they are now after a credential is added, rotated or deleted, here or by another process', async () => {
    const masterKey = generateMasterKey();
    const credentials = await openCredentials({ masterKey });
    await credentials.create('crm-token', 'bearer', { token: TOKEN });
    expect(await credentials.secretValues()).toEqual([TOKEN]);
    await credentials.update('crm-token', 'bearer', { token: `${TOKEN}-2` });
    expect(await credentials.secretValues()).toEqual([`${TOKEN}-2`]);
    await credentials.create('crm-key', 'api-key', { header: 'X-Api-Key', value: API_KEY });
    expect((await credentials.secretValues()).sort()).toEqual([`${TOKEN}-2`, API_KEY].sort());
    // Another connection to the same file (the CLI while the host runs).
    const other = await CredentialStore.open({ db: await secondConnection(), masterKey });
    await other.delete('crm-token');
    expect(await credentials.secretValues()).toEqual([API_KEY]);
    await other.create('crm-token', 'bearer', { token: `${TOKEN}-3` });
    expect((await credentials.secretValues()).sort()).toEqual([`${TOKEN}-3`, API_KEY].sort());
  });

  it('lists the strings to redact for each secret type', () => {
    expect(secretValues({ type: 'bearer', token: TOKEN })).toEqual([TOKEN]);
    expect(secretValues({ type: 'api-key', header: 'X-Api-Key', value: API_KEY })).toEqual([API_KEY]);
    expect(secretValues({ type: 'basic', username: 'u', password: 'p' })).toEqual([
      'p',
      Buffer.from('u:p').toString('base64'),
    ]);
  });

  describe('bindings and rotation in place', () => {
    const binding = { urls: ['https://crm.example.com/api/'], plugins: ['@actionhost/run-webhook'] };

    it('keeps the binding an admin gave, shows it in summaries, and hands it out with the secret', async () => {
      const credentials = await openCredentials();
      expect((await credentials.create('crm-token', 'bearer', { token: TOKEN }, binding)).binding).toEqual(binding);
      expect((await credentials.list())[0].binding).toEqual(binding);
      expect((await credentials.get('crm-token')).binding).toEqual(binding);
      expect((await credentials.resolve('crm-token')).binding).toEqual(binding);
    });

    it('binds a credential made without a binding to nothing', async () => {
      const credentials = await openCredentials();
      await credentials.create('ad-bind', 'basic', { username: 'svc', password: PASSWORD });
      expect((await credentials.resolve('ad-bind')).binding).toEqual({ urls: [], plugins: [] });
    });

    it('refuses a binding that is no list of http(s) URL prefixes', async () => {
      const credentials = await openCredentials();
      for (const urls of [
        ['*'],
        ['ftp://x.example.com/'],
        ['https://x.example.com/?q=1'],
        ['https://u:p@x.example.com/'],
      ]) {
        expect(
          await codeOf(() => credentials.create('c', 'bearer', { token: TOKEN }, { urls, plugins: [] })),
          urls[0],
        ).toBe('AH_VALIDATION_FAILED');
      }
    });

    it('rotates a secret in place, keeping the binding unless a new one is given', async () => {
      const credentials = await openCredentials();
      const created = await credentials.create('crm-token', 'bearer', { token: TOKEN }, binding);
      const rotated = await credentials.update('crm-token', 'bearer', { token: `${TOKEN}-next` });
      expect(rotated).toMatchObject({ name: 'crm-token', type: 'bearer', binding, createdAt: created.createdAt });
      expect(await credentials.resolve('crm-token')).toMatchObject({ token: `${TOKEN}-next`, binding });
      const widened = { urls: ['https://crm.example.com/'], plugins: [] };
      await credentials.update('crm-token', 'api-key', { header: 'X-Key', value: API_KEY }, widened);
      expect(await credentials.resolve('crm-token')).toEqual({
        type: 'api-key',
        header: 'X-Key',
        value: API_KEY,
        binding: widened,
      });
      expect(await codeOf(() => credentials.update('nope', 'bearer', { token: TOKEN }))).toBe(
        'AH_CREDENTIAL_NOT_FOUND',
      );
    });
  });
});

describe('loadMasterKey', async () => {
  it('creates <data>/master.key with mode 0600 and returns the same key next time', async () => {
    const dataDir = join(tempDir(), 'data');
    const key = await loadMasterKey({ dataDir });
    expect(key).toHaveLength(32);
    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    expect((await loadMasterKey({ dataDir })).equals(key)).toBe(true);
  });

  it('prefers ACTIONHOST_MASTER_KEY and writes no file', async () => {
    const dataDir = tempDir();
    const key = generateMasterKey();
    expect((await loadMasterKey({ env: key.toString('base64'), dataDir })).equals(key)).toBe(true);
    expect(existsSync(join(dataDir, 'master.key'))).toBe(false);
  });

  it('on a shared store makes no key of its own: the key must be given (env or an existing master.key)', async () => {
    const shared = 'postgres://actionhost@127.0.0.1:54329/shared';
    const dataDir = join(tempDir(), 'data');
    expect(await codeOf(() => loadMasterKey({ dataDir, sharedStore: shared }))).toBe('AH_MASTER_KEY_REQUIRED');
    expect(existsSync(join(dataDir, 'master.key'))).toBe(false);
    const key = generateMasterKey();
    expect((await loadMasterKey({ env: key.toString('base64'), dataDir, sharedStore: shared })).equals(key)).toBe(true);
    const placed = await loadMasterKey({ dataDir });
    expect((await loadMasterKey({ dataDir, sharedStore: shared })).equals(placed)).toBe(true);
  });

  it('rejects a key that is not 32 bytes of base64', async () => {
    expect(await codeOf(() => loadMasterKey({ env: Buffer.alloc(16).toString('base64'), dataDir: tempDir() }))).toBe(
      'AH_MASTER_KEY_INVALID',
    );
    expect(await codeOf(() => loadMasterKey({ env: 'not base64!', dataDir: tempDir() }))).toBe('AH_MASTER_KEY_INVALID');
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'master.key'), 'c2hvcnQ=\n', { mode: 0o600 });
    expect(await codeOf(() => loadMasterKey({ dataDir }))).toBe('AH_MASTER_KEY_INVALID');
  });

  it('refuses a key file readable by other users', async () => {
    const dataDir = tempDir();
    await loadMasterKey({ dataDir });
    chmodSync(join(dataDir, 'master.key'), 0o644);
    expect(await codeOf(() => loadMasterKey({ dataDir }))).toBe('AH_MASTER_KEY_INSECURE');
  });

  it('saves a rotated key atomically with mode 0600', async () => {
    const dataDir = tempDir();
    await loadMasterKey({ dataDir });
    const next = generateMasterKey();
    await saveMasterKey({ dataDir, key: next });
    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    expect((await loadMasterKey({ dataDir })).equals(next)).toBe(true);
  });

  it('refuses a master key that is not 32 bytes at construction', async () => {
    const test = await openTestDatabase('sqlite');
    try {
      expect(await codeOf(() => CredentialStore.open({ db: test.db, masterKey: Buffer.alloc(8) }))).toBe(
        'AH_MASTER_KEY_INVALID',
      );
    } finally {
      await test.close();
    }
  });
});
