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

/**
 * The shape of request field `name`, or undefined. Only the table's own keys count: `constructor`, `__proto__` or
 * `toString` are names of Object.prototype, never fields of a request.
 */
export function requestFieldShape(name: string): FieldShape | undefined {
  return Object.hasOwn(REQUEST_FIELDS, name) ? REQUEST_FIELDS[name] : undefined;
}

/** Whether `name` is a request field (not a custom field). */
export function isRequestField(name: string): boolean {
  return requestFieldShape(name) !== undefined;
}

/** Whether `path` names something a request has (or may have: custom fields are open-ended under the prefix). */
export function isKnownRequestPath(path: readonly string[], customFieldNames: ReadonlySet<string>): boolean {
  const [head, ...rest] = path;
  const shape = requestFieldShape(head);
  if (shape === undefined) return customFieldNames.has(head);
  if (shape === 'any') return rest.length >= 1;
  if (shape === 'scalar') return rest.length === 0;
  return rest.length === 0 || (rest.length === 1 && shape.includes(rest[0]));
}

/** Reads a request field; a name that is no request field is read from customFields. Missing → null. */
export function readRequestPath(request: Json, path: readonly string[]): Json {
  const direct = isRequestField(path[0]);
  const value = direct ? readPath(request, path) : readPath(readPath(request, ['customFields']), path);
  return value === undefined ? null : value;
}
