// The PostgreSQL backend of the registry's index: several hosts on one database see the same versions, pins,
// approvals and trusted keys, and each version's verified package bytes (bytea), so that a host that did not install a
// version can fetch, verify and extract it on first use. Migrations and writes run under advisory locks.
import pg from 'pg';
import { RegistryErrors } from '../errors.ts';
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

/**
 * The same tables as registry.db (sqlite-catalog.ts), as of its latest migration, then the package bytes. Version
 * i+1 is index i, recorded in the schema_migrations table the host's own store keeps (module `registry`).
 */
const MIGRATIONS = [
  `CREATE TABLE plugin_versions (
     name TEXT NOT NULL,
     version TEXT NOT NULL,
     integrity TEXT NOT NULL,
     manifest TEXT NOT NULL,
     files TEXT NOT NULL,
     mappings TEXT NOT NULL,
     installed_at TEXT NOT NULL,
     signature TEXT,
     PRIMARY KEY (name, version)
   );
   CREATE TABLE plugin_pins (
     name TEXT NOT NULL,
     version TEXT NOT NULL,
     owner TEXT NOT NULL,
     pinned_at TEXT NOT NULL,
     PRIMARY KEY (name, version, owner)
   );
   CREATE INDEX plugin_pins_owner ON plugin_pins (owner);
   CREATE TABLE trusted_keys (
     key_id TEXT PRIMARY KEY,
     public_key TEXT NOT NULL,
     publisher TEXT NOT NULL,
     added_by TEXT NOT NULL,
     added_at TEXT NOT NULL
   );
   CREATE TABLE registry_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE plugin_approvals (
     name TEXT NOT NULL,
     version TEXT NOT NULL,
     approved_by TEXT NOT NULL,
     approved_at TEXT NOT NULL,
     via TEXT NOT NULL,
     capabilities TEXT NOT NULL,
     against TEXT,
     widened TEXT NOT NULL,
     PRIMARY KEY (name, version)
   );`,
  // One package per version row, gone with it.
  `CREATE TABLE plugin_packages (
     name TEXT NOT NULL,
     version TEXT NOT NULL,
     integrity TEXT NOT NULL,
     bytes BYTEA NOT NULL,
     PRIMARY KEY (name, version),
     FOREIGN KEY (name, version) REFERENCES plugin_versions (name, version) ON DELETE CASCADE
   );`,
];

/** The advisory lock every host's store migrates under ('actionhost' as a number, as core's PostgresStore uses). */
const MIGRATION_LOCK = String(0x616374696f6e68n);
/** The registry's write lock: installs, removals, approvals and trust changes run one at a time across hosts. */
const WRITE_LOCK = String(0x7265676973747279n); // 'registry'

