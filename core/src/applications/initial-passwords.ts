// Generated initial passwords (Create New User with Generate Password): kept sealed under the master key until an
// admin retrieves one, once — the retrieval deletes it. Lists and answers about them never hold the password;
// only POST /api/initial-passwords/:id/retrieve does, and only the first time.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DnSyntaxError, firstRdnValue, normalizeDn } from '@actionhost/sdk';
import type { Store } from '../store/index.ts';
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
  readonly #store: Store;
  readonly #sealer: SecretSealer;
  readonly #clock: () => Date;

  /** The table comes with the applications concern's migrations (ApplicationService applies them). */
  constructor(options: { store: Store; sealer: SecretSealer; clock?: () => Date }) {
    this.#store = options.store;
    this.#sealer = options.sealer;
    this.#clock = options.clock ?? (() => new Date());
  }

  keep(entry: {
    applicationId: string;
    dn: string;
    password: string;
    plugin: string;
    bindings: InvocationBindings;
  }): string {
    const id = `ip_${randomUUID()}`;
    const { bindings } = entry;
    this.#store.db
      .prepare(
        `INSERT INTO initial_passwords (id, application_id, dn, dn_key, sealed, plugin, request_id, execution_id,
         workflow_id, node_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
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
      );
    return id;
  }

  discard(id: string): void {
    this.#store.db.prepare('DELETE FROM initial_passwords WHERE id = ?').run(id);
  }

  forget(applicationId: string, dn: string): void {
    this.#store.db
      .prepare('DELETE FROM initial_passwords WHERE application_id = ? AND dn_key = ?')
      .run(applicationId, dnKey(dn));
  }

  /** Those not retrieved yet, newest first; `requestId` narrows to one request's. */
  list(filter: { requestId?: number } = {}): InitialPassword[] {
    const rows =
      filter.requestId === undefined
        ? this.#store.db.prepare(`${SELECT} ORDER BY p.created_at DESC, p.id`).all()
        : this.#store.db
            .prepare(`${SELECT} WHERE p.request_id = ? ORDER BY p.created_at DESC, p.id`)
            .all(filter.requestId);
    return (rows as unknown as Row[]).map(viewOf);
  }

  /** The password, once: the row is deleted in the same transaction it is read in. */
  retrieve(id: string, actor: string): RetrievedInitialPassword {
    return this.#store.transaction(() => {
      const row = this.#store.db.prepare(`${SELECT} WHERE p.id = ?`).get(id) as Row | undefined;
      if (!row) throw ApplicationErrors.initialPasswordNotFound({ id }, { id });
      this.#store.db.prepare('DELETE FROM initial_passwords WHERE id = ?').run(id);
      return {
        ...viewOf(row),
        password: this.#sealer.openValue(PURPOSE, row.sealed),
        retrievedBy: actor,
        retrievedAt: this.#clock().toISOString(),
      };
    });
  }
}
