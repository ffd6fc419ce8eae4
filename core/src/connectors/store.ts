// The connectors an admin issued: name, description, the hash of the current token (the token itself is shown once),
// revocation, and what the host last saw of each (when, from where, which version) so health survives a restart.
import { createHash, randomBytes } from 'node:crypto';
import { queryAll, queryOne, type Database, type Migrations } from '../store/index.ts';
import { ConnectorErrors } from './errors.ts';
import { CONNECTOR_OPERATIONS_TABLE } from './relay.ts';

export const CONNECTOR_MIGRATIONS: Migrations = {
  sqlite: [
    `CREATE TABLE connectors (
    name TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    token_hash TEXT UNIQUE,
    token_issued_at TEXT,
    revoked_at TEXT,
    last_seen_at TEXT,
    last_address TEXT,
    version TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
  )`,
  ],
  // Names sort byte by byte, as SQLite sorts them. Operations relayed between hosts (relay.ts) exist only here.
  postgres: [
    `CREATE TABLE connectors (
    name TEXT COLLATE "C" PRIMARY KEY,
    description TEXT NOT NULL,
    token_hash TEXT UNIQUE,
    token_issued_at TEXT,
    revoked_at TEXT,
    last_seen_at TEXT,
    last_address TEXT,
    version TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
  )`,
    CONNECTOR_OPERATIONS_TABLE,
  ],
};

export interface ConnectorRow {
  name: string;
  description: string;
  token_hash: string | null;
  token_issued_at: string | null;
  revoked_at: string | null;
  last_seen_at: string | null;
  last_address: string | null;
  version: string | null;
  created_by: string;
  created_at: string;
}

function hash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function newToken(): string {
  return `ahc_${randomBytes(32).toString('base64url')}`;
}

/** The registry every host of a store shares; its table comes with CONNECTOR_MIGRATIONS (ConnectorService.open). */
export class ConnectorStore {
  readonly #db: Database;
  readonly #clock: () => Date;

  constructor(db: Database, clock: () => Date = () => new Date()) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Registers a connector and issues its first token (returned this once). */
  async create(
    input: { name: string; description: string },
    actor: string,
  ): Promise<{ row: ConnectorRow; token: string }> {
    const token = newToken();
    const now = this.#clock().toISOString();
    const inserted = await this.#db.withTransaction((tx) =>
      tx.query(
        `INSERT INTO connectors (name, description, token_hash, token_issued_at, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [input.name, input.description, hash(token), now, actor, now],
      ),
    );
    if (inserted.rowCount === 0)
      throw ConnectorErrors.exists({ name: input.name }, { name: input.name, path: '/name' });
    return { row: await this.get(input.name), token };
  }

  async list(): Promise<ConnectorRow[]> {
    return (await queryAll(this.#db, 'SELECT * FROM connectors ORDER BY name')) as unknown as ConnectorRow[];
  }

  async get(name: string): Promise<ConnectorRow> {
    const row = (await queryOne(this.#db, 'SELECT * FROM connectors WHERE name = $1', [name])) as
      ConnectorRow | undefined;
    if (!row) throw ConnectorErrors.notFound({ name }, { name });
    return row;
  }

  async has(name: string): Promise<boolean> {
    return (await queryOne(this.#db, 'SELECT 1 AS found FROM connectors WHERE name = $1', [name])) !== undefined;
  }

  /** Whether operations may be carried to it: it exists, and its token is not revoked. */
  async stateOf(name: string): Promise<'active' | 'revoked' | 'missing'> {
    const row = await queryOne(this.#db, 'SELECT revoked_at FROM connectors WHERE name = $1', [name]);
    if (row === undefined) return 'missing';
    return row.revoked_at === null ? 'active' : 'revoked';
  }

  /** Its token stops working at once. */
  async revoke(name: string): Promise<ConnectorRow> {
    await this.#change(
      name,
      'UPDATE connectors SET revoked_at = COALESCE(revoked_at, $2), token_hash = NULL WHERE name = $1',
      [this.#clock().toISOString()],
    );
    return this.get(name);
  }

  /** A new token (returned this once); the old one stops working, a revoked connector is active again. */
  async issueToken(name: string): Promise<{ row: ConnectorRow; token: string }> {
    const token = newToken();
    await this.#change(
      name,
      'UPDATE connectors SET token_hash = $2, token_issued_at = $3, revoked_at = NULL WHERE name = $1',
      [hash(token), this.#clock().toISOString()],
    );
    return { row: await this.get(name), token };
  }

  async delete(name: string): Promise<void> {
    await this.#change(name, 'DELETE FROM connectors WHERE name = $1', []);
  }

  /** The connector a token belongs to; null when it is unknown or revoked. */
  async verify(token: string): Promise<string | null> {
    const row = await queryOne(this.#db, 'SELECT name FROM connectors WHERE token_hash = $1 AND revoked_at IS NULL', [
      hash(token),
    ]);
    return row === undefined ? null : String(row.name);
  }

  /** Records that it was seen now, from `address`, running `version`. */
  async touch(name: string, at: Date, address: string | null, version: string | null): Promise<void> {
    await this.#db.withTransaction((tx) =>
      tx.query(
        'UPDATE connectors SET last_seen_at = $1, last_address = COALESCE($2, last_address), version = COALESCE($3, version) WHERE name = $4',
        [at.toISOString(), address, version, name],
      ),
    );
  }

  /** One statement on the connector `name` ($1); AH_CONNECTOR_NOT_FOUND when there is none. */
  async #change(name: string, sql: string, values: readonly (string | null)[]): Promise<void> {
    const changed = await this.#db.withTransaction((tx) => tx.query(sql, [name, ...values]));
    if (changed.rowCount === 0) throw ConnectorErrors.notFound({ name }, { name });
  }
}
