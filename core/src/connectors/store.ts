// The connectors an admin issued: name, description, the hash of the current token (the token itself is shown once),
// revocation, and what the host last saw of each (when, from where, which version) so health survives a restart.
import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../store/index.ts';
import { ConnectorErrors } from './errors.ts';

const MIGRATIONS = [
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
];

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

export class ConnectorStore {
  readonly #store: Store;
  readonly #clock: () => Date;

  constructor(store: Store, clock: () => Date = () => new Date()) {
    this.#store = store;
    this.#clock = clock;
    store.migrate('connectors', MIGRATIONS);
  }

  /** Registers a connector and issues its first token (returned this once). */
  create(input: { name: string; description: string }, actor: string): { row: ConnectorRow; token: string } {
    const token = newToken();
    const now = this.#clock().toISOString();
    const inserted = this.#store.db
      .prepare(
        `INSERT OR IGNORE INTO connectors (name, description, token_hash, token_issued_at, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(input.name, input.description, hash(token), now, actor, now);
    if (Number(inserted.changes) === 0)
      throw ConnectorErrors.exists({ name: input.name }, { name: input.name, path: '/name' });
    return { row: this.get(input.name), token };
  }

  list(): ConnectorRow[] {
    return this.#store.db.prepare('SELECT * FROM connectors ORDER BY name').all() as unknown as ConnectorRow[];
  }

  get(name: string): ConnectorRow {
    const row = this.#store.db.prepare('SELECT * FROM connectors WHERE name = ?').get(name) as ConnectorRow | undefined;
    if (!row) throw ConnectorErrors.notFound({ name }, { name });
    return row;
  }

  has(name: string): boolean {
    return this.#store.db.prepare('SELECT 1 FROM connectors WHERE name = ?').get(name) !== undefined;
  }

  /** Whether operations may be carried to it: it exists, and its token is not revoked. */
  stateOf(name: string): 'active' | 'revoked' | 'missing' {
    const row = this.#store.db.prepare('SELECT revoked_at FROM connectors WHERE name = ?').get(name) as
      { revoked_at: string | null } | undefined;
    if (row === undefined) return 'missing';
    return row.revoked_at === null ? 'active' : 'revoked';
  }

  /** Its token stops working at once. */
  revoke(name: string): ConnectorRow {
    this.get(name);
    this.#store.db
      .prepare('UPDATE connectors SET revoked_at = COALESCE(revoked_at, ?), token_hash = NULL WHERE name = ?')
      .run(this.#clock().toISOString(), name);
    return this.get(name);
  }

  /** A new token (returned this once); the old one stops working, a revoked connector is active again. */
  issueToken(name: string): { row: ConnectorRow; token: string } {
    this.get(name);
    const token = newToken();
    this.#store.db
      .prepare('UPDATE connectors SET token_hash = ?, token_issued_at = ?, revoked_at = NULL WHERE name = ?')
      .run(hash(token), this.#clock().toISOString(), name);
    return { row: this.get(name), token };
  }

  delete(name: string): void {
    this.get(name);
    this.#store.db.prepare('DELETE FROM connectors WHERE name = ?').run(name);
  }

  /** The connector a token belongs to; null when it is unknown or revoked. */
  verify(token: string): string | null {
    const row = this.#store.db
      .prepare('SELECT name FROM connectors WHERE token_hash = ? AND revoked_at IS NULL')
      .get(hash(token)) as { name: string } | undefined;
    return row?.name ?? null;
  }

  /** Records that it was seen now, from `address`, running `version`. */
  touch(name: string, at: Date, address: string | null, version: string | null): void {
    this.#store.db
      .prepare(
        'UPDATE connectors SET last_seen_at = ?, last_address = COALESCE(?, last_address), version = COALESCE(?, version) WHERE name = ?',
      )
      .run(at.toISOString(), address, version, name);
  }
}
