// Restoring a backup into an empty data folder: backup.json is read first, and a backup whose schema is newer
// than this host's is refused before anything is written; then the databases and plugin files are extracted and
// checked against their checksums. Anything that fails leaves the folder as empty as it was.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readArchive } from './archive.ts';
import { BackupErrors } from './errors.ts';
import { DATABASES } from './backup.ts';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BackupManifest,
  MANIFEST_ENTRY,
  type SchemaVersions,
} from './manifest.ts';
import { sha256Of } from './snapshot.ts';

/** Reads backup.json, the archive's first entry, without reading the rest. */
export async function readManifest(file: string): Promise<BackupManifest> {
  let text: string | null = null;
  await readArchive(
    file,
    '',
    (entry) => {
      if (entry.path !== MANIFEST_ENTRY)
        throw BackupErrors.archiveInvalid(
          { problem: `its first entry is ${entry.path}, not ${MANIFEST_ENTRY}` },
          { file },
        );
      return text === null ? 'read' : 'stop';
    },
    (_entry, data) => {
      text = data.toString('utf8');
    },
  ).catch((error: unknown) => {
    // Reading stops after the manifest; a gzip or tar error before it means the file is not a backup.
    if (text !== null) return;
    if ((error as { code?: string }).code?.startsWith('AH_')) throw error;
    throw BackupErrors.archiveInvalid({ problem: (error as Error).message }, { file });
  });
  if (text === null) throw BackupErrors.archiveInvalid({ problem: 'it holds no backup.json' }, { file });
  const head = JSON.parse(text) as { format?: unknown; formatVersion?: unknown };
  if (head.format !== BACKUP_FORMAT)
    throw BackupErrors.archiveInvalid({ problem: 'backup.json is not an actionhost backup manifest' }, { file });
  if (typeof head.formatVersion === 'number' && head.formatVersion > BACKUP_FORMAT_VERSION) {
    throw BackupErrors.newerSchema(
      { module: 'backup format', found: head.formatVersion, known: BACKUP_FORMAT_VERSION },
      { module: 'backup format', found: head.formatVersion, known: BACKUP_FORMAT_VERSION },
    );
  }
  const parsed = BackupManifest.safeParse(head);
  if (!parsed.success)
    throw BackupErrors.archiveInvalid({ problem: `backup.json: ${parsed.error.issues[0]?.message}` }, { file });
  return parsed.data;
}

/** Refuses a backup any of whose schemas is newer than (or unknown to) this host's. */
export function checkSchema(found: SchemaVersions, known: SchemaVersions): void {
  for (const [module, version] of Object.entries(found.actionhost)) {
    const mine = known.actionhost[module];
    if (mine === undefined || version > mine) {
      throw BackupErrors.newerSchema(
        { module, found: version, known: mine ?? 'nothing of it' },
        { module, found: version, known: mine ?? 0 },
      );
    }
  }
  if (found.registry > known.registry) {
    throw BackupErrors.newerSchema(
      { module: 'registry', found: found.registry, known: known.registry },
      { module: 'registry', found: found.registry, known: known.registry },
    );
  }
}

export interface RestoreOptions {
  file: string;
  dataDir: string;
  /** This host's schema versions (what its migrations reach). */
  known: SchemaVersions;
}

/** Extracts a checked backup into an empty data folder; returns its manifest. The caller verifies the records. */
export async function restoreBackup(options: RestoreOptions): Promise<BackupManifest> {
  const { file, dataDir } = options;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
    throw BackupErrors.targetNotEmpty({ dataDir }, { dataDir });
  const manifest = await readManifest(file);
  checkSchema(manifest.schema, options.known);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    await readArchive(file, dataDir, (entry) => (entry.path === MANIFEST_ENTRY ? 'read' : 'extract'));
    for (const database of DATABASES) {
      const recorded = manifest.files.find((entry) => entry.path === database);
      const actual = existsSync(join(dataDir, database)) ? await sha256Of(join(dataDir, database)) : 'missing';
      if (!recorded || recorded.sha256 !== actual) {
        throw BackupErrors.verifyFailed(
          { problem: `${database} does not have the checksum the backup recorded` },
          { file: database },
        );
      }
    }
    return manifest;
  } catch (error) {
    emptyFolder(dataDir);
    throw error;
  }
}

/** Undoes a restore: the folder was empty before it. */
export function emptyFolder(dataDir: string): void {
  for (const entry of readdirSync(dataDir)) rmSync(join(dataDir, entry), { recursive: true, force: true });
}
