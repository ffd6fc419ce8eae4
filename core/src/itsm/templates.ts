// Request templates: a named kind of request ("Employee On-boarding") with typed fields and defaults. A request
// raised from one gets the template's kind and subject, its field values checked and defaults filled in: a field
// named like a request field (department...) sets that field, every other one is a custom field, so workflows read
// them as placeholders (#username#, #customFields.username#) and in If Else rules.
import { z } from 'zod';
import type { Json } from '@actionhost/sdk';
import { parseJsonColumn, queryAll, queryOne, type Dialect, type Queryable } from '../store/index.ts';
import { CoreErrors, jsonPointer } from '../errors/index.ts';
import { RequestKind } from './schemas.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

export const TemplateFieldType = z.enum(['text', 'email', 'date', 'number', 'boolean', 'choice']);
export type TemplateFieldType = z.infer<typeof TemplateFieldType>;

/** Template fields that fill a request field of the same name instead of a custom field. */
export const REQUEST_FIELD_KEYS = ['description', 'category', 'department', 'priority'] as const;
const isRequestFieldKey = (key: string): key is (typeof REQUEST_FIELD_KEYS)[number] =>
  (REQUEST_FIELD_KEYS as readonly string[]).includes(key);

export const TemplateField = z
  .object({
    /** How workflows name it: `#username#`; a letter, then letters, digits or _. */
    key: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must start with a letter and use letters, digits or _'),
    /** What the form shows: "New hire's name". */
    label: text(200),
    type: TemplateFieldType,
    required: z.boolean().default(false),
    /** Used when a request leaves the field out. */
    default: z.union([z.string().max(2000), z.number(), z.boolean()]).optional(),
    /** choice: the values one may pick. */
    options: z.array(text(200)).min(1).max(100).optional(),
    /** text: at most this many characters (e.g. 20 for an AD sAMAccountName). */
    maxLength: z.number().int().min(1).max(20_000).optional(),
  })
  .strict()
  .superRefine((field, context) => {
    if (field.type === 'choice' && !field.options)
      context.addIssue({ code: 'custom', path: ['options'], message: 'a choice field needs options' });
    if (field.type !== 'choice' && field.options)
      context.addIssue({ code: 'custom', path: ['options'], message: 'only a choice field has options' });
    if (field.default !== undefined) {
      const problem = checkValue(field, field.default);
      if (problem) context.addIssue({ code: 'custom', path: ['default'], message: problem });
    }
  });
export type TemplateField = z.infer<typeof TemplateField>;

/** POST /api/request-templates. */
export const RequestTemplateCreate = z
  .object({
    name: text(200),
    kind: RequestKind.default('service-request'),
    /** The subject of a request raised from it, unless the request gives one (default: the template's name). */
    subject: text(500).optional(),
    description: z.string().max(2000).default(''),
    fields: z.array(TemplateField).max(50).default([]),
  })
  .strict()
  .superRefine((template, context) => {
    const seen = new Set<string>();
    template.fields.forEach((field, index) => {
      if (seen.has(field.key))
        context.addIssue({ code: 'custom', path: ['fields', index, 'key'], message: 'is used by another field' });
      seen.add(field.key);
    });
  });
export type RequestTemplateCreate = z.input<typeof RequestTemplateCreate>;

export const RequestTemplate = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  kind: RequestKind,
  subject: z.string(),
  description: z.string(),
  fields: z.array(TemplateField),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RequestTemplate = z.infer<typeof RequestTemplate>;

/** The seed's "Employee On-boarding" service request template, loaded on first start. */
export const EMPLOYEE_ONBOARDING_TEMPLATE = {
  name: 'Employee On-boarding',
  kind: 'service-request',
  subject: 'Employee On-boarding',
  description: 'A new employee joins: create their accounts before the start date.',
  fields: [
    { key: 'newHireName', label: "New hire's name", type: 'text', required: true, maxLength: 200 },
    // an AD sAMAccountName: at most 20 characters
    { key: 'username', label: 'Username', type: 'text', required: true, maxLength: 20 },
    { key: 'email', label: 'Email', type: 'email', required: true },
    {
      key: 'department',
      label: 'Department',
      type: 'choice',
      required: true,
      options: ['IT', 'HR', 'Finance', 'Sales', 'Operations'],
      default: 'IT',
    },
    { key: 'startDate', label: 'Start date', type: 'date', required: true },
  ],
} as const satisfies RequestTemplateCreate;

const EMAIL = z.email();

/** Why `value` does not fit `field`, or null when it does. */
function checkValue(field: Pick<TemplateField, 'type' | 'options' | 'maxLength'>, value: Json): string | null {
  switch (field.type) {
    case 'text':
      if (typeof value !== 'string') return 'must be text';
      return field.maxLength !== undefined && value.length > field.maxLength
        ? `must be at most ${field.maxLength} characters`
        : null;
    case 'email':
      return typeof value === 'string' && EMAIL.safeParse(value).success ? null : 'must be an email address';
    case 'date':
      return typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}$/.test(value) &&
        !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
        new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)
        ? null
        : 'must be a date, YYYY-MM-DD';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'choice':
      return typeof value === 'string' && field.options?.includes(value)
        ? null
        : `must be one of ${(field.options ?? []).join(', ')}`;
  }
}

