// Making a backup of a data folder while its host runs: each database is copied with VACUUM INTO (one read
// transaction, so the copy is the database at one moment, and the host's writers are never blocked in WAL mode),
// actionhost.db first and registry.db second — a plugin version a published workflow pins cannot be removed in
// between — then the files of every plugin version the registry copy lists (installed versions never change).
import { mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ArchiveWriter } from './archive.ts';
import { BackupErrors } from './errors.ts';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, MANIFEST_ENTRY, type BackupManifest } from './manifest.ts';
import {
  credentialKeyIds,
  installedPlugins,
  recordCounts,
  registrySchema,
  schemaOf,
  sha256Of,
  withDatabase,
} from './snapshot.ts';

export const DATABASES = ['actionhost.db', 'registry.db'] as const;

export interface BackupOptions {
  dataDir: string;
  /** The backup file to write (replaced atomically when it exists). */
  file: string;
  hostVersion: string;
  clock?: () => Date;
  progress?: (message: string) => void;
}

export interface BackupResult {
  manifest: BackupManifest;
  bytes: number;
  durationMs: number;
}

/** Copies a live database as of one moment: VACUUM INTO reads it in a single transaction. */
function snapshot(source: string, target: string): void {
  const db = new DatabaseSync(source);
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    db.prepare('VACUUM INTO ?').run(target);
  } finally {
    db.close();
  }
}

function filesUnder(dir: string, prefix: string): { path: string; source: string; size: number }[] {
  const found: { path: string; source: string; size: number }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const source = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(source, `${prefix}/${entry.name}`));
    else if (entry.isFile()) found.push({ path: `${prefix}/${entry.name}`, source, size: statSync(source).size });
  }
  return found;
}

export async function makeBackup(options: BackupOptions): Promise<BackupResult> {
  const started = performance.now();
  const progress = options.progress ?? (() => undefined);
  const staging = mkdtempSync(join(dirname(options.file), `.${basename(options.file)}.staging-`));
  const partial = `${options.file}.partial-${process.pid}`;
  let writer: ArchiveWriter | null = null;
  try {
    for (const database of DATABASES) {
      progress(`copying ${database} (VACUUM INTO)`);
      snapshot(join(options.dataDir, database), join(staging, database));
    }
    const host = join(staging, 'actionhost.db');
    const registry = join(staging, 'registry.db');
    const { schema, counts, keyIds } = withDatabase(host, (db) => ({
      schema: schemaOf(db),
      counts: recordCounts(db),
      keyIds: credentialKeyIds(db),
    }));
    const { registryVersion, plugins } = withDatabase(registry, (db) => ({
      registryVersion: registrySchema(db),
      plugins: installedPlugins(db),
    }));
    const files = [];
    for (const database of DATABASES) {
      const path = join(staging, database);
      files.push({ path: database, bytes: statSync(path).size, sha256: await sha256Of(path) });
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      createdAt: (options.clock ?? (() => new Date()))().toISOString(),
      hostVersion: options.hostVersion,
      schema: { actionhost: schema, registry: registryVersion },
      files,
      plugins,
      counts,
      masterKey: { included: false, keyIds },
    };
    progress(`writing ${options.file}`);
    writer = new ArchiveWriter(partial);
    await writer.bytes(MANIFEST_ENTRY, Buffer.from(JSON.stringify(manifest, null, 2)));
    for (const database of DATABASES) {
      const path = join(staging, database);
      await writer.file(database, path, statSync(path).size);
    }
    await writer.directory('plugins');
    for (const plugin of plugins) {
      const folder = join(options.dataDir, 'plugins', ...plugin.name.split('/'), plugin.version);
      let entries;
      try {
        entries = filesUnder(folder, `plugins/${plugin.name}/${plugin.version}`);
        for (const entry of entries) await writer.file(entry.path, entry.source, entry.size);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        throw BackupErrors.pluginChanged(
          { plugin: `${plugin.name}@${plugin.version}` },
          { plugin: `${plugin.name}@${plugin.version}` },
        );
      }
    }
    await writer.close();
    writer = null;
    renameSync(partial, options.file);
    return { manifest, bytes: statSync(options.file).size, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    await writer?.abort();
    rmSync(partial, { force: true });
    throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
