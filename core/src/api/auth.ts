// API tokens: bearer tokens with a role, stored only as sha256 hashes. The plaintext is shown once, when made.
// Roles: admin (everything, incl. plugins and credentials), editor (workflows, executions), agent (requests, CIs).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../store/index.ts';

export const Role = z.enum(['admin', 'editor', 'agent']);
export type Role = z.infer<typeof Role>;

export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
}

const MIGRATIONS = [
  `CREATE TABLE api_tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
     created_at TEXT NOT NULL, revoked_at TEXT)`,
];

function hash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether a token of role `held` may use a route that needs `needed`. */
export function roleAllows(held: Role, needed: Role): boolean {
  return held === 'admin' || held === needed;
}

export class ApiTokens {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
    store.migrate('api', MIGRATIONS);
  }

  /** Makes a token; the returned `token` is the only time the plaintext exists outside the caller. */
  createToken(role: Role, name: string): TokenInfo & { token: string } {
    const token = `ah_${randomBytes(32).toString('base64url')}`;
    return { ...this.#insert(role, name, token), token };
  }

  /** First start: makes sure an admin can log in. A preset token (ACTIONHOST_ADMIN_TOKEN) is registered as admin;
   * otherwise, when no token exists, a new admin token is made and returned so the CLI can print it once. */
  bootstrapAdmin(presetToken?: string): { token: string | null; created: boolean } {
    if (presetToken) {
      if (presetToken.length < 16) throw new Error('ACTIONHOST_ADMIN_TOKEN must be at least 16 characters');
      if (this.verify(presetToken)) return { token: null, created: false };
      this.#insert('admin', 'admin (preset)', presetToken);
      return { token: null, created: true };
    }
    const count = this.#store.db.prepare('SELECT COUNT(*) AS n FROM api_tokens WHERE revoked_at IS NULL').get() as {
      n: number;
    };
    if (count.n > 0) return { token: null, created: false };
    return { token: this.createToken('admin', 'first admin').token, created: true };
  }

  verify(token: string): TokenInfo | null {
    const row = this.#store.db
      .prepare('SELECT id, name, role, created_at FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL')
      .get(hash(token)) as Record<string, string> | undefined;
    return row ? { id: row.id, name: row.name, role: row.role as Role, createdAt: row.created_at } : null;
  }

  list(): TokenInfo[] {
    return (
      this.#store.db
        .prepare('SELECT id, name, role, created_at FROM api_tokens WHERE revoked_at IS NULL ORDER BY created_at')
        .all() as Record<string, string>[]
    ).map((row) => ({ id: row.id, name: row.name, role: row.role as Role, createdAt: row.created_at }));
  }

  revoke(id: string): boolean {
    return (
      Number(
        this.#store.db
          .prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
          .run(new Date().toISOString(), id).changes,
      ) > 0
    );
  }

  #insert(role: Role, name: string, token: string): TokenInfo {
    const info: TokenInfo = { id: randomUUID(), name, role: Role.parse(role), createdAt: new Date().toISOString() };
    this.#store.db
      .prepare('INSERT INTO api_tokens (id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(info.id, info.name, info.role, hash(token), info.createdAt);
    return info;
  }
}
