// ItsmService: the one door to service-desk records. Every change is one transaction that also writes its
// Audit Trail rows and (for requests) its outbox event, so the workflow engine never misses or invents a change.
import type { Json } from '@actionhost/sdk';
import type { Store } from '../store/index.ts';
import { ItsmErrors, parseOrThrow } from './errors.ts';
import { ITSM_MIGRATIONS } from './migrations.ts';
import {
  Actor,
  AuditEntryCreate,
  CiIdentifierField,
  CiIdentifierValue,
  ConfigurationItemCreate,
  ConfigurationItemFilter,
  RequestCreate,
  RequestFilter,
  RequestPatch,
  type AuditEntry,
  type ConfigurationItem,
  type FieldChange,
  type OutboxEvent,
  type Relation,
  type Request,
} from './schemas.ts';
import {
  applyPatch,
  insertRequest,
  requestExists,
  selectRequest,
  selectRequests,
  writeRequest,
  type NewRequest,
} from './requests.ts';
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
import { insertAudit, redactSecretKeys, redactSecrets, selectAudit, truncate } from './audit.ts';
import {
  claim,
  claimBatch,
  countUnprocessed,
  lag,
  insertEvent,
  release,
  releaseAll,
  selectEvent,
  selectPending,
  setProcessed,
} from './outbox.ts';

export interface ItsmServiceOptions {
  store: Store;
  clock?: () => Date;
  /** How long a claimed event stays invisible to others before it is offered again (engine crashed). */
  eventLeaseMs?: number;
}

/** Where a relation came from, kept on its Audit Trail entry. */
export interface LinkContext {
  invocationId?: string;
  executionId?: string;
}

export type LinkResult = Relation & { created: boolean };
export type OutboxListener = (event: OutboxEvent) => void;

export class ItsmService {
  readonly #store: Store;
  readonly #clock: () => Date;
  readonly #leaseMs: number;
  readonly #listeners = new Set<OutboxListener>();

  constructor(options: ItsmServiceOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? (() => new Date());
    this.#leaseMs = options.eventLeaseMs ?? 5 * 60_000;
    this.#store.migrate('itsm', ITSM_MIGRATIONS);
  }

