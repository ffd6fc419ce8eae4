// Backup and restore on real files: a data folder's databases and plugin files go into a .tar.gz and come back
// byte for byte; a backup whose schema is newer than this host's is refused before anything is written; a
// damaged archive or one with an entry leaving the data folder is refused and leaves the folder empty; a store
// written by a newer host refuses to open.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/index.ts';
import {
  ArchiveWriter,
  checkSchema,
  makeBackup,
  readArchive,
  readManifest,
  restoreBackup,
  type BackupManifest,
  type SchemaVersions,
} from './index.ts';

let work: string;
let dataDir: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'actionhost-backup-unit-'));
  dataDir = join(work, 'data');
  mkdirSync(dataDir);
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const KNOWN: SchemaVersions = { actionhost: { itsm: 2, workflow: 3 }, registry: 1 };

/** A small data folder: a host database with two migrated modules and a request, a registry with one plugin. */
function seedDataFolder(): void {
  const host = new DatabaseSync(join(dataDir, 'actionhost.db'));
  host.exec(`PRAGMA journal_mode = WAL;
    CREATE TABLE schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL);
    INSERT INTO schema_migrations VALUES ('itsm', 1, 'x'), ('itsm', 2, 'x'), ('workflow', 3, 'x');
    CREATE TABLE itsm_requests (internal_id INTEGER PRIMARY KEY, subject TEXT);
    INSERT INTO itsm_requests (subject) VALUES ('printer'), ('vpn');`);
  host.close();
  const registry = new DatabaseSync(join(dataDir, 'registry.db'));
  registry.exec(`CREATE TABLE plugin_versions (name TEXT, version TEXT, integrity TEXT);
    INSERT INTO plugin_versions VALUES ('@acme/ping', '1.2.3', 'sha512-abc');
    PRAGMA user_version = 1;`);
  registry.close();
  const plugin = join(dataDir, 'plugins', '@acme', 'ping', '1.2.3');
  mkdirSync(join(plugin, 'dist'), { recursive: true });
  writeFileSync(join(plugin, 'plugin.json'), '{"name":"@acme/ping"}');
  writeFileSync(join(plugin, 'dist', 'plugin.js'), 'export default {};'.repeat(100));
}

/** Rewrites a backup entry by entry, letting `change` alter the manifest and add entries. */
async function rewrite(
  from: string,
  to: string,
  change: (manifest: BackupManifest) => void,
  extra: { path: string; data: string }[] = [],
): Promise<void> {
  const entries: { path: string; kind: 'file' | 'directory'; data: Buffer }[] = [];
  await readArchive(
    from,
    '',
    () => 'read',
    (entry, data) => entries.push({ path: entry.path, kind: entry.kind, data }),
  );
  const writer = new ArchiveWriter(to);
  for (const entry of entries) {
    if (entry.path === 'backup.json') {
      const manifest = JSON.parse(entry.data.toString('utf8')) as BackupManifest;
      change(manifest);
      await writer.bytes(entry.path, Buffer.from(JSON.stringify(manifest)));
      for (const added of extra) await writer.bytes(added.path, Buffer.from(added.data));
    } else if (entry.kind === 'directory') await writer.directory(entry.path);
    else await writer.bytes(entry.path, entry.data);
  }
  await writer.close();
}

