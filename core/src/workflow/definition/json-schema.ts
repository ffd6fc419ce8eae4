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
