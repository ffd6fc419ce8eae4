// ItsmService: the one door to service-desk records, on either backend. Every change is one transaction that also
// writes its Audit Trail rows and (for requests) its outbox event, so the workflow engine never misses or invents a
// change. It is also the engine's RequestSource and AuditSink (the outbox half is in outbox.ts).
import { randomUUID } from 'node:crypto';
import type { Json } from '@actionhost/sdk';
import { SqliteDatabase, queryOne, type Database, type Queryable } from '../store/index.ts';
import { ItsmErrors, parseOrThrow } from './errors.ts';
import { ITSM_MIGRATIONS } from './migrations.ts';
import {
  Actor,
  CiIdentifierField,
  CiIdentifierValue,
  ConfigurationItemCreate,
  ConfigurationItemFilter,
  RequestCreate,
  RequestFilter,
  RequestPatch,
  type AuditEntry,
  type AuditEntryCreate,
  type ConfigurationItem,
  type FieldChange,
  type OutboxEvent,
  type Relation,
  type Request,
} from './schemas.ts';
import { applyPatch, insertRequest, selectRequest, selectRequests, writeRequest, type NewRequest } from './requests.ts';
import {
  RequestTemplateCreate,
  applyTemplate,
  insertTemplate,
  removeTemplate,
  selectTemplate,
  selectTemplates,
  REQUEST_FIELD_KEYS,
  type RequestTemplate,
} from './templates.ts';
import { findCis, insertCi, selectCi, selectCis, ciFromRow } from './configuration-items.ts';
import { APPEND_AUDIT, auditEntryOf, insertAudit, selectAudit } from './audit.ts';
import { Outbox, insertEvent } from './outbox.ts';

export interface ItsmServiceOptions {
  db: Database;
  clock?: () => Date;
  /**
   * How long a claimed event stays invisible to others before it is offered again (engine crashed). Default 5 min on
   * SQLite (the one engine gives every claim back when it starts), 30 s on PostgreSQL (a dead host's claims lapse).
   */
  eventLeaseMs?: number;
  /** This host, named on the events it claims on PostgreSQL (default: a random id). */
  hostId?: string;
}

/** Where a relation came from, kept on its Audit Trail entry. */
export interface LinkContext {
  invocationId?: string;
  executionId?: string;
}

export type LinkResult = Relation & { created: boolean };
export type OutboxListener = (event: OutboxEvent) => void;
type AuditOptions = { secrets?: readonly string[] };

export class ItsmService {
  readonly #db: Database;
  readonly #clock: () => Date;
  readonly #outbox: Outbox;
  readonly #listeners = new Set<OutboxListener>();