interface Queryable {
  query(sql: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

export interface PostgresCatalogOptions {
  /** Connections in the pool (default 4: the index is read on start and at first use of a version). */
  max?: number;
  /** Gives up connecting after this long (default 5 s). */
  connectTimeoutMs?: number;
}

export class PostgresCatalog implements Catalog {
  readonly backend = 'postgres';
  readonly keepsPackages = true;
  readonly #pool: pg.Pool;
  readonly #client: Queryable;
  readonly #joined: boolean;

  private constructor(pool: pg.Pool, client: Queryable, joined: boolean) {
    this.#pool = pool;
    this.#client = client;
    this.#joined = joined;
  }

  /** Connects, and creates or migrates the tables under the migration lock (hosts starting together do not race). */
  static async open(url: string, options: PostgresCatalogOptions = {}): Promise<PostgresCatalog> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection the server dropped must not crash the process: the next query gets a fresh one.
    pool.on('error', () => undefined);
    const catalog = new PostgresCatalog(pool, pool, false);
    try {
      await catalog.#migrate(url);
    } catch (error) {
      await pool.end().catch(() => undefined);
      if (error instanceof Error && 'code' in error && String(error.code).startsWith('AH_')) throw error;
      throw RegistryErrors.databaseUnavailable(redactUrl(url), error instanceof Error ? error.message : String(error));
    }
    return catalog;
  }

  async #migrate(url: string): Promise<void> {
    await this.#inTransaction(MIGRATION_LOCK, async (client) => {
      // Under the lock: CREATE TABLE IF NOT EXISTS itself races when two hosts run it at once. Same table as core's.
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))',
      );
      const { rows } = await client.query(
        "SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations WHERE module = 'registry'",
      );
      const from = Number((rows[0] as { version: number }).version);
      // A newer registry has been here: its tables are not what this code expects.
      if (from > MIGRATIONS.length) throw RegistryErrors.schemaNewer(redactUrl(url), from, MIGRATIONS.length);
      for (let index = from; index < MIGRATIONS.length; index++) {
        await client.query(MIGRATIONS[index]);
        await client.query("INSERT INTO schema_migrations (module, version, applied_at) VALUES ('registry', $1, $2)", [
          index + 1,
          new Date().toISOString(),
        ]);
      }
    });
  }

  /** One transaction on one connection of the pool, holding the advisory lock `lock` until it ends. */
  async #inTransaction<T>(lock: string, fn: (client: Queryable) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [lock]);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone: do not hand it out again
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  transaction<T>(fn: (catalog: Catalog) => Promise<T>): Promise<T> {
    if (this.#joined) return fn(this);
    return this.#inTransaction(WRITE_LOCK, (client) => fn(new PostgresCatalog(this.#pool, client, true)));
  }

  async #rows<T>(sql: string, values: unknown[] = []): Promise<T[]> {
    return (await this.#client.query(sql, values)).rows as T[];
  }

  async get(name: string, version: string): Promise<VersionRow | undefined> {
    const [row] = await this.#rows<StoredRow>('SELECT * FROM plugin_versions WHERE name = $1 AND version = $2', [
      name,
      version,
    ]);
    return row ? fromStored(row) : undefined;
  }

  async versionsOf(name: string): Promise<VersionRow[]> {
    return (await this.#rows<StoredRow>('SELECT * FROM plugin_versions WHERE name = $1', [name])).map(fromStored);
  }

  async versionNumbers(name: string): Promise<string[]> {
    const rows = await this.#rows<{ version: string }>('SELECT version FROM plugin_versions WHERE name = $1', [name]);
    return rows.map((row) => row.version);
  }

  async all(): Promise<VersionRow[]> {
    return (await this.#rows<StoredRow>('SELECT * FROM plugin_versions ORDER BY name')).map(fromStored);
  }

  // The row and its package in one transaction: a host that sees the row can always fetch the bytes.
  async insert(row: VersionRow, tarball: Uint8Array): Promise<void> {
    await this.transaction(async (catalog) => {
      const client = (catalog as PostgresCatalog).#client;
      await client.query(
        `INSERT INTO plugin_versions (name, version, integrity, manifest, files, mappings, installed_at, signature)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          row.name,
          row.version,
          row.integrity,
          JSON.stringify(row.manifest),
          JSON.stringify(row.files),
          JSON.stringify(row.mappings),
          row.installedAt,
          row.signature === null ? null : JSON.stringify(row.signature),
        ],
      );
      await client.query('INSERT INTO plugin_packages (name, version, integrity, bytes) VALUES ($1, $2, $3, $4)', [
        row.name,
        row.version,
        row.integrity,
        Buffer.from(tarball.buffer, tarball.byteOffset, tarball.byteLength),
      ]);
    });
  }

  async packageOf(name: string, version: string): Promise<StoredPackage | undefined> {
    const [row] = await this.#rows<StoredPackage>(
      'SELECT integrity, bytes FROM plugin_packages WHERE name = $1 AND version = $2',
      [name, version],
    );
    return row;
  }

  async delete(name: string, version: string): Promise<void> {
    await this.transaction(async (catalog) => {
      const client = (catalog as PostgresCatalog).#client;
      await client.query('DELETE FROM plugin_pins WHERE name = $1 AND version = $2', [name, version]);
      await client.query('DELETE FROM plugin_approvals WHERE name = $1 AND version = $2', [name, version]);
      await client.query('DELETE FROM plugin_versions WHERE name = $1 AND version = $2', [name, version]);
    });
  }

  async pin(name: string, version: string, owner: string, at: string): Promise<void> {
    await this.#client.query(
      'INSERT INTO plugin_pins (name, version, owner, pinned_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [name, version, owner, at],
    );
  }

  async unpin(owner: string): Promise<void> {
    await this.#client.query('DELETE FROM plugin_pins WHERE owner = $1', [owner]);
  }

  async pins(name: string, version: string): Promise<string[]> {
    const rows = await this.#rows<{ owner: string }>(
      'SELECT owner FROM plugin_pins WHERE name = $1 AND version = $2 ORDER BY owner',
      [name, version],
    );
    return rows.map((row) => row.owner);
  }

  async trustedKeys(): Promise<TrustedKeyRow[]> {
    return (await this.#rows<StoredTrustedKey>('SELECT * FROM trusted_keys ORDER BY added_at, key_id')).map(
      trustedKeyFrom,
    );
  }

  async trustedKey(keyId: string): Promise<TrustedKeyRow | undefined> {
    const [row] = await this.#rows<StoredTrustedKey>('SELECT * FROM trusted_keys WHERE key_id = $1', [keyId]);
    return row ? trustedKeyFrom(row) : undefined;
  }

  async addTrustedKey(key: TrustedKeyRow): Promise<void> {
    await this.#client.query(
      'INSERT INTO trusted_keys (key_id, public_key, publisher, added_by, added_at) VALUES ($1, $2, $3, $4, $5)',
      [key.keyId, key.publicKey, key.publisher, key.addedBy, key.addedAt],
    );
  }

  async removeTrustedKey(keyId: string): Promise<boolean> {
    return ((await this.#client.query('DELETE FROM trusted_keys WHERE key_id = $1', [keyId])).rowCount ?? 0) > 0;
  }

  async approval(name: string, version: string): Promise<ApprovalRow | undefined> {
    const [row] = await this.#rows<StoredApproval>('SELECT * FROM plugin_approvals WHERE name = $1 AND version = $2', [
      name,
      version,
    ]);
    return row ? approvalFrom(row) : undefined;
  }

  async approvalsOf(name: string): Promise<ApprovalRow[]> {
    return (await this.#rows<StoredApproval>('SELECT * FROM plugin_approvals WHERE name = $1', [name])).map(
      approvalFrom,
    );
  }

  async addApproval(approval: ApprovalRow): Promise<void> {
    await this.#client.query(
      `INSERT INTO plugin_approvals (name, version, approved_by, approved_at, via, capabilities, against, widened)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      [
        approval.name,
        approval.version,
        approval.approvedBy,
        approval.approvedAt,
        approval.via,
        JSON.stringify(approval.capabilities),
        approval.against,
        JSON.stringify(approval.widened),
      ],
    );
  }

  async meta(key: string): Promise<string | undefined> {
    const [row] = await this.#rows<{ value: string }>('SELECT value FROM registry_meta WHERE key = $1', [key]);
    return row?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.#client.query(
      'INSERT INTO registry_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
      [key, value],
    );
  }

  async close(): Promise<void> {
    if (!this.#joined) await this.#pool.end();
  }
}

/** The URL without its password, for errors and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}
