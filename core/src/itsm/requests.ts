// Request rows: insert with per-kind display ids, decode, and compute the field changes a patch makes.
import type { DatabaseSync } from 'node:sqlite';
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
import { parseJsonColumn } from '../store/index.ts';
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

export function selectRequest(db: DatabaseSync, internalId: number): Request | null {
  const row = db.prepare('SELECT * FROM itsm_requests WHERE internal_id = ?').get(internalId) as RequestRow | undefined;
  return row ? requestFromRow(row) : null;
}

/** Whether the request exists, without reading it (an Audit Trail write checks this for every plugin step). */
export function requestExists(db: DatabaseSync, internalId: number): boolean {
  return db.prepare('SELECT 1 FROM itsm_requests WHERE internal_id = ?').get(internalId) !== undefined;
}

/** Inserts a request; must run inside a transaction so the per-kind number cannot be taken twice. */
export function insertRequest(db: DatabaseSync, input: NewRequest, actor: string, now: string): Request {
  const { next } = db
    .prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM itsm_requests WHERE kind = ?')
    .get(input.kind) as { next: number };
  const displayId = `${DISPLAY_PREFIX[input.kind]}-${next}`;
  const result = db
    .prepare(
      `INSERT INTO itsm_requests
    (kind, seq, display_id, subject, description, category, department, status, priority, requester, template, custom_fields, created_at, updated_at, created_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      input.kind,
      next,
      displayId,
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
      now,
      actor,
    );
  return selectRequest(db, Number(result.lastInsertRowid))!;
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

export function writeRequest(db: DatabaseSync, request: Request, now: string): Request {
  db.prepare(
    `UPDATE itsm_requests SET subject = ?, description = ?, category = ?, department = ?, status = ?, priority = ?,
    requester = ?, template = ?, custom_fields = ?, updated_at = ? WHERE internal_id = ?`,
  ).run(
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
  );
  return selectRequest(db, request.internalId)!;
}

export function selectRequests(
  db: DatabaseSync,
  filter: { kind?: string; status?: string; category?: string; limit: number; offset: number },
): Request[] {
  const where: string[] = [];
  const params: string[] = [];
  if (filter.kind !== undefined) {
    where.push('kind = ?');
    params.push(filter.kind);
  }
  if (filter.status !== undefined) {
    where.push('status = ? COLLATE NOCASE');
    params.push(filter.status);
  }
  if (filter.category !== undefined) {
    where.push('category = ? COLLATE NOCASE');
    params.push(filter.category);
  }
  const sql = `SELECT * FROM itsm_requests ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY internal_id LIMIT ? OFFSET ?`;
  return (db.prepare(sql).all(...params, filter.limit, filter.offset) as RequestRow[]).map(requestFromRow);
}
