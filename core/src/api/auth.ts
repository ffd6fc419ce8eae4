// API tokens: bearer tokens with a role and an optional expiry, stored only as sha256 hashes. The plaintext exists
// once, in the answer that made it. Roles: admin (everything, incl. plugins, credentials and tokens), editor
// (workflows, executions), agent (requests, CIs). Managed through /api/tokens and `actionhost tokens`.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CoreErrors } from '../errors/index.ts';
import type { Store } from '../store/index.ts';

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

const MIGRATIONS = [
  `CREATE TABLE api_tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
     created_at TEXT NOT NULL, revoked_at TEXT)`,
  `ALTER TABLE api_tokens ADD COLUMN expires_at TEXT`,
];

const COLUMNS = 'id, name, role, created_at, expires_at';

function hash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function infoOf(row: Record<string, string | null>): TokenInfo {
  return {
    id: row.id!,
    name: row.name!,
    role: Role.parse(row.role),
    createdAt: row.created_at!,
    expiresAt: row.expires_at ?? null,
  };
}

/** Whether a token of role `held` may use a route that needs `needed`. */
export function roleAllows(held: Role, needed: Role): boolean {
  return held === 'admin' || held === needed;
}

export class ApiTokens {
  readonly #store: Store;
  readonly #now: () => Date;

  constructor(store: Store, options: { now?: () => Date } = {}) {
    this.#store = store;
    this.#now = options.now ?? (() => new Date());
    store.migrate('api', MIGRATIONS);
  }

  /** Makes a token; the returned `token` is the only time the plaintext exists outside the caller. */
  createToken(role: Role, name: string, options: { expiresAt?: string } = {}): TokenCreated {
    const token = `ah_${randomBytes(32).toString('base64url')}`;
    return { ...this.#insert(role, name, token, options.expiresAt), token };
  }

  /**
   * On every start. With no token yet, the first admin is ACTIONHOST_ADMIN_TOKEN when set, else a new token returned
   * to be printed once. Later, the variable is only honoured when it already is a token of this data folder.
   */
  bootstrapAdmin(presetToken?: string): AdminBootstrap {
    const count = this.#store.db.prepare('SELECT COUNT(*) AS n FROM api_tokens WHERE revoked_at IS NULL').get() as {
      n: number;
    };
    if (count.n > 0) {
      const ignored = presetToken !== undefined && this.verify(presetToken) === null;
      return { token: null, created: false, presetIgnored: ignored };
    }
    if (presetToken !== undefined) {
      this.#insert('admin', 'admin (ACTIONHOST_ADMIN_TOKEN)', presetToken);
      return { token: null, created: true, presetIgnored: false };
    }
    return { token: this.createToken('admin', 'first admin').token, created: true, presetIgnored: false };
  }

  /** The token's holder, or null when it is unknown, revoked or expired. */
  verify(token: string): TokenInfo | null {
    const row = this.#store.db
      .prepare(
        `SELECT ${COLUMNS} FROM api_tokens
          WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`,
      )
      .get(hash(token), this.#now().toISOString()) as Record<string, string | null> | undefined;
    return row ? infoOf(row) : null;
  }

  /** Every token not revoked (expired ones included, with their expiresAt), oldest first. */
  list(): TokenInfo[] {
    return (
      this.#store.db
        .prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE revoked_at IS NULL ORDER BY created_at, rowid`)
        .all() as Record<string, string | null>[]
    ).map(infoOf);
  }

  get(id: string): TokenInfo | null {
    const row = this.#store.db
      .prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE id = ? AND revoked_at IS NULL`)
      .get(id) as Record<string, string | null> | undefined;
    return row ? infoOf(row) : null;
  }

  /** Revokes a token at once (its next request is refused). AH_TOKEN_NOT_FOUND when there is no such live token. */
  revoke(id: string): TokenInfo {
    const token = this.get(id);
    if (!token) throw CoreErrors.AH_TOKEN_NOT_FOUND({ id }, { id });
    this.#store.db
      .prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(this.#now().toISOString(), id);
    return token;
  }

  /** Admin tokens that work now, other than `exceptId`. */
  usableAdmins(exceptId?: string): number {
    return this.list().filter(
      (token) =>
        token.role === 'admin' &&
        token.id !== exceptId &&
        (token.expiresAt === null || token.expiresAt > this.#now().toISOString()),
    ).length;
  }

  #insert(role: Role, name: string, token: string, expiresAt?: string): TokenInfo {
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
    this.#store.db
      .prepare('INSERT INTO api_tokens (id, name, role, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(info.id, info.name, info.role, hash(token), info.createdAt, info.expiresAt);
    return info;
  }
}
