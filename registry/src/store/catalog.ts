// The SQLite index of installed plugin versions and their pins (<data>/registry.db).
// Synchronous node:sqlite on purpose: an install's check-rename-insert runs under one write lock.
import { DatabaseSync } from 'node:sqlite';
import { privateDatabaseFile } from '@actionhost/sdk/cli';
import type { PluginManifest } from '@actionhost/sdk';
import type { FileRecord } from '../tarball/index.ts';

export interface VersionRow {
  name: string;
  version: string;
  integrity: string;
  manifest: PluginManifest;
  /** Every extracted file with its sha256, recorded at install */
  files: FileRecord[];
  mappings: Record<string, Record<string, unknown>>;
  installedAt: string;
}

interface StoredRow {
  name: string;
  version: string;
  integrity: string;
  manifest: string;
  files: string;
  mappings: string;
  installed_at: string;
}

const MIGRATIONS = [
  `CREATE TABLE plugin_versions (
     name TEXT NOT NULL,
     version TEXT NOT NULL,
     integrity TEXT NOT NULL,
     manifest TEXT NOT NULL,
     files TEXT NOT NULL,
     mappings TEXT NOT NULL,
     installed_at TEXT NOT NULL,
     PRIMARY KEY (name, version)
   );
   CREATE TABLE plugin_pins (
     name TEXT NOT NULL,
     version TEXT NOT NULL,
     owner TEXT NOT NULL,
     pinned_at TEXT NOT NULL,
     PRIMARY KEY (name, version, owner)
   );
   CREATE INDEX plugin_pins_owner ON plugin_pins (owner);`,
];

function fromStored(row: StoredRow): VersionRow {
  return {
    name: row.name,
    version: row.version,
    integrity: row.integrity,
    manifest: JSON.parse(row.manifest) as VersionRow['manifest'],
    files: JSON.parse(row.files) as VersionRow['files'],
    mappings: JSON.parse(row.mappings) as VersionRow['mappings'],
    installedAt: row.installed_at,
  };
}

export class Catalog {
  readonly db: DatabaseSync;

  constructor(file: string) {
    privateDatabaseFile(file);
    this.db = new DatabaseSync(file);
    try {
      this.db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
      this.#migrate();
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  #migrate(): void {
    this.immediate(() => {
      const { user_version: current } = this.db.prepare('PRAGMA user_version').get() as { user_version: number };
      for (let index = current; index < MIGRATIONS.length; index++) this.db.exec(MIGRATIONS[index]);
      if (current < MIGRATIONS.length) this.db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
    });
  }

  /** Runs fn holding SQLite's write lock (BEGIN IMMEDIATE), so other processes wait rather than race. */
  immediate<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  get(name: string, version: string): VersionRow | undefined {
    const row = this.db.prepare('SELECT * FROM plugin_versions WHERE name = ? AND version = ?').get(name, version);
    return row ? fromStored(row as unknown as StoredRow) : undefined;
  }

  versionsOf(name: string): VersionRow[] {
    return (this.db.prepare('SELECT * FROM plugin_versions WHERE name = ?').all(name) as unknown as StoredRow[]).map(
      fromStored,
    );
  }

  /** Just the version strings of a plugin: resolving a range needs no manifests. */
  versionNumbers(name: string): string[] {
    return (
      this.db.prepare('SELECT version FROM plugin_versions WHERE name = ?').all(name) as { version: string }[]
    ).map((row) => row.version);
  }

  all(): VersionRow[] {
    return (this.db.prepare('SELECT * FROM plugin_versions ORDER BY name').all() as unknown as StoredRow[]).map(
      fromStored,
    );
  }

  insert(row: VersionRow): void {
    this.db
      .prepare(
        `INSERT INTO plugin_versions (name, version, integrity, manifest, files, mappings, installed_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        row.name,
        row.version,
        row.integrity,
        JSON.stringify(row.manifest),
        JSON.stringify(row.files),
        JSON.stringify(row.mappings),
        row.installedAt,
      );
  }

  delete(name: string, version: string): void {
    this.db.prepare('DELETE FROM plugin_pins WHERE name = ? AND version = ?').run(name, version);
    this.db.prepare('DELETE FROM plugin_versions WHERE name = ? AND version = ?').run(name, version);
  }

  pin(name: string, version: string, owner: string, at: string): void {
    this.db
      .prepare('INSERT OR IGNORE INTO plugin_pins (name, version, owner, pinned_at) VALUES (?, ?, ?, ?)')
      .run(name, version, owner, at);
  }

  unpin(owner: string): void {
    this.db.prepare('DELETE FROM plugin_pins WHERE owner = ?').run(owner);
  }

  pins(name: string, version: string): string[] {
    return (
      this.db
        .prepare('SELECT owner FROM plugin_pins WHERE name = ? AND version = ? ORDER BY owner')
        .all(name, version) as { owner: string }[]
    ).map((row) => row.owner);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
