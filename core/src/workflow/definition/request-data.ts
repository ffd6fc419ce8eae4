// The trigger node's data is the request: which fields a placeholder or a condition may read from it, the JSON
// types each one holds (for type checks at publish), and how a plain name that is no request field falls back to
// the request's custom fields (`#ipAddress#`).
import type { Json } from '@actionhost/sdk';
import { readPath } from './placeholders.ts';

/** JSON Schema's type names. */
export type ValueType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null';

interface FieldKind {
  types: readonly ValueType[];
  /** Fields below this one (requester.email); a field without children and not open has none. */
  children?: Readonly<Record<string, readonly ValueType[]>>;
  /** Any key below it may exist (customFields.<anything>), of any type. */
  open?: true;
}

const TEXT: readonly ValueType[] = ['string'];
const MAYBE_TEXT: readonly ValueType[] = ['string', 'null'];

/** Request fields as the ITSM store exposes them (ItsmRequest in the SDK contract, plus timestamps). */
export const REQUEST_FIELDS: Readonly<Record<string, FieldKind>> = {
  internalId: { types: ['integer'] },
  displayId: { types: TEXT },
  kind: { types: TEXT },
  subject: { types: TEXT },
  description: { types: TEXT },
  category: { types: MAYBE_TEXT },
  department: { types: MAYBE_TEXT },
  status: { types: TEXT },
  priority: { types: TEXT },
  template: { types: MAYBE_TEXT },
  createdAt: { types: TEXT },
  updatedAt: { types: TEXT },
  // A request may have no requester: each of its fields may then be null.
  requester: { types: ['object', 'null'], children: { name: MAYBE_TEXT, email: MAYBE_TEXT, username: MAYBE_TEXT } },
  customFields: { types: ['object'], open: true },
};

/** Custom fields a workflow may name without the `customFields.` prefix unless the host says otherwise. */
export const DEFAULT_CUSTOM_FIELDS = ['ipAddress', 'hostname', 'macAddress', 'serialNumber'];

/**
 * The kind of request field `name`, or undefined. Only the table's own keys count: `constructor`, `__proto__` or
 * `toString` are names of Object.prototype, never fields of a request.
 */
function fieldKind(name: string): FieldKind | undefined {
  return Object.hasOwn(REQUEST_FIELDS, name) ? REQUEST_FIELDS[name] : undefined;
}

/** Whether `name` is a request field (not a custom field). */
export function isRequestField(name: string): boolean {
  return fieldKind(name) !== undefined;
}

/** Whether `path` names something a request has (or may have: custom fields are open-ended under the prefix). */
export function isKnownRequestPath(path: readonly string[], customFieldNames: ReadonlySet<string>): boolean {
  const [head, ...rest] = path;
  const kind = fieldKind(head);
  if (kind === undefined) return customFieldNames.has(head);
  if (kind.open) return rest.length >= 1;
  if (rest.length === 0) return true;
  return rest.length === 1 && kind.children !== undefined && Object.hasOwn(kind.children, rest[0]);
}

/** The JSON types a known request path may hold; undefined when any type is possible (custom fields). */
export function requestPathTypes(path: readonly string[]): readonly ValueType[] | undefined {
  const [head, ...rest] = path;
  const kind = fieldKind(head);
  if (kind === undefined || kind.open) return undefined;
  if (rest.length === 0) return kind.types;
  return kind.children && Object.hasOwn(kind.children, rest[0]) ? kind.children[rest[0]] : undefined;
}

/** Every placeholder a request offers, as written between the `#` marks (for "did you mean" lists). */
export function requestFieldPaths(customFieldNames: Iterable<string>): string[] {
  return requestFieldCatalog(customFieldNames).fields;
}

/** Reads a request field; a name that is no request field is read from customFields. Missing → null. */
export function readRequestPath(request: Json, path: readonly string[]): Json {
  const direct = isRequestField(path[0]);
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
  for (const [name, kind] of Object.entries(REQUEST_FIELDS)) {
    if (kind.open) openPrefixes.push(`${name}.`);
    else fields.push(name, ...Object.keys(kind.children ?? {}).map((inner) => `${name}.${inner}`));
  }
  for (const name of customFieldNames) {
    fields.push(name);
    for (const prefix of openPrefixes) fields.push(`${prefix}${name}`);
  }
  return { fields, openPrefixes };
}
