// Request rows: insert with per-kind display ids, decode, and compute the field changes a patch makes.
import type { Json } from '@actionhost/sdk';
import type { z } from 'zod';
import type {
  FieldChange,
  Request,
  RequestCreate,
  RequestKind,
  RequestPatch,
  CustomFields,
  Requester,
} from './schemas.ts';
import { parseJsonColumn, queryAll, queryOne, type Dialect, type Queryable } from '../store/index.ts';
import { sameJson } from './json.ts';

const DISPLAY_PREFIX: Record<RequestKind, string> = { incident: 'INC', 'service-request': 'SR' };

/** Plain columns a patch can change, in the order changes are reported. */
const PLAIN_FIELDS = [
  'subject',
  'description',
  'category',
  'department',
  'status',
  'priority',
  'requester',
  'template',
] as const;

type RequestRow = Record<string, unknown>;
/** A request body with its kind and subject settled (from the body, or from its template). */
export type NewRequest = Omit<z.output<typeof RequestCreate>, 'kind' | 'subject' | 'fields'> & {
  kind: RequestKind;
  subject: string;
};

export function requestFromRow(row: RequestRow): Request {
  return {
    internalId: Number(row.internal_id),
    displayId: String(row.display_id),
    kind: row.kind as RequestKind,
    subject: String(row.subject),
    description: String(row.description),
    category: (row.category as string | null) ?? null,
    department: (row.department as string | null) ?? null,
    status: String(row.status),
    priority: String(row.priority),
    requester: parseJsonColumn<Requester | null>(row.requester, null),
    template: (row.template as string | null) ?? null,
    customFields: parseJsonColumn<CustomFields>(row.custom_fields, {}),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
    createdBy: String(row.created_by),
  };
}

export async function selectRequest(db: Queryable, internalId: number): Promise<Request | null> {
  const row = await queryOne(db, 'SELECT * FROM itsm_requests WHERE internal_id = $1', [internalId]);
  return row ? requestFromRow(row) : null;
}

/**
 * Inserts a request; must run inside a transaction so the per-kind number cannot be taken twice. On PostgreSQL the
 * number is taken under a lock of its own: two hosts raising requests at once would otherwise read the same MAX.
 */
export async function insertRequest(
  tx: Queryable,
  dialect: Dialect,
  input: NewRequest,
  actor: string,
  now: string,
): Promise<Request> {
  if (dialect === 'postgres')
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`itsm_requests:${input.kind}`]);
  const { next } = (await queryOne(tx, 'SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM itsm_requests WHERE kind = $1', [
    input.kind,
  ]))!;
  const seq = Number(next);
  const row = await queryOne(
    tx,
    `INSERT INTO itsm_requests
    (kind, seq, display_id, subject, description, category, department, status, priority, requester, template, custom_fields, created_at, updated_at, created_by)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) RETURNING *`,
    [
      input.kind,
      seq,
      `${DISPLAY_PREFIX[input.kind]}-${seq}`,
      input.subject,
      input.description,
      input.category,
      input.department,
      input.status,
      input.priority,
      input.requester === null ? null : JSON.stringify(input.requester),
      input.template,
      JSON.stringify(input.customFields),
      now,
      actor,
    ],
  );
  return requestFromRow(row!);
}

/** The request after the patch, and the fields it actually changed (none when the patch repeats current values). */
export function applyPatch(current: Request, patch: RequestPatch): { next: Request; changes: FieldChange[] } {
  const next: Request = { ...current, customFields: { ...current.customFields } };
  const changes: FieldChange[] = [];
  for (const field of PLAIN_FIELDS) {
    if (!(field in patch) || patch[field] === undefined) continue;
    const from = current[field] as Json;
    const to = patch[field] as Json;
    if (sameJson(from, to)) continue;
    (next as Record<string, unknown>)[field] = to;
    changes.push({ field, from, to });
  }
  for (const [key, to] of Object.entries(patch.customFields ?? {})) {
    const had = Object.hasOwn(current.customFields, key);
    const from = had ? current.customFields[key] : null;
    if (to === null) {
      if (!had) continue;
      delete next.customFields[key];
    } else {
      if (had && sameJson(from, to)) continue;
      next.customFields[key] = to;
    }
    changes.push({ field: `customFields.${key}`, from, to });
  }
  return { next, changes };
}

export async function writeRequest(tx: Queryable, request: Request, now: string): Promise<Request> {
  const row = await queryOne(
    tx,
    `UPDATE itsm_requests SET subject = $1, description = $2, category = $3, department = $4, status = $5,
    priority = $6, requester = $7, template = $8, custom_fields = $9, updated_at = $10 WHERE internal_id = $11
    RETURNING *`,
    [
      request.subject,
      request.description,
      request.category,
      request.department,
      request.status,
      request.priority,
      request.requester === null ? null : JSON.stringify(request.requester),
      request.template,
      JSON.stringify(request.customFields),
      now,
      request.internalId,
    ],
  );
  return requestFromRow(row!);
}

/** status and category match case-insensitively (lower() on both sides: SQLite's NOCASE has no PostgreSQL twin). */
export async function selectRequests(
  db: Queryable,
  filter: { kind?: string; status?: string; category?: string; limit: number; offset: number },
): Promise<Request[]> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, value: string) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (filter.kind !== undefined) add('kind = ?', filter.kind);
  if (filter.status !== undefined) add('lower(status) = lower(?)', filter.status);
  if (filter.category !== undefined) add('lower(category) = lower(?)', filter.category);
  params.push(filter.limit, filter.offset);
  const sql = `SELECT * FROM itsm_requests ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY internal_id LIMIT $${params.length - 1} OFFSET $${params.length}`;
  return (await queryAll(db, sql, params)).map(requestFromRow);
}