  private constructor(options: ItsmServiceOptions) {
    this.#db = options.db;
    this.#clock = options.clock ?? (() => new Date());
    this.#outbox = new Outbox({
      db: options.db,
      clock: this.#clock,
      leaseMs: options.eventLeaseMs ?? (options.db.dialect === 'postgres' ? 30_000 : 5 * 60_000),
      hostId: options.hostId ?? `host-${randomUUID()}`,
    });
  }

  static async open(options: ItsmServiceOptions): Promise<ItsmService> {
    await options.db.migrate('itsm', ITSM_MIGRATIONS);
    return new ItsmService(options);
  }

  #now(): string {
    return this.#clock().toISOString();
  }

  // --- Requests ---------------------------------------------------------------------------------------

  /** Creates a request; raised from a template, it gets the template's kind, subject, field values and defaults. */
  async createRequest(input: RequestCreate, actor: string): Promise<{ request: Request; event: OutboxEvent }> {
    const parsed = parseOrThrow(RequestCreate, input, 'request');
    const who = parseOrThrow(Actor, actor, 'actor');
    const now = this.#now();
    const result = await this.#db.withTransaction(async (tx) => {
      const request = await insertRequest(tx, this.#db.dialect, await this.#settled(tx, parsed), who, now);
      await insertAudit(tx, request.internalId, 'request.created', who, now, {
        displayId: request.displayId,
        kind: request.kind,
        subject: request.subject,
        ...(request.template !== null ? { template: request.template } : {}),
      });
      const event = await insertEvent(tx, this.#db, 'request.created', request.internalId, [], who, now);
      return { request, event };
    });
    this.#notify(result.event);
    return result;
  }

  /** Applies the fields that differ; each one is audited and the event lists them. No difference: no event. */
  async updateRequest(
    internalId: number,
    patch: RequestPatch,
    actor: string,
  ): Promise<{ request: Request; changes: FieldChange[]; event: OutboxEvent | null }> {
    const parsed = parseOrThrow(RequestPatch, patch, 'request patch');
    const who = parseOrThrow(Actor, actor, 'actor');
    const now = this.#now();
    const result = await this.#db.withTransaction(async (tx) => {
      const current = await selectRequest(tx, internalId);
      if (current === null) throw ItsmErrors.requestNotFound(internalId);
      if (typeof parsed.template === 'string' && (await selectTemplate(tx, parsed.template)) === null)
        throw ItsmErrors.templateNotFound(parsed.template, '/template');
      const { next, changes } = applyPatch(current, parsed);
      if (changes.length === 0) return { request: current, changes, event: null };
      const request = await writeRequest(tx, next, now);
      for (const change of changes) await insertAudit(tx, internalId, 'field.changed', who, now, change);
      const event = await insertEvent(tx, this.#db, 'request.updated', internalId, changes, who, now);
      return { request, changes, event };
    });
    if (result.event) this.#notify(result.event);
    return result;
  }

  async getRequest(internalId: number): Promise<Request> {
    const request = await selectRequest(this.#db, internalId);
    if (request === null) throw ItsmErrors.requestNotFound(internalId);
    return request;
  }

  async listRequests(filter: RequestFilter = {}): Promise<Request[]> {
    return selectRequests(this.#db, parseOrThrow(RequestFilter, filter, 'request filter'));
  }

  /** The body with its kind and subject settled: from the template it names (its fields applied), or its own. */
  async #settled(tx: Queryable, parsed: ReturnType<typeof RequestCreate.parse>): Promise<NewRequest> {
    const { fields, kind, subject, ...rest } = parsed;
    if (parsed.template === null) return { ...rest, kind: kind!, subject: subject! };
    const template = await selectTemplate(tx, parsed.template);
    if (template === null) throw ItsmErrors.templateNotFound(parsed.template, '/template');
    const filled = applyTemplate(template, { ...parsed, fields });
    return {
      ...rest,
      ...filled.requestFields,
      kind: filled.kind,
      subject: filled.subject,
      customFields: filled.customFields,
    };
  }

  // --- Request templates ------------------------------------------------------------------------------

  async createTemplate(input: RequestTemplateCreate, actor: string): Promise<RequestTemplate> {
    const parsed = parseOrThrow(RequestTemplateCreate, input, 'request template');
    const who = parseOrThrow(Actor, actor, 'actor');
    const template = await insertTemplate(this.#db, parsed, who, this.#now());
    if (template === null) throw ItsmErrors.templateExists(parsed.name);
    return template;
  }

  async getTemplate(name: string): Promise<RequestTemplate> {
    const template = await selectTemplate(this.#db, name);
    if (template === null) throw ItsmErrors.templateNotFound(name);
    return template;
  }

  async listTemplates(): Promise<RequestTemplate[]> {
    return selectTemplates(this.#db, this.#db.dialect);
  }

  /** Requests raised from it keep its name and their values. */
  async deleteTemplate(name: string): Promise<void> {
    if (!(await removeTemplate(this.#db, name))) throw ItsmErrors.templateNotFound(name);
  }

  /** The keys of template fields that become custom fields: workflows may name them without `customFields.`. */
  async templateFieldNames(): Promise<string[]> {
    const names = new Set<string>();
    for (const template of await this.listTemplates())
      for (const field of template.fields) if (!REQUEST_FIELD_KEYS.includes(field.key as never)) names.add(field.key);
    return [...names];
  }

  // --- Configuration Items ----------------------------------------------------------------------------

  async createConfigurationItem(input: ConfigurationItemCreate, actor: string): Promise<ConfigurationItem> {
    const parsed = parseOrThrow(ConfigurationItemCreate, input, 'configuration item');
    const who = parseOrThrow(Actor, actor, 'actor');
    return insertCi(this.#db, parsed, who, this.#now());
  }

  async getConfigurationItem(id: number): Promise<ConfigurationItem> {
    const ci = await selectCi(this.#db, id);
    if (ci === null) throw ItsmErrors.ciNotFound(id);
    return ci;
  }

  async listConfigurationItems(filter: ConfigurationItemFilter = {}): Promise<ConfigurationItem[]> {
    return selectCis(this.#db, parseOrThrow(ConfigurationItemFilter, filter, 'configuration item filter'));
  }

  /** CIs whose identifier matches (ip/serial exact, hostname case-insensitive, MAC in any notation), at most 100. */
  async findConfigurationItems(field: CiIdentifierField, value: string): Promise<ConfigurationItem[]> {
    const parsedField = parseOrThrow(CiIdentifierField, field, 'identifier field');
    return findCis(this.#db, parsedField, parseOrThrow(CiIdentifierValue, value, 'identifier value'));
  }

  // --- Relations --------------------------------------------------------------------------------------

  /** Links a CI to a request once: a second call returns the existing relation with `created: false`. */
  async linkConfigurationItem(
    requestId: number,
    ciId: number,
    actor: string,
    context: LinkContext = {},
  ): Promise<LinkResult> {
    const who = parseOrThrow(Actor, actor, 'actor');
    const now = this.#now();
    return this.#db.withTransaction(async (tx) => {
      if ((await selectRequest(tx, requestId)) === null) throw ItsmErrors.requestNotFound(requestId);
      const ci = await selectCi(tx, ciId);
      if (ci === null) throw ItsmErrors.ciNotFound(ciId);
      const inserted = await tx.query(
        `INSERT INTO itsm_relations (request_id, ci_id, created_at, created_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (request_id, ci_id) DO NOTHING`,
        [requestId, ciId, now, who],
      );
      const created = (inserted.rowCount ?? 0) > 0;
      if (created) {
        const data: Record<string, Json> = { ciId, ciName: ci.name };
        if (context.invocationId) data.invocationId = context.invocationId;
        if (context.executionId) data.executionId = context.executionId;
        await insertAudit(tx, requestId, 'relation.added', who, now, data);
      }
      const row = (await queryOne(
        tx,
        'SELECT created_at, created_by FROM itsm_relations WHERE request_id = $1 AND ci_id = $2',
        [requestId, ciId],
      ))!;
      const [createdAt, createdBy] = [String(row.created_at), String(row.created_by)];
      return { requestId, ciId, createdAt, createdBy, configurationItem: ci, created };
    });
  }

  /** The request's Relations tab, oldest first, each with its CI. */
  async listRelations(requestId: number): Promise<Relation[]> {
    if ((await selectRequest(this.#db, requestId)) === null) throw ItsmErrors.requestNotFound(requestId);
    const { rows } = await this.#db.query(
      `SELECT r.request_id, r.ci_id, r.created_at AS relation_created_at, r.created_by AS relation_created_by, c.*
      FROM itsm_relations r JOIN itsm_configuration_items c ON c.id = r.ci_id WHERE r.request_id = $1
      ORDER BY r.created_at, r.ci_id`,
      [requestId],
    );
    return rows.map((row) => ({
      requestId: Number(row.request_id),
      ciId: Number(row.ci_id),
      createdAt: String(row.relation_created_at),
      createdBy: String(row.relation_created_by),
      configurationItem: ciFromRow(row),
    }));
  }

  // --- Audit Trail ------------------------------------------------------------------------------------

  /**
   * Appends an entry. For `plugin.execution`, inputs under secret-looking keys are redacted and the output
   * summary truncated here too, whatever the caller did; `secrets` (e.g. `secretValues(credential)`) are
   * replaced wherever they occur in the entry. `client`: a transaction to write in (the engine's step result's).
   */
  async recordAudit(
    requestId: number,
    entry: AuditEntryCreate,
    options: AuditOptions = {},
    client: Queryable = this.#db,
  ): Promise<AuditEntry> {
    const { kind, actor, data } = auditEntryOf(entry, options.secrets ?? []);
    const at = this.#now();
    const row = await queryOne(client, APPEND_AUDIT, [requestId, kind, actor, at, JSON.stringify(data)]);
    if (!row) throw ItsmErrors.requestNotFound(requestId);
    return { id: Number(row.id), requestId, kind, actor, at, data } as AuditEntry;
  }

  /**
   * The Audit Trail as the engine's SQLite repository needs it: written synchronously, so that the entry joins the
   * transaction of the step result it describes (both in one group commit). On PostgreSQL, the service itself
   * (its recordAudit takes the step's transaction).
   */
  get stepAudit(): { recordAudit(requestId: number, entry: AuditEntryCreate, options?: AuditOptions): unknown } {
    if (!(this.#db instanceof SqliteDatabase)) return this;
    const statement = this.#db.store.db.prepare(APPEND_AUDIT.replace(/\$(\d)/g, '?$1'));
    return {
      recordAudit: (requestId, entry, options = {}) => {
        const { kind, actor, data } = auditEntryOf(entry, options.secrets ?? []);
        const at = this.#now();
        const row = statement.get(requestId, kind, actor, at, JSON.stringify(data));
        if (!row) throw ItsmErrors.requestNotFound(requestId);
        return { id: Number(row.id), requestId, kind, actor, at, data };
      },
    };
  }

  async listAudit(requestId: number): Promise<AuditEntry[]> {
    if ((await selectRequest(this.#db, requestId)) === null) throw ItsmErrors.requestNotFound(requestId);
    return selectAudit(this.#db, requestId);
  }

  // --- Outbox (for the workflow engine) --------------------------------------------------------------

  /** Unprocessed events without a live claim, oldest first. */
  async pendingEvents(limit = 100): Promise<OutboxEvent[]> {
    return this.#outbox.pending(clampLimit(limit));
  }

  /** Claims an event for processing; null when it is processed or someone else holds a live claim. */
  async claimEvent(id: number): Promise<OutboxEvent | null> {
    const claimed = await this.#outbox.claim(id);
    if (claimed === null && (await this.#outbox.select(id)) === null) throw ItsmErrors.eventNotFound(id);
    return claimed;
  }

  /** Claims up to `limit` pending events at once, oldest first (one statement: the engine's intake batch). */
  async claimEvents(limit = 100): Promise<OutboxEvent[]> {
    return this.#outbox.claimBatch(clampLimit(limit));
  }

  /** Marks several events done in one statement (idempotent, like markEventProcessed). */
  async markEventsProcessed(ids: readonly number[]): Promise<number> {
    return this.#outbox.markManyProcessed(ids);
  }

  /** Unprocessed events and when the oldest was written: how far the engine is behind the outbox. */
  async outboxLag(): Promise<{ pending: number; oldestCreatedAt: string | null }> {
    return this.#outbox.lag();
  }

  /** Marks an event done (idempotent: a second call keeps the first processedAt). */
  async markEventProcessed(id: number): Promise<OutboxEvent> {
    const event = await this.#outbox.markProcessed(id);
    if (event === null) throw ItsmErrors.eventNotFound(id);
    return event;
  }

  /**
   * Gives back claims when the engine starts, since a claim held by a killed process would otherwise wait out its
   * lease: on SQLite every claim (one engine per file), on PostgreSQL this host's. Returns how many.
   */
  async releaseClaims(): Promise<number> {
    return this.#outbox.releaseAll();
  }

  /** Events not processed yet (claimed or not): the intake backlog. */
  async unprocessedEventCount(): Promise<number> {
    return (await this.#outbox.lag()).pending;
  }

  /** Gives a claim back (e.g. the engine is shutting down) so the event is offered again at once. */
  async releaseEvent(id: number): Promise<void> {
    if (!(await this.#outbox.release(id)) && (await this.#outbox.select(id)) === null)
      throw ItsmErrors.eventNotFound(id);
  }

  /**
   * Called after an event's transaction committed, so the engine need not poll for fresh changes. Polling
   * `pendingEvents` stays the source of truth: a listener misses events written by another process (on
   * PostgreSQL, NOTIFY tells the other hosts).
   */
  onEvent(listener: OutboxListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(event: OutboxEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        /* a listener's failure must not undo a committed change */
      }
    }
  }
}

function clampLimit(limit: number): number {
  return Math.max(1, Math.min(limit, 1000));
}
