// Generated initial passwords (Create New User with Generate Password): kept sealed under the master key until an
// admin retrieves one, once — the retrieval deletes it. Lists and answers about them never hold the password;
// only POST /api/initial-passwords/:id/retrieve does, and only the first time.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DnSyntaxError, firstRdnValue, normalizeDn } from '@actionhost/sdk';
import { queryAll, queryOne, type Database } from '../store/index.ts';
import type { InitialPasswordVault, InvocationBindings } from '../capabilities/index.ts';
import type { SecretSealer } from '../workflow/index.ts';
import { ApplicationErrors } from './errors.ts';

const PURPOSE = 'initial-password';

/** A kept initial password as lists show it: whose it is and where it came from, never the password. */
export const InitialPassword = z.object({
  id: z.string(),
  /** The Application's name (its id when the Application was deleted since). */
  application: z.string(),
  applicationId: z.string(),
  /** The user's DN, and its first RDN value (the CN, which Create New User makes the Username). */
  dn: z.string(),
  username: z.string(),
  plugin: z.string(),
  requestId: z.number().int().nullable(),
  executionId: z.string().nullable(),
  workflowId: z.string().nullable(),
  nodeId: z.string().nullable(),
  createdAt: z.string(),
});
export type InitialPassword = z.infer<typeof InitialPassword>;

/** The one answer that holds the password: POST /api/initial-passwords/:id/retrieve. */
export const RetrievedInitialPassword = InitialPassword.extend({
  password: z.string(),
  retrievedBy: z.string(),
  retrievedAt: z.string(),
});
export type RetrievedInitialPassword = z.infer<typeof RetrievedInitialPassword>;

interface Row {
  id: string;
  application_id: string;
  application_name: string | null;
  dn: string;
  dn_key: string;
  sealed: string;
  plugin: string;
  request_id: number | null;
  execution_id: string | null;
  workflow_id: string | null;
  node_id: string | null;
  created_at: string;
}

const SELECT = `SELECT p.*, a.name AS application_name FROM initial_passwords p LEFT JOIN applications a ON a.id = p.application_id`;

function dnKey(dn: string): string {
  try {
    return normalizeDn(dn);
  } catch (error) {
    if (error instanceof DnSyntaxError) return dn.toLowerCase();
    throw error;
  }
}

function usernameOf(dn: string): string {
  try {
    return firstRdnValue(dn);
  } catch {
    return dn;
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

function viewOf(row: Row): InitialPassword {
  return {
    id: row.id,
    application: row.application_name ?? row.application_id,
    applicationId: row.application_id,
    dn: row.dn,
    username: usernameOf(row.dn),
    plugin: row.plugin,
    requestId: row.request_id,
    executionId: row.execution_id,
    workflowId: row.workflow_id,
    nodeId: row.node_id,
    createdAt: row.created_at,
  };
}

export class InitialPasswords implements InitialPasswordVault {
  readonly #db: Database;
  readonly #sealer: SecretSealer;
  readonly #clock: () => Date;

  /** The table comes with the applications concern's migrations (ApplicationService applies them). */
  constructor(options: { db: Database; sealer: SecretSealer; clock?: () => Date }) {
    this.#db = options.db;
    this.#sealer = options.sealer;
    this.#clock = options.clock ?? (() => new Date());
  }

  async keep(entry: {
    applicationId: string;
    dn: string;
    password: string;
    plugin: string;
    bindings: InvocationBindings;
  }): Promise<string> {
    const id = `ip_${randomUUID()}`;
    const { bindings } = entry;
    const values = [
      id,
      entry.applicationId,
      entry.dn,
      dnKey(entry.dn),
      this.#sealer.sealValue(PURPOSE, entry.password),
      entry.plugin,
      typeof bindings.requestId === 'number' ? bindings.requestId : null,
      text(bindings.executionId),
      text(bindings.workflowId),
      text(bindings.nodeId),
      this.#clock().toISOString(),
    ];
    await this.#db.withTransaction((tx) =>
      tx.query(
        `INSERT INTO initial_passwords (id, application_id, dn, dn_key, sealed, plugin, request_id, execution_id,
         workflow_id, node_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        values,
      ),
    );
    return id;
  }

  async discard(id: string): Promise<void> {
    await this.#db.withTransaction((tx) => tx.query('DELETE FROM initial_passwords WHERE id = $1', [id]));
  }

  async forget(applicationId: string, dn: string): Promise<void> {
    const key = dnKey(dn);
    await this.#db.withTransaction((tx) =>
      tx.query('DELETE FROM initial_passwords WHERE application_id = $1 AND dn_key = $2', [applicationId, key]),
    );
  }

  /** Those not retrieved yet, newest first; `requestId` narrows to one request's. */
  async list(filter: { requestId?: number } = {}): Promise<InitialPassword[]> {
    const rows =
      filter.requestId === undefined
        ? await queryAll(this.#db, `${SELECT} ORDER BY p.created_at DESC, p.id`)
        : await queryAll(this.#db, `${SELECT} WHERE p.request_id = $1 ORDER BY p.created_at DESC, p.id`, [
            filter.requestId,
          ]);
    return (rows as unknown as Row[]).map(viewOf);
  }

  /** The password, once: the row is deleted in the same transaction it is read in. */
  async retrieve(id: string, actor: string): Promise<RetrievedInitialPassword> {
    return this.#db.withTransaction(async (tx) => {
      const row = (await queryOne(tx, `${SELECT} WHERE p.id = $1`, [id])) as Row | undefined;
      // Of two admins (or hosts) retrieving at once, only the one whose DELETE took the row gets the password.
      const deleted = row ? await tx.query('DELETE FROM initial_passwords WHERE id = $1', [id]) : null;
      if (!row || deleted?.rowCount === 0) throw ApplicationErrors.initialPasswordNotFound({ id }, { id });
      return {
        ...viewOf(row),
        password: this.#sealer.openValue(PURPOSE, row.sealed),
        retrievedBy: actor,
        retrievedAt: this.#clock().toISOString(),
      };
    });
  }
}
