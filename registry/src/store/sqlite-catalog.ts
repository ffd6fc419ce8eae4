// The SQLite backend of the registry's index (<data>/registry.db): one data folder, its package files on its disk.
// node:sqlite is synchronous; the write lock (BEGIN IMMEDIATE) spans an install's await points, so callers in this
// process queue for it (a mutex) and writes made outside a transaction wait their turn instead of joining one.
import { DatabaseSync } from 'node:sqlite';
import { privateDatabaseFile } from '@actionhost/sdk/cli';
import {
  approvalFrom,
  fromStored,
  trustedKeyFrom,
  type ApprovalRow,
  type Catalog,
  type StoredApproval,
  type StoredPackage,
  type StoredRow,
  type StoredTrustedKey,
  type TrustedKeyRow,
  type VersionRow,
} from './catalog.ts';
import { Mutex } from './mutex.ts';

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

interface Shared {
  db: DatabaseSync;
  lock: Mutex;
}

export class SqliteCatalog implements Catalog {
  readonly backend = 'sqlite';
  readonly keepsPackages = false;
  readonly #shared: Shared;
  /** True for the catalog a transaction hands its callback: it holds the lock already. */
  readonly #joined: boolean;

  private constructor(shared: Shared, joined: boolean) {
    this.#shared = shared;
    this.#joined = joined;
  }

  /** Opens (creating and migrating) the index file. */
  static open(file: string): SqliteCatalog {
    privateDatabaseFile(file);
    const db = new DatabaseSync(file);
    try {
      db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
      db.exec('BEGIN IMMEDIATE');
      try {
        const { user_version: current } = db.prepare('PRAGMA user_version').get() as { user_version: number };
        for (let index = current; index < MIGRATIONS.length; index++) db.exec(MIGRATIONS[index]);
        if (current < MIGRATIONS.length) db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
        db.exec('COMMIT');
      } catch (error) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw error;
      }
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteCatalog({ db, lock: new Mutex() }, false);
  }