  get #db() {
    return this.#store.db;
  }
  #now(): string {
    return this.#clock().toISOString();
  }

  // --- Requests ---------------------------------------------------------------------------------------

  /** Creates a request; raised from a template, it gets the template's kind, subject, field values and defaults. */
  createRequest(input: RequestCreate, actor: string): { request: Request; event: OutboxEvent } {
    const parsed = parseOrThrow(RequestCreate, input, 'request');
    const who = parseOrThrow(Actor, actor, 'actor');
    const now = this.#now();
    const result = this.#store.transaction(() => {
      const request = insertRequest(this.#db, this.#settled(parsed), who, now);
      insertAudit(this.#db, request.internalId, 'request.created', who, now, {
        displayId: request.displayId,
        kind: request.kind,
        subject: request.subject,
        ...(request.template !== null ? { template: request.template } : {}),
      });
      const event = insertEvent(this.#db, 'request.created', request.internalId, [], who, now);
      return { request, event };
    });
    this.#notify(result.event);
    return result;
  }

  /** Applies the fields that differ; each one is audited and the event lists them. No difference: no event. */
  updateRequest(
    internalId: number,
    patch: RequestPatch,
    actor: string,
  ): { request: Request; changes: FieldChange[]; event: OutboxEvent | null } {
    const parsed = parseOrThrow(RequestPatch, patch, 'request patch');
    const who = parseOrThrow(Actor, actor, 'actor');
    const now = this.#now();
    const result = this.#store.transaction(() => {
      const current = selectRequest(this.#db, internalId);
      if (current === null) throw ItsmErrors.requestNotFound(internalId);
      if (typeof parsed.template === 'string' && selectTemplate(this.#db, parsed.template) === null)
        throw ItsmErrors.templateNotFound(parsed.template, '/template');
      const { next, changes } = applyPatch(current, parsed);
      if (changes.length === 0) return { request: current, changes, event: null };
      const request = writeRequest(this.#db, next, now);
      for (const change of changes) insertAudit(this.#db, internalId, 'field.changed', who, now, change);
      const event = insertEvent(this.#db, 'request.updated', internalId, changes, who, now);
      return { request, changes, event };
    });
    if (result.event) this.#notify(result.event);
    return result;
  }

  getRequest(internalId: number): Request {
    const request = selectRequest(this.#db, internalId);
    if (request === null) throw ItsmErrors.requestNotFound(internalId);
    return request;
  }

  listRequests(filter: RequestFilter = {}): Request[] {
    return selectRequests(this.#db, parseOrThrow(RequestFilter, filter, 'request filter'));
  }

  /** The body with its kind and subject settled: from the template it names (its fields applied), or its own. */
  #settled(parsed: ReturnType<typeof RequestCreate.parse>): NewRequest {
    const { fields, kind, subject, ...rest } = parsed;
    if (parsed.template === null) return { ...rest, kind: kind!, subject: subject! };
    const template = selectTemplate(this.#db, parsed.template);
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

  createTemplate(input: RequestTemplateCreate, actor: string): RequestTemplate {
    const parsed = parseOrThrow(RequestTemplateCreate, input, 'request template');
    const who = parseOrThrow(Actor, actor, 'actor');
    return this.#store.transaction(() => {
      const template = insertTemplate(this.#db, parsed, who, this.#now());
      if (template === null) throw ItsmErrors.templateExists(parsed.name);
      return template;
    });
  }

  getTemplate(name: string): RequestTemplate {
    const template = selectTemplate(this.#db, name);
    if (template === null) throw ItsmErrors.templateNotFound(name);
    return template;
  }

  listTemplates(): RequestTemplate[] {
    return selectTemplates(this.#db);
  }

  /** Requests raised from it keep its name and their values. */
  deleteTemplate(name: string): void {
    if (!removeTemplate(this.#db, name)) throw ItsmErrors.templateNotFound(name);
  }

  /** The keys of template fields that become custom fields: workflows may name them without `customFields.`. */
  templateFieldNames(): string[] {
    const names = new Set<string>();
    for (const template of selectTemplates(this.#db))
      for (const field of template.fields) if (!REQUEST_FIELD_KEYS.includes(field.key as never)) names.add(field.key);
    return [...names];
  }

  // --- Configuration Items ----------------------------------------------------------------------------

  createConfigurationItem(input: ConfigurationItemCreate, actor: string): ConfigurationItem {
    const parsed = parseOrThrow(ConfigurationItemCreate, input, 'configuration item');
    const who = parseOrThrow(Actor, actor, 'actor');
    return this.#store.transaction(() => insertCi(this.#db, parsed, who, this.#now()));
  }

  getConfigurationItem(id: number): ConfigurationItem {
    const ci = selectCi(this.#db, id);
    if (ci === null) throw ItsmErrors.ciNotFound(id);
    return ci;
  }

  listConfigurationItems(filter: ConfigurationItemFilter = {}): ConfigurationItem[] {
    return selectCis(this.#db, parseOrThrow(ConfigurationItemFilter, filter, 'configuration item filter'));
  }

  /** CIs whose identifier matches (ip/serial exact, hostname case-insensitive, MAC in any notation), at most 100. */
  findConfigurationItems(field: CiIdentifierField, value: string): ConfigurationItem[] {
    const parsedField = parseOrThrow(CiIdentifierField, field, 'identifier field');
    return findCis(this.#db, parsedField, parseOrThrow(CiIdentifierValue, value, 'identifier value'));
  }

  // --- Relations --------------------------------------------------------------------------------------

  /** Links a CI to a request once: a second call returns the existing relation with `created: false`. */
  linkConfigurationItem(requestId: number, ciId: number, actor: string, context: LinkContext = {}): LinkResult {
    const who = parseOrThrow(Actor, actor, 'actor');
    const now = this.#now();
    return this.#store.transaction(() => {
      if (selectRequest(this.#db, requestId) === null) throw ItsmErrors.requestNotFound(requestId);
      const ci = selectCi(this.#db, ciId);
      if (ci === null) throw ItsmErrors.ciNotFound(ciId);
      const inserted = this.#db
        .prepare('INSERT OR IGNORE INTO itsm_relations (request_id, ci_id, created_at, created_by) VALUES (?, ?, ?, ?)')
        .run(requestId, ciId, now, who);
      const created = Number(inserted.changes) > 0;
      if (created) {
        const data: Record<string, Json> = { ciId, ciName: ci.name };
        if (context.invocationId) data.invocationId = context.invocationId;
        if (context.executionId) data.executionId = context.executionId;
        insertAudit(this.#db, requestId, 'relation.added', who, now, data);
      }
      const row = this.#db
        .prepare('SELECT created_at, created_by FROM itsm_relations WHERE request_id = ? AND ci_id = ?')
        .get(requestId, ciId) as { created_at: string; created_by: string };
      return { requestId, ciId, createdAt: row.created_at, createdBy: row.created_by, configurationItem: ci, created };
    });
  }

  /** The request's Relations tab, oldest first, each with its CI. */
  listRelations(requestId: number): Relation[] {
    if (selectRequest(this.#db, requestId) === null) throw ItsmErrors.requestNotFound(requestId);
    const rows = this.#db
      .prepare(
        `SELECT r.request_id, r.ci_id, r.created_at AS relation_created_at, r.created_by AS relation_created_by, c.*
      FROM itsm_relations r JOIN itsm_configuration_items c ON c.id = r.ci_id WHERE r.request_id = ? ORDER BY r.created_at, r.ci_id`,
      )
      .all(requestId) as Record<string, unknown>[];
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
   * replaced wherever they occur in the entry.
   */
  recordAudit(requestId: number, entry: AuditEntryCreate, options: { secrets?: readonly string[] } = {}): AuditEntry {
    const parsed = parseOrThrow(AuditEntryCreate, entry, 'audit entry');
    let data: Json;
    if (parsed.kind === 'plugin.execution') {
      // Already checked against PluginExecutionAudit by the union above: no second parse.
      const execution = parsed.data;
      data = {
        ...execution,
        inputs: redactSecretKeys(execution.inputs),
        outputSummary: execution.outputSummary === null ? null : truncate(execution.outputSummary),
        errorMessage: execution.errorMessage === null ? null : truncate(execution.errorMessage),
      };
    } else {
      data = parsed.data;
    }
    data = redactSecrets(data, options.secrets ?? []);
    const now = this.#now();
    return this.#store.transaction(() => {
      if (!requestExists(this.#db, requestId)) throw ItsmErrors.requestNotFound(requestId);
      return insertAudit(this.#db, requestId, parsed.kind, parsed.actor, now, data);
    });
  }

  listAudit(requestId: number): AuditEntry[] {
    if (selectRequest(this.#db, requestId) === null) throw ItsmErrors.requestNotFound(requestId);
    return selectAudit(this.#db, requestId);
  }

  // --- Outbox (for the workflow engine) --------------------------------------------------------------

  /** Unprocessed events without a live claim, oldest first. */
  pendingEvents(limit = 100): OutboxEvent[] {
    return selectPending(this.#db, Math.max(1, Math.min(limit, 1000)), this.#leaseCutoff());
  }

  /** Claims an event for processing; null when it is processed or someone else holds a live claim. */
  claimEvent(id: number): OutboxEvent | null {
    return this.#store.transaction(() => {
      const claimed = claim(this.#db, id, this.#now(), this.#leaseCutoff());
      if (claimed === null && selectEvent(this.#db, id) === null) throw ItsmErrors.eventNotFound(id);
      return claimed;
    });
  }

  /** Claims up to `limit` pending events at once, oldest first (one statement: the engine's intake batch). */
  claimEvents(limit = 100): OutboxEvent[] {
    return this.#store.transaction(() =>
      claimBatch(this.#db, Math.max(1, Math.min(limit, 1000)), this.#now(), this.#leaseCutoff()),
    );
  }

  /** Marks several events done in one transaction (idempotent, like markEventProcessed). */
  markEventsProcessed(ids: readonly number[]): number {
    const now = this.#now();
    return this.#store.transaction(() => ids.filter((id) => setProcessed(this.#db, id, now)).length);
  }

  /** Unprocessed events and when the oldest was written: how far the engine is behind the outbox. */
  outboxLag(): { pending: number; oldestCreatedAt: string | null } {
    return lag(this.#db);
  }

  /** Marks an event done (idempotent: a second call keeps the first processedAt). */
  markEventProcessed(id: number): OutboxEvent {
    return this.#store.transaction(() => {
      if (!setProcessed(this.#db, id, this.#now())) throw ItsmErrors.eventNotFound(id);
      return selectEvent(this.#db, id)!;
    });
  }

  /** Gives back every claim: for the one engine on this store when it starts, since a claim held by a killed
   * process would otherwise wait out its lease before the event is offered again. Returns how many. */
  releaseClaims(): number {
    return releaseAll(this.#db);
  }

  /** Events not processed yet (claimed or not): the intake backlog. */
  unprocessedEventCount(): number {
    return countUnprocessed(this.#db);
  }

  /** Gives a claim back (e.g. the engine is shutting down) so the event is offered again at once. */
  releaseEvent(id: number): void {
    this.#store.transaction(() => {
      if (!release(this.#db, id) && selectEvent(this.#db, id) === null) throw ItsmErrors.eventNotFound(id);
    });
  }

  /**
   * Called after an event's transaction committed, so the engine need not poll for fresh changes. Polling
   * `pendingEvents` stays the source of truth: a listener misses events written by another process or inside
   * a caller's own transaction.
   */
  onEvent(listener: OutboxListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #leaseCutoff(): string {
    return new Date(this.#clock().getTime() - this.#leaseMs).toISOString();
  }

  #notify(event: OutboxEvent): void {
    // Inside a caller's transaction the event is not committed yet (and may never be): polling will find it.
    if (this.#db.isTransaction) return;
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        /* a listener's failure must not undo a committed change */
      }
    }
  }
}