export interface TemplatedRequest {
  kind: z.infer<typeof RequestKind>;
  subject: string;
  requestFields: Partial<Record<(typeof REQUEST_FIELD_KEYS)[number], string>>;
  customFields: Record<string, Json>;
}

/**
 * Fills a request from `template`: each field's value from `fields` (else the request field or custom field of that
 * name the body already has, else the default), checked against its type; a missing required field is refused.
 * AH_VALIDATION_FAILED names the first offending field (`/fields/<key>`).
 */
export function applyTemplate(
  template: RequestTemplate,
  body: {
    kind?: string | undefined;
    subject?: string | undefined;
    fields?: Record<string, Json> | undefined;
    customFields: Record<string, Json>;
  } & Partial<Record<(typeof REQUEST_FIELD_KEYS)[number], string | null>>,
): TemplatedRequest {
  const issues: { path: string; message: string }[] = [];
  if (body.kind !== undefined && body.kind !== template.kind)
    issues.push({ path: '/kind', message: `must be ${template.kind}, the kind of template "${template.name}"` });
  const given = body.fields ?? {};
  for (const key of Object.keys(given)) {
    if (!template.fields.some((field) => field.key === key))
      issues.push({ path: jsonPointer(['fields', key]), message: `is no field of template "${template.name}"` });
  }
  const requestFields: TemplatedRequest['requestFields'] = {};
  const customFields: Record<string, Json> = { ...body.customFields };
  for (const field of template.fields) {
    const path = jsonPointer(['fields', field.key]);
    const fromBody = isRequestFieldKey(field.key) ? body[field.key] : body.customFields[field.key];
    const value = Object.hasOwn(given, field.key) ? given[field.key] : (fromBody ?? field.default);
    if (value === undefined || value === null || value === '') {
      if (field.required) issues.push({ path, message: `is required ("${field.label}")` });
      continue;
    }
    const problem = checkValue(field, value);
    if (problem) {
      issues.push({ path, message: problem });
      continue;
    }
    // checked above: a scalar of the field's type (numbers and booleans as their JSON text)
    if (isRequestFieldKey(field.key))
      requestFields[field.key] = typeof value === 'string' ? value : JSON.stringify(value);
    else customFields[field.key] = value;
  }
  if (issues.length > 0) {
    const [first] = issues;
    throw CoreErrors.AH_VALIDATION_FAILED(
      { what: `request from template "${template.name}"`, path: first.path, problem: first.message },
      { path: first.path, template: template.name, issues },
    );
  }
  return { kind: template.kind, subject: body.subject ?? template.subject, requestFields, customFields };
}

type Row = Record<string, unknown>;

function templateFromRow(row: Row): RequestTemplate {
  return {
    id: Number(row.id),
    name: String(row.name),
    kind: row.kind as RequestTemplate['kind'],
    subject: String(row.subject),
    description: String(row.description),
    fields: parseJsonColumn<TemplateField[]>(row.fields, []),
    createdBy: String(row.created_by),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

/** Inserts a template; null when one of that name exists (nothing is written then). */
export async function insertTemplate(
  db: Queryable,
  input: z.output<typeof RequestTemplateCreate>,
  actor: string,
  now: string,
): Promise<RequestTemplate | null> {
  const row = await queryOne(
    db,
    `INSERT INTO itsm_templates (name, kind, subject, description, fields, created_by, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (name) DO NOTHING RETURNING *`,
    [input.name, input.kind, input.subject ?? input.name, input.description, JSON.stringify(input.fields), actor, now],
  );
  return row ? templateFromRow(row) : null;
}

export async function selectTemplate(db: Queryable, name: string): Promise<RequestTemplate | null> {
  const row = await queryOne(db, 'SELECT * FROM itsm_templates WHERE name = $1', [name]);
  return row ? templateFromRow(row) : null;
}

export async function selectTemplates(db: Queryable, dialect: Dialect): Promise<RequestTemplate[]> {
  return (await queryAll(db, `SELECT * FROM itsm_templates ORDER BY name${byteOrder(dialect)}`)).map(templateFromRow);
}

export async function removeTemplate(db: Queryable, name: string): Promise<boolean> {
  return ((await db.query('DELETE FROM itsm_templates WHERE name = $1', [name])).rowCount ?? 0) > 0;
}

/** Names sort byte by byte on both backends (SQLite's BINARY; PostgreSQL would sort by its locale otherwise). */
function byteOrder(dialect: Dialect): string {
  return dialect === 'postgres' ? ' COLLATE "C"' : '';
}