  get #db(): DatabaseSync {
    return this.#shared.db;
  }

  async transaction<T>(fn: (catalog: Catalog) => Promise<T>): Promise<T> {
    if (this.#joined) return fn(this);
    return this.#shared.lock.run(async () => {
      // Other processes on the same file wait here (busy_timeout) rather than race.
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(new SqliteCatalog(this.#shared, true));
        this.#db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /** A write outside a transaction waits for the one in progress, so that it is not committed or rolled back with it. */
  #write<T>(write: () => T): Promise<T> {
    return this.#joined ? Promise.resolve(write()) : this.#shared.lock.run(() => Promise.resolve(write()));
  }

  get(name: string, version: string): Promise<VersionRow | undefined> {
    const row = this.#db.prepare('SELECT * FROM plugin_versions WHERE name = ? AND version = ?').get(name, version);
    return Promise.resolve(row ? fromStored(row as unknown as StoredRow) : undefined);
  }

  versionsOf(name: string): Promise<VersionRow[]> {
    const rows = this.#db.prepare('SELECT * FROM plugin_versions WHERE name = ?').all(name) as unknown as StoredRow[];
    return Promise.resolve(rows.map(fromStored));
  }

  versionNumbers(name: string): Promise<string[]> {
    const rows = this.#db.prepare('SELECT version FROM plugin_versions WHERE name = ?').all(name) as {
      version: string;
    }[];
    return Promise.resolve(rows.map((row) => row.version));
  }

  all(): Promise<VersionRow[]> {
    const rows = this.#db.prepare('SELECT * FROM plugin_versions ORDER BY name').all() as unknown as StoredRow[];
    return Promise.resolve(rows.map(fromStored));
  }

  // The package stays in the version folder (package.tgz): one host, nothing to share.
  insert(row: VersionRow, _tarball: Uint8Array): Promise<void> {
    return this.#write(() => {
      this.#db
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
    });
  }

  packageOf(_name: string, _version: string): Promise<StoredPackage | undefined> {
    return Promise.resolve(undefined);
  }

  delete(name: string, version: string): Promise<void> {
    return this.#write(() => {
      this.#db.prepare('DELETE FROM plugin_pins WHERE name = ? AND version = ?').run(name, version);
      this.#db.prepare('DELETE FROM plugin_approvals WHERE name = ? AND version = ?').run(name, version);
      this.#db.prepare('DELETE FROM plugin_versions WHERE name = ? AND version = ?').run(name, version);
    });
  }

  pin(name: string, version: string, owner: string, at: string): Promise<void> {
    return this.#write(() => {
      this.#db
        .prepare('INSERT OR IGNORE INTO plugin_pins (name, version, owner, pinned_at) VALUES (?, ?, ?, ?)')
        .run(name, version, owner, at);
    });
  }

  unpin(owner: string): Promise<void> {
    return this.#write(() => {
      this.#db.prepare('DELETE FROM plugin_pins WHERE owner = ?').run(owner);
    });
  }

  pins(name: string, version: string): Promise<string[]> {
    const rows = this.#db
      .prepare('SELECT owner FROM plugin_pins WHERE name = ? AND version = ? ORDER BY owner')
      .all(name, version) as { owner: string }[];
    return Promise.resolve(rows.map((row) => row.owner));
  }

  trustedKeys(): Promise<TrustedKeyRow[]> {
    const rows = this.#db
      .prepare('SELECT * FROM trusted_keys ORDER BY added_at, key_id')
      .all() as unknown as StoredTrustedKey[];
    return Promise.resolve(rows.map(trustedKeyFrom));
  }

  trustedKey(keyId: string): Promise<TrustedKeyRow | undefined> {
    const row = this.#db.prepare('SELECT * FROM trusted_keys WHERE key_id = ?').get(keyId);
    return Promise.resolve(row ? trustedKeyFrom(row as unknown as StoredTrustedKey) : undefined);
  }

  addTrustedKey(key: TrustedKeyRow): Promise<void> {
    return this.#write(() => {
      this.#db
        .prepare('INSERT INTO trusted_keys (key_id, public_key, publisher, added_by, added_at) VALUES (?, ?, ?, ?, ?)')
        .run(key.keyId, key.publicKey, key.publisher, key.addedBy, key.addedAt);
    });
  }

  removeTrustedKey(keyId: string): Promise<boolean> {
    return this.#write(() => this.#db.prepare('DELETE FROM trusted_keys WHERE key_id = ?').run(keyId).changes > 0);
  }

  approval(name: string, version: string): Promise<ApprovalRow | undefined> {
    const row = this.#db.prepare('SELECT * FROM plugin_approvals WHERE name = ? AND version = ?').get(name, version);
    return Promise.resolve(row ? approvalFrom(row as unknown as StoredApproval) : undefined);
  }

  approvalsOf(name: string): Promise<ApprovalRow[]> {
    const rows = this.#db
      .prepare('SELECT * FROM plugin_approvals WHERE name = ?')
      .all(name) as unknown as StoredApproval[];
    return Promise.resolve(rows.map(approvalFrom));
  }

  addApproval(approval: ApprovalRow): Promise<void> {
    return this.#write(() => {
      this.#db
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
    });
  }

  meta(key: string): Promise<string | undefined> {
    const row = this.#db.prepare('SELECT value FROM registry_meta WHERE key = ?').get(key) as
      { value: string } | undefined;
    return Promise.resolve(row?.value);
  }

  setMeta(key: string, value: string): Promise<void> {
    return this.#write(() => {
      this.#db.prepare('INSERT OR REPLACE INTO registry_meta (key, value) VALUES (?, ?)').run(key, value);
    });
  }

  close(): Promise<void> {
    if (!this.#joined && this.#db.isOpen) this.#db.close();
    return Promise.resolve();
  }
}
