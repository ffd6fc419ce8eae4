// The difference between two installed versions of a plugin, computed from their manifests: capabilities (http
// hosts, ldap, itsm scopes, anything else declared), limits, and the input and output schema fields (by JSON path,
// nested objects and array items included) that were added, removed or changed in type, requiredness or values.
type Schema = Record<string, unknown>;

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface Change {
  section: 'Capabilities' | 'Limits' | 'Input' | 'Output';
  item: string;
  kind: ChangeKind;
  before: string;
  after: string;
}

export interface ComparedManifest {
  capabilities?: Record<string, unknown>;
  limits?: Record<string, unknown>;
  input?: Record<string, unknown>;
  output?: Record<string, unknown>;
}

function asSchema(value: unknown): Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function setDifference(section: Change['section'], item: string, before: string[], after: string[]): Change[] {
  const had = new Set(before);
  const has = new Set(after);
  return [
    ...after.filter((value) => !had.has(value)).map((value) => change(section, `${item} ${value}`, '', value)),
    ...before.filter((value) => !has.has(value)).map((value) => change(section, `${item} ${value}`, value, '')),
  ];
}

function change(section: Change['section'], item: string, before: string, after: string): Change {
  const kind: ChangeKind = before === '' ? 'added' : after === '' ? 'removed' : 'changed';
  return { section, item, kind, before, after };
}

function capabilityChanges(before: Schema, after: Schema): Change[] {
  const changes: Change[] = [];
  const http = (capabilities: Schema) =>
    capabilities.http ? ((asSchema(capabilities.http).hosts as string[] | undefined) ?? []) : null;
  const [httpBefore, httpAfter] = [http(before), http(after)];
  if (httpBefore === null && httpAfter !== null) changes.push(change('Capabilities', 'http', '', 'declared'));
  if (httpBefore !== null && httpAfter === null) changes.push(change('Capabilities', 'http', 'declared', ''));
  changes.push(...setDifference('Capabilities', 'http host', httpBefore ?? [], httpAfter ?? []));
  if (Boolean(before.ldap) !== Boolean(after.ldap)) {
    changes.push(change('Capabilities', 'ldap', before.ldap ? 'declared' : '', after.ldap ? 'declared' : ''));
  }
  const scopes = (capabilities: Schema) => (Array.isArray(capabilities.itsm) ? (capabilities.itsm as string[]) : []);
  changes.push(...setDifference('Capabilities', 'itsm scope', scopes(before), scopes(after)));
  const others = new Set([...Object.keys(before), ...Object.keys(after)].filter((key) => !KNOWN.has(key)));
  for (const key of others) {
    const [was, is] = [before[key] ? text(before[key]) : '', after[key] ? text(after[key]) : ''];
    if (was !== is) changes.push(change('Capabilities', key, was, is));
  }
  return changes;
}
const KNOWN = new Set(['http', 'ldap', 'itsm']);

function limitChanges(before: Schema, after: Schema): Change[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.flatMap((key) => {
    const [was, is] = [
      before[key] === undefined ? '' : text(before[key]),
      after[key] === undefined ? '' : text(after[key]),
    ];
    return was === is ? [] : [change('Limits', key, was, is)];
  });
}

/** A schema field as the difference compares it: its types, whether it is required, its allowed values, format. */
function describeField(property: Schema, required: boolean): string {
  const types = new Set<string>();
  const collect = (schema: Schema) => {
    if (typeof schema.type === 'string') types.add(schema.type);
    if (Array.isArray(schema.type)) for (const type of schema.type as string[]) types.add(type);
    for (const branch of [schema.anyOf, schema.oneOf].flatMap((list): unknown[] => (Array.isArray(list) ? list : []))) {
      collect(asSchema(branch));
    }
  };
  collect(property);
  const parts = [[...types].sort().join(' | ') || 'any'];
  parts.push(required ? 'required' : 'optional');
  if (Array.isArray(property.enum)) parts.push(`one of ${property.enum.map(text).join(', ')}`);
  if (property.const !== undefined) parts.push(`always ${text(property.const)}`);
  if (typeof property.format === 'string') parts.push(`format ${property.format}`);
  return parts.join(', ');
}

/**
 * Every field of a schema by JSON path ("Headers.Authorization", "items[]"). Branches (oneOf/anyOf/allOf) are
 * merged: a field is there when any branch has it, required when every branch that has it requires it.
 */
export function schemaFields(schema: unknown, prefix = ''): Map<string, string> {
  const fields = new Map<string, { property: Schema; required: boolean }>();
  const visit = (node: Schema) => {
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    for (const [key, raw] of Object.entries(asSchema(node.properties))) {
      const seen = fields.get(key);
      if (seen) seen.required = seen.required && required.has(key);
      else fields.set(key, { property: asSchema(raw), required: required.has(key) });
    }
    for (const list of [node.oneOf, node.anyOf, node.allOf]) {
      if (Array.isArray(list)) for (const branch of list) visit(asSchema(branch));
    }
  };
  visit(asSchema(schema));
  const described = new Map<string, string>();
  for (const [key, { property, required }] of fields) {
    const path = prefix ? `${prefix}.${key}` : key;
    described.set(path, describeField(property, required));
    for (const [inner, description] of schemaFields(property, path)) described.set(inner, description);
    const items = asSchema(property.items);
    for (const [inner, description] of schemaFields(items, `${path}[]`)) described.set(inner, description);
  }
  return described;
}

function schemaChanges(section: 'Input' | 'Output', before: unknown, after: unknown): Change[] {
  const [was, is] = [schemaFields(before), schemaFields(after)];
  const paths = [...new Set([...was.keys(), ...is.keys()])];
  return paths.flatMap((path) => {
    const [old, now] = [was.get(path) ?? '', is.get(path) ?? ''];
    return old === now ? [] : [change(section, path, old, now)];
  });
}

/** What changed from `before` to `after`; empty when the two declare the same. */
export function pluginDifference(before: ComparedManifest, after: ComparedManifest): Change[] {
  return [
    ...capabilityChanges(asSchema(before.capabilities), asSchema(after.capabilities)),
    ...limitChanges(asSchema(before.limits), asSchema(after.limits)),
    ...schemaChanges('Input', before.input, after.input),
    ...schemaChanges('Output', before.output, after.output),
  ];
}
