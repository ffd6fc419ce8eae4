// The trigger node's data is the request: which fields a placeholder or a condition may read from it, and how a
// plain name that is no request field falls back to the request's custom fields (`#ipAddress#`).
import type { Json } from '@actionhost/sdk';
import { readPath } from './placeholders.ts';

type FieldShape = 'scalar' | 'any' | readonly string[];

/** Request fields as the ITSM store exposes them (ItsmRequest in the SDK contract, plus timestamps). */
export const REQUEST_FIELDS: Record<string, FieldShape> = {
  internalId: 'scalar',
  displayId: 'scalar',
  kind: 'scalar',
  subject: 'scalar',
  description: 'scalar',
  category: 'scalar',
  department: 'scalar',
  status: 'scalar',
  priority: 'scalar',
  template: 'scalar',
  createdAt: 'scalar',
  updatedAt: 'scalar',
  requester: ['name', 'email', 'username'],
  customFields: 'any',
};

/** Custom fields a workflow may name without the `customFields.` prefix unless the host says otherwise. */
export const DEFAULT_CUSTOM_FIELDS = ['ipAddress', 'hostname', 'macAddress', 'serialNumber'];

/** Whether `path` names something a request has (or may have: custom fields are open-ended under the prefix). */
export function isKnownRequestPath(path: readonly string[], customFieldNames: ReadonlySet<string>): boolean {
  const [head, ...rest] = path;
  const shape = REQUEST_FIELDS[head];
  if (shape === undefined) return customFieldNames.has(head);
  if (shape === 'any') return rest.length >= 1;
  if (shape === 'scalar') return rest.length === 0;
  return rest.length === 0 || (rest.length === 1 && shape.includes(rest[0]));
}

/** Reads a request field; a name that is no request field is read from customFields. Missing → null. */
export function readRequestPath(request: Json, path: readonly string[]): Json {
  const direct = REQUEST_FIELDS[path[0]] !== undefined;
  const value = direct ? readPath(request, path) : readPath(readPath(request, ['customFields']), path);
  return value === undefined ? null : value;
}

/**
 * Every request field a placeholder or a condition may name, as the placeholder picker lists them: the same table
 * `isKnownRequestPath` checks against, so the picker cannot offer what publishing would refuse. Fields under an
 * open prefix (`customFields.`) are valid at any name and are listed through `openPrefixes`.
 */
export function requestFieldCatalog(customFieldNames: Iterable<string>): { fields: string[]; openPrefixes: string[] } {
  const fields: string[] = [];
  const openPrefixes: string[] = [];
  for (const [name, shape] of Object.entries(REQUEST_FIELDS)) {
    if (shape === 'any') openPrefixes.push(`${name}.`);
    else if (shape === 'scalar') fields.push(name);
    else fields.push(name, ...shape.map((inner) => `${name}.${inner}`));
  }
  for (const name of customFieldNames) {
    fields.push(name);
    for (const prefix of openPrefixes) fields.push(`${prefix}${name}`);
  }
  return { fields, openPrefixes };
}
