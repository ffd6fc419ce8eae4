// API tokens: bearer tokens with a role and an optional expiry, stored only as sha256 hashes. The plaintext exists
// once, in the answer that made it. Roles: admin (everything, incl. plugins, credentials and tokens), editor
// (workflows, executions), agent (requests, CIs). Managed through /api/tokens and `actionhost tokens`.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CoreErrors } from '../errors/index.ts';
import { queryAll, queryOne, type Database, type Migrations, type PgRow, type Queryable } from '../store/index.ts';

export const Role = z.enum(['admin', 'editor', 'agent']);
export type Role = z.infer<typeof Role>;

export const TokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  createdAt: z.string(),
  /** When the token stops working; null: never. */
  expiresAt: z.string().nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

export const TokenCreate = z
  .object({
    name: z.string().trim().min(1).max(100).describe('who or what holds it, e.g. "service desk agent Ada"'),
    role: Role,
    expiresAt: z.iso.datetime({ offset: true }).optional().describe('when it stops working (default: never)'),
  })
  .strict();
export type TokenCreate = z.infer<typeof TokenCreate>;

/** The one answer that carries the secret. */
export const TokenCreated = TokenInfo.extend({ token: z.string() });
export type TokenCreated = z.infer<typeof TokenCreated>;

/** What a start did about the admin token. */
export interface AdminBootstrap {
  /** The first admin's token when this start made it (shown once), else null. */
  token: string | null;
  created: boolean;
  /**
   * ACTIONHOST_ADMIN_TOKEN was set but is not a token of this data folder, which already has tokens: it was NOT
   * added (an environment variable must not silently make another admin). Recovery: `actionhost tokens create`.
   */
  presetIgnored: boolean;
}

export const API_TOKEN_MIGRATIONS: Migrations = {
  sqlite: [
    `CREATE TABLE api_tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
     created_at TEXT NOT NULL, revoked_at TEXT)`,
    `ALTER TABLE api_tokens ADD COLUMN expires_at TEXT`,
  ],
  // seq: the insertion order SQLite's rowid gives (tokens made in the same millisecond list in the order made).
  postgres: [
    `CREATE TABLE api_tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
     created_at TEXT NOT NULL, revoked_at TEXT, expires_at TEXT, seq BIGINT GENERATED ALWAYS AS IDENTITY)`,
  ],
};

const COLUMNS = 'id, name, role, created_at, expires_at';

function hash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function infoOf(row: PgRow): TokenInfo {
  return {
    id: String(row.id),
    name: String(row.name),
    role: Role.parse(row.role),
    createdAt: String(row.created_at),
    expiresAt: row.expires_at === null || row.expires_at === undefined ? null : String(row.expires_at),
  };
}

/** Whether a token of role `held` may use a route that needs `needed`. */
export function roleAllows(held: Role, needed: Role): boolean {
  return held === 'admin' || held === needed;
}

export class ApiTokens {
  readonly #db: Database;
  readonly #now: () => Date;
  /** The insertion order: SQLite's rowid, PostgreSQL's seq column. */
  readonly #inserted: string;

  private constructor(db: Database, options: { now?: () => Date }) {
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
    this.#inserted = db.dialect === 'sqlite' ? 'rowid' : 'seq';
  }

  static async open(db: Database, options: { now?: () => Date } = {}): Promise<ApiTokens> {
    await db.migrate('api', API_TOKEN_MIGRATIONS);
    return new ApiTokens(db, options);
  }

