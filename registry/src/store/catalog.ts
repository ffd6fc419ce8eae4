// The SQLite index of installed plugin versions, their pins and publisher signatures, and the trust store of
// publisher keys (<data>/registry.db).
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
  /** The publisher key whose valid signature the package carried at install; null when unsigned */
  signature: SignedBy | null;
}

export interface SignedBy {
  keyId: string;
  /** "ed25519:<base64>" */
  publicKey: string;
}

/** An admin's approval of what one version may reach (or the rule that approved it on their behalf). */
export interface ApprovalRow {
  name: string;
  version: string;
  approvedBy: string;
  approvedAt: string;
  via: string;
  /** The version's capabilities as approved */
  capabilities: Record<string, unknown>;
  /** The approved version it was compared with, when there was one */
  against: string | null;
  /** What it widened beyond `against` when approved */
  widened: string[];
}

/** A publisher key the host trusts: packages it signed count as trusted. */
export interface TrustedKeyRow {
  keyId: string;
  publicKey: string;
  publisher: string;
  addedBy: string;
  addedAt: string;
}

interface StoredRow {
  name: string;
  version: string;
  integrity: string;
  manifest: string;
  files: string;
  mappings: string;
  installed_at: string;
  signature: string | null;
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
  `ALTER TABLE plugin_versions ADD COLUMN signature TEXT;
   CREATE TABLE trusted_keys (
     key_id TEXT PRIMARY KEY,
     public_key TEXT NOT NULL,
     publisher TEXT NOT NULL,
     added_by TEXT NOT NULL,
     added_at TEXT NOT NULL
   );
   CREATE TABLE registry_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // Approvals of what a version may reach. Versions installed before approvals existed: those a workflow pins and
  // the first installed of each plugin count as approved; any other waits for an admin like a new one.
  `CREATE TABLE plugin_approvals (
     name TEXT NOT NULL,
     version TEXT NOT NULL,
     approved_by TEXT NOT NULL,
     approved_at TEXT NOT NULL,
     via TEXT NOT NULL,
     capabilities TEXT NOT NULL,
     against TEXT,
     widened TEXT NOT NULL,
     PRIMARY KEY (name, version)
   );
   INSERT OR IGNORE INTO plugin_approvals
     SELECT v.name, v.version, 'registry upgrade', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'existing',
            json_extract(v.manifest, '$.capabilities'), NULL, '[]'
       FROM plugin_versions v
      WHERE EXISTS (SELECT 1 FROM plugin_pins p WHERE p.name = v.name AND p.version = v.version)
         OR v.installed_at = (SELECT MIN(installed_at) FROM plugin_versions w WHERE w.name = v.name);`,
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
    signature: row.signature === null ? null : (JSON.parse(row.signature) as SignedBy),
  };
}

interface StoredApproval {
  name: string;
  version: string;
  approved_by: string;
  approved_at: string;
  via: string;
  capabilities: string;
  against: string | null;
  widened: string;
}

function approvalFrom(row: StoredApproval): ApprovalRow {
  return {
    name: row.name,
    version: row.version,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    via: row.via,
    capabilities: JSON.parse(row.capabilities ?? '{}') as Record<string, unknown>,
    against: row.against,
    widened: JSON.parse(row.widened) as string[],
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
        `INSERT INTO plugin_versions (name, version, integrity, manifest, files, mappings, installed_at, signature)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        row.name,
        row.version,
        row.integrity,
        JSON.stringify(row.manifest),
        JSON.stringify(row.files),
        JSON.stringify(row.mappings),
        row.installedAt,
        row.signature === null ? null : JSON.stringify(row.signature),
      );
  }

  delete(name: string, version: string): void {
    this.db.prepare('DELETE FROM plugin_pins WHERE name = ? AND version = ?').run(name, version);
    this.db.prepare('DELETE FROM plugin_approvals WHERE name = ? AND version = ?').run(name, version);
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

  trustedKeys(): TrustedKeyRow[] {
    return (
      this.db.prepare('SELECT * FROM trusted_keys ORDER BY added_at, key_id').all() as {
        key_id: string;
        public_key: string;
        publisher: string;
        added_by: string;
        added_at: string;
      }[]
    ).map((row) => ({
      keyId: row.key_id,
      publicKey: row.public_key,
      publisher: row.publisher,
      addedBy: row.added_by,
      addedAt: row.added_at,
    }));
  }

  trustedKey(keyId: string): TrustedKeyRow | undefined {
    return this.trustedKeys().find((key) => key.keyId === keyId);
  }

  addTrustedKey(key: TrustedKeyRow): void {
    this.db
      .prepare('INSERT INTO trusted_keys (key_id, public_key, publisher, added_by, added_at) VALUES (?, ?, ?, ?, ?)')
      .run(key.keyId, key.publicKey, key.publisher, key.addedBy, key.addedAt);
  }

  /** True when a key was removed. */
  removeTrustedKey(keyId: string): boolean {
    return this.db.prepare('DELETE FROM trusted_keys WHERE key_id = ?').run(keyId).changes > 0;
  }

  approval(name: string, version: string): ApprovalRow | undefined {
    const row = this.db.prepare('SELECT * FROM plugin_approvals WHERE name = ? AND version = ?').get(name, version);
    return row ? approvalFrom(row as unknown as StoredApproval) : undefined;
  }

  approvalsOf(name: string): ApprovalRow[] {
    return (
      this.db.prepare('SELECT * FROM plugin_approvals WHERE name = ?').all(name) as unknown as StoredApproval[]
    ).map(approvalFrom);
  }

  /** Records an approval; an existing one for the version is kept (the first approval is the one that counted). */
  addApproval(approval: ApprovalRow): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO plugin_approvals (name, version, approved_by, approved_at, via, capabilities, against, widened)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        approval.name,
        approval.version,
        approval.approvedBy,
        approval.approvedAt,
        approval.via,
        JSON.stringify(approval.capabilities),
        approval.against,
        JSON.stringify(approval.widened),
      );
  }

  meta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM registry_meta WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO registry_meta (key, value) VALUES (?, ?)').run(key, value);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
