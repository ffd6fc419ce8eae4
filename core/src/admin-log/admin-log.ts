// AdminLog: the one door to the admin action log. Every change a person or a token makes (tokens, credentials,
// applications, App Integrations, plugins, workflows, settings...) is appended here, redacted, with who and when.
import type { Database, Queryable } from '../store/index.ts';
import { ADMIN_LOG_MIGRATIONS, AdminLogRepository } from './repository.ts';
import { redactForLog } from './redact.ts';
import type { AdminAction, AdminActionCreate, AdminActionFilter, AdminActionPage } from './schemas.ts';

export interface AdminLogOptions {
  db: Database;
  clock?: () => Date;
}

/** How many entries the export reads per query: bounded memory, and the store is not held for long. */
const EXPORT_BATCH = 500;

export class AdminLog {
  readonly #repository: AdminLogRepository;
  readonly #clock: () => Date;

  private constructor(options: AdminLogOptions) {
    this.#repository = new AdminLogRepository(options.db);
    this.#clock = options.clock ?? (() => new Date());
  }

  static async open(options: AdminLogOptions): Promise<AdminLog> {
    await options.db.migrate('admin-log', ADMIN_LOG_MIGRATIONS);
    return new AdminLog(options);
  }

  /**
   * Appends one change. `before` and `after` are redacted here — secret-looking keys, sealed values and every
   * string in `secrets` (what the change's own body carried as a secret) — so no caller can forget to. With `tx`,
   * the entry is written in the caller's transaction (it stands or falls with the change).
   */
  async record(entry: AdminActionCreate, secrets: readonly string[] = [], tx?: Queryable): Promise<AdminAction> {
    return this.#repository.append(
      {
        ...entry,
        before: redactForLog(entry.before, secrets),
        after: redactForLog(entry.after, secrets),
      },
      this.#clock().toISOString(),
      tx,
    );
  }

  /** Newest first, `limit` per page; `next` continues with older entries. */
  async page(filter: AdminActionFilter, options: { limit?: number; before?: number } = {}): Promise<AdminActionPage> {
    const limit = options.limit ?? 50;
    // One more than asked tells whether an older page exists without a COUNT.
    const entries = await this.#repository.page(filter, limit + 1, options.before);
    const more = entries.length > limit;
    const shown = more ? entries.slice(0, limit) : entries;
    return { entries: shown, next: more ? shown[shown.length - 1].id : null };
  }

  /** Every matching entry after `after`, oldest first, read in batches (the JSON-lines export). */
  async *entries(filter: AdminActionFilter = {}, after = 0): AsyncGenerator<AdminAction> {
    let cursor = after;
    for (;;) {
      const batch = await this.#repository.since(filter, cursor, EXPORT_BATCH);
      yield* batch;
      if (batch.length < EXPORT_BATCH) return;
      cursor = batch[batch.length - 1].id;
    }
  }
}