describe('backup and restore', () => {
  it('copies both databases and the plugin files, and restores them into an empty folder', async () => {
    seedDataFolder();
    const file = join(work, 'backup.tar.gz');
    const result = await makeBackup({ dataDir, file, hostVersion: '9.9.9' });
    expect(result.manifest).toMatchObject({
      hostVersion: '9.9.9',
      schema: { actionhost: { itsm: 2, workflow: 3 }, registry: 1 },
      plugins: [{ name: '@acme/ping', version: '1.2.3' }],
      counts: { requests: 2, executions: 0 },
      masterKey: { included: false },
    });
    expect((await readManifest(file)).createdAt).toBe(result.manifest.createdAt);

    const target = join(work, 'restored');
    await restoreBackup({ file, dataDir: target, known: KNOWN });
    expect(readdirSync(target).sort()).toEqual(['actionhost.db', 'plugins', 'registry.db']);
    expect(readFileSync(join(target, 'plugins/@acme/ping/1.2.3/dist/plugin.js'), 'utf8')).toBe(
      'export default {};'.repeat(100),
    );
    const restored = new DatabaseSync(join(target, 'actionhost.db'), { readOnly: true });
    expect(restored.prepare('SELECT subject FROM itsm_requests ORDER BY 1').all()).toEqual([
      { subject: 'printer' },
      { subject: 'vpn' },
    ]);
    restored.close();
  });

  it('refuses a backup from a newer schema before writing anything', async () => {
    seedDataFolder();
    const file = join(work, 'backup.tar.gz');
    await makeBackup({ dataDir, file, hostVersion: '9.9.9' });
    const newer = join(work, 'newer.tar.gz');
    await rewrite(file, newer, (manifest) => {
      manifest.schema.actionhost.workflow = 4;
    });
    const target = join(work, 'restored');
    await expect(restoreBackup({ file: newer, dataDir: target, known: KNOWN })).rejects.toMatchObject({
      code: 'AH_BACKUP_NEWER_SCHEMA',
    });
    expect(existsSync(target)).toBe(false);
  });

  it('compares every schema: a newer registry, a module this host does not have, a newer format', async () => {
    expect(() => checkSchema(KNOWN, KNOWN)).not.toThrow();
    expect(() => checkSchema({ actionhost: { itsm: 1 }, registry: 0 }, KNOWN)).not.toThrow();
    expect(() => checkSchema({ ...KNOWN, registry: 2 }, KNOWN)).toThrow(
      expect.objectContaining({ code: 'AH_BACKUP_NEWER_SCHEMA' }),
    );
    expect(() => checkSchema({ actionhost: { ...KNOWN.actionhost, billing: 1 }, registry: 1 }, KNOWN)).toThrow(
      expect.objectContaining({ code: 'AH_BACKUP_NEWER_SCHEMA' }),
    );
    seedDataFolder();
    const file = join(work, 'backup.tar.gz');
    await makeBackup({ dataDir, file, hostVersion: '9.9.9' });
    const future = join(work, 'future.tar.gz');
    await rewrite(file, future, (manifest) => {
      manifest.formatVersion = 2;
    });
    await expect(readManifest(future)).rejects.toMatchObject({ code: 'AH_BACKUP_NEWER_SCHEMA' });
  });

  it('refuses a non-empty folder, a damaged file and an entry that would leave the folder', async () => {
    seedDataFolder();
    const file = join(work, 'backup.tar.gz');
    await makeBackup({ dataDir, file, hostVersion: '9.9.9' });
    await expect(restoreBackup({ file, dataDir, known: KNOWN })).rejects.toMatchObject({
      code: 'AH_RESTORE_TARGET_NOT_EMPTY',
    });

    const damaged = join(work, 'damaged.tar.gz');
    writeFileSync(damaged, readFileSync(file).subarray(0, 200));
    const target = join(work, 'restored');
    await expect(restoreBackup({ file: damaged, dataDir: target, known: KNOWN })).rejects.toMatchObject({
      code: 'AH_BACKUP_INVALID',
    });

    const escaping = join(work, 'escaping.tar.gz');
    await rewrite(file, escaping, () => undefined, [{ path: '../outside.txt', data: 'owned' }]);
    await expect(restoreBackup({ file: escaping, dataDir: target, known: KNOWN })).rejects.toMatchObject({
      code: 'AH_BACKUP_INVALID',
    });
    expect(existsSync(join(work, 'outside.txt'))).toBe(false);
    expect(readdirSync(target)).toEqual([]);
  });

  it('refuses to open a store a newer host has migrated further', () => {
    const file = join(work, 'store.db');
    const newer = Store.open(file);
    newer.migrate('itsm', ['CREATE TABLE a (x)', 'CREATE TABLE b (x)']);
    newer.close();
    const older = Store.open(file);
    try {
      expect(() => older.migrate('itsm', ['CREATE TABLE a (x)'])).toThrow(
        expect.objectContaining({ code: 'AH_STORE_SCHEMA_NEWER' }),
      );
    } finally {
      older.close();
    }
  });
});