  /** Makes a token; the returned `token` is the only time the plaintext exists outside the caller. */
  async createToken(role: Role, name: string, options: { expiresAt?: string } = {}): Promise<TokenCreated> {
    const token = `ah_${randomBytes(32).toString('base64url')}`;
    return { ...(await this.#insert(role, name, token, options.expiresAt)), token };
  }

  /**
   * On every start. With no token yet, the first admin is ACTIONHOST_ADMIN_TOKEN when set, else a new token returned
   * to be printed once. Later, the variable is only honoured when it already is a token of this data folder.
   */
  async bootstrapAdmin(presetToken?: string): Promise<AdminBootstrap> {
    const token = `ah_${randomBytes(32).toString('base64url')}`;
    return this.#db.withTransaction(async (tx) => {
      // Hosts starting together on one PostgreSQL database: one of them makes the first admin.
      if (this.#db.dialect === 'postgres') await tx.query('LOCK TABLE api_tokens IN SHARE ROW EXCLUSIVE MODE');
      const count = await queryOne(tx, 'SELECT COUNT(*) AS n FROM api_tokens WHERE revoked_at IS NULL');
      if (Number(count?.n) > 0) {
        const ignored = presetToken !== undefined && (await this.#verify(tx, presetToken)) === null;
        return { token: null, created: false, presetIgnored: ignored };
      }
      if (presetToken !== undefined) {
        await this.#insert('admin', 'admin (ACTIONHOST_ADMIN_TOKEN)', presetToken, undefined, tx);
        return { token: null, created: true, presetIgnored: false };
      }
      await this.#insert('admin', 'first admin', token, undefined, tx);
      return { token, created: true, presetIgnored: false };
    });
  }

  /** The token's holder, or null when it is unknown, revoked or expired. */
  async verify(token: string): Promise<TokenInfo | null> {
    return this.#verify(this.#db, token);
  }

  /** Every token not revoked (expired ones included, with their expiresAt), oldest first. */
  async list(): Promise<TokenInfo[]> {
    const rows = await queryAll(
      this.#db,
      `SELECT ${COLUMNS} FROM api_tokens WHERE revoked_at IS NULL ORDER BY created_at, ${this.#inserted}`,
    );
    return rows.map(infoOf);
  }

  async get(id: string): Promise<TokenInfo | null> {
    const row = await queryOne(this.#db, `SELECT ${COLUMNS} FROM api_tokens WHERE id = $1 AND revoked_at IS NULL`, [
      id,
    ]);
    return row ? infoOf(row) : null;
  }

  /** Revokes a token at once (its next request is refused). AH_TOKEN_NOT_FOUND when there is no such live token. */
  async revoke(id: string): Promise<TokenInfo> {
    const token = await this.get(id);
    if (!token) throw CoreErrors.AH_TOKEN_NOT_FOUND({ id }, { id });
    const at = this.#now().toISOString();
    await this.#db.withTransaction((tx) =>
      tx.query('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id]),
    );
    return token;
  }

  /** Admin tokens that work now, other than `exceptId`. */
  async usableAdmins(exceptId?: string): Promise<number> {
    return (await this.list()).filter(
      (token) =>
        token.role === 'admin' &&
        token.id !== exceptId &&
        (token.expiresAt === null || token.expiresAt > this.#now().toISOString()),
    ).length;
  }

  async #verify(db: Queryable, token: string): Promise<TokenInfo | null> {
    const row = await queryOne(
      db,
      `SELECT ${COLUMNS} FROM api_tokens
        WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
      [hash(token), this.#now().toISOString()],
    );
    return row ? infoOf(row) : null;
  }

  async #insert(role: Role, name: string, token: string, expiresAt?: string, tx?: Queryable): Promise<TokenInfo> {
    let expires: string | null = null;
    if (expiresAt !== undefined) {
      const at = new Date(expiresAt);
      if (Number.isNaN(at.getTime()) || at <= this.#now()) {
        throw CoreErrors.AH_VALIDATION_FAILED(
          { what: 'token', path: '/expiresAt', problem: 'must be a date-time in the future' },
          { path: '/expiresAt' },
        );
      }
      expires = at.toISOString();
    }
    const info: TokenInfo = {
      id: randomUUID(),
      name,
      role: Role.parse(role),
      createdAt: this.#now().toISOString(),
      expiresAt: expires,
    };
    const insert = (db: Queryable) =>
      db.query(
        'INSERT INTO api_tokens (id, name, role, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [info.id, info.name, info.role, hash(token), info.createdAt, info.expiresAt],
      );
    await (tx ? insert(tx) : this.#db.withTransaction(insert));
    return info;
  }
}
