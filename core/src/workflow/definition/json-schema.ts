// Reading plugin input schemas as the SDK writes them: a plain object, or a oneOf/anyOf of object branches
// (e.g. run-webhook's branches per Credential Type), with shared definitions in the root's $defs.
type Schema = Record<string, unknown>;

export interface ObjectBranch {
  properties: Record<string, unknown>;
  required: string[];
  /** Whether keys outside `properties` are allowed (and the schema they must match, when one is given). */
  additional: boolean | Schema;
}

/** The object shapes a value may take: one per oneOf/anyOf branch, or the schema itself. */
export function objectBranches(schema: unknown): ObjectBranch[] {
  const s = asSchema(schema);
  const own = branchOf(s);
  const alternatives = (Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : null) as unknown[] | null;
  if (!alternatives) return [own];
  return alternatives
    .flatMap((alternative) => objectBranches(alternative))
    .map((branch) => ({
      properties: { ...own.properties, ...branch.properties },
      required: [...new Set([...own.required, ...branch.required])],
      additional: branch.additional,
    }));
}

function branchOf(s: Schema): ObjectBranch {
  const properties = (typeof s.properties === 'object' && s.properties !== null ? s.properties : {}) as Record<
    string,
    unknown
  >;
  const required = Array.isArray(s.required) ? (s.required as string[]) : [];
  const additional =
    typeof s.additionalProperties === 'object' && s.additionalProperties !== null
      ? (s.additionalProperties as Schema)
      : // A schema that says nothing about its keys accepts any (JSON Schema's default).
        s.additionalProperties === false
        ? false
        : s.properties === undefined || s.additionalProperties === true;
  return { properties, required, additional };
}

/** Every schema a key may have to match, across branches (for redaction: writeOnly anywhere counts). */
export function propertySchemas(schema: unknown, key: string): unknown[] {
  const found: unknown[] = [];
  for (const branch of objectBranches(schema)) {
    if (Object.hasOwn(branch.properties, key)) found.push(branch.properties[key]);
    else if (typeof branch.additional === 'object') found.push(branch.additional);
  }
  return found;
}

/** A sub-schema that can be compiled on its own: the root's $defs travel with it so `#/$defs/...` refs resolve. */
export function standalone(root: unknown, schema: unknown): Schema {
  const defs = asSchema(root).$defs;
  const s = typeof schema === 'boolean' ? (schema ? {} : { not: {} }) : asSchema(schema);
  return defs === undefined ? s : { ...s, $defs: { ...(defs as Schema), ...(s.$defs ?? {}) } };
}

function asSchema(value: unknown): Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : {};
}

/** The dotted paths a JSON Schema lets a value have, down to `depth` levels (for "did you mean" lists). */
export function schemaPaths(schema: unknown, depth = 3, prefix = ''): string[] {
  if (depth === 0 || typeof schema !== 'object' || schema === null) return [];
  const s = schema as Schema;
  const paths: string[] = [];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (Array.isArray(s[key]))
      for (const branch of s[key] as unknown[]) paths.push(...schemaPaths(branch, depth, prefix));
  }
  const properties = (typeof s.properties === 'object' && s.properties !== null ? s.properties : {}) as Schema;
  for (const [key, child] of Object.entries(properties)) {
    const path = prefix ? `${prefix}.${key}` : key;
    paths.push(path, ...schemaPaths(child, depth - 1, path));
  }
  return [...new Set(paths)];
}

/**
 * The JSON types the value at `path` may have under `schema` (its `type`, `const`, `enum`, across branches), or
 * undefined when the schema does not say (an open object, a $ref, no type).
 */
export function schemaTypesAt(schema: unknown, path: readonly string[]): string[] | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const s = schema as Schema;
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (!Array.isArray(s[key])) continue;
    const all = new Set<string>();
    for (const branch of s[key] as unknown[]) {
      const types = schemaTypesAt(branch, path);
      if (types === undefined) return undefined;
      for (const type of types) all.add(type);
    }
    return [...all];
  }
  if (path.length === 0) return typesOf(s);
  const [head, ...rest] = path;
  const properties = s.properties as Schema | undefined;
  if (properties && Object.hasOwn(properties, head)) return schemaTypesAt(properties[head], rest);
  if (typeof s.additionalProperties === 'object') return schemaTypesAt(s.additionalProperties, rest);
  if (s.items !== undefined && /^\d+$/.test(head)) return schemaTypesAt(s.items, rest);
  return undefined;
}

/** The JSON types one schema allows, when it says. */
export function typesOf(schema: unknown): string[] | undefined {
  if (schema === true || typeof schema !== 'object' || schema === null) return undefined;
  const s = schema as Schema;
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type)) return s.type as string[];
  const values = s.const !== undefined ? [s.const] : Array.isArray(s.enum) ? (s.enum as unknown[]) : undefined;
  if (values) return [...new Set(values.map(jsonTypeOf))];
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (!Array.isArray(s[key])) continue;
    const all = new Set<string>();
    for (const branch of s[key] as unknown[]) {
      const types = typesOf(branch);
      if (types === undefined) return undefined;
      for (const type of types) all.add(type);
    }
    return [...all];
  }
  return undefined;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Whether a value of one of `given` types can satisfy `wanted` (an integer is a number). */
export function typesMeet(given: readonly string[], wanted: readonly string[]): boolean {
  // An integer is a number; a number may well be integral at run time, so it is given the benefit of the doubt.
  const meets = (type: string) =>
    wanted.includes(type) ||
    (type === 'integer' && wanted.includes('number')) ||
    (type === 'number' && wanted.includes('integer'));
  return given.some(meets);
}
