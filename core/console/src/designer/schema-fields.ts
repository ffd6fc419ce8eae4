// Input Mappings generated from a plugin's input JSON Schema: one field per property with its type, whether it is
// required, its allowed values and description, and whether it is a secret (masked, never shown again). A schema
// with branches (oneOf/anyOf, e.g. Run Webhook's Credential Type) shows the branches the current values allow.

type Schema = Record<string, unknown>;

export interface MappingField {
  key: string;
  required: boolean;
  description?: string;
  /** text, number, boolean, enum, json */
  control: 'text' | 'number' | 'boolean' | 'enum' | 'json';
  options: string[];
  secret: boolean;
}

/** The same rule the host seals literal secrets by (core/src/workflow/secret-inputs.ts). */
const SECRET_KEY = /pass(word|phrase)?$|secret|token|api[ _-]?key|^authorization$/i;

function asSchema(value: unknown): Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : {};
}

function branchesOf(schema: Schema): Schema[] {
  const list = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
  if (!Array.isArray(list)) return [schema];
  return list.flatMap((branch) => branchesOf({ ...schema, oneOf: undefined, anyOf: undefined, ...asSchema(branch) }));
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function constOf(property: Schema): string | undefined {
  if (property.const !== undefined) return text(property.const);
  if (Array.isArray(property.enum) && property.enum.length === 1) return text(property.enum[0]);
  return undefined;
}

function typesOf(property: Schema): string[] {
  if (typeof property.type === 'string') return [property.type];
  if (Array.isArray(property.type)) return property.type as string[];
  const inner = (property.anyOf ?? property.oneOf) as unknown[] | undefined;
  return Array.isArray(inner) ? inner.flatMap((branch) => typesOf(asSchema(branch))) : [];
}

function enumOf(property: Schema): string[] | undefined {
  if (Array.isArray(property.enum)) return property.enum.map(text);
  const inner = (property.anyOf ?? property.oneOf) as unknown[] | undefined;
  if (Array.isArray(inner)) {
    const consts = inner.map((branch) => constOf(asSchema(branch)));
    if (consts.every((value) => value !== undefined)) return consts;
  }
  return undefined;
}

export function mappingFields(inputSchema: unknown, inputs: Record<string, unknown>): MappingField[] {
  const all = branchesOf(asSchema(inputSchema));
  // A branch stays when every constant it fixes agrees with what is mapped (an unmapped key agrees with anything).
  const fitting = all.filter((branch) =>
    Object.entries(asSchema(branch.properties)).every(([key, property]) => {
      const fixed = constOf(asSchema(property));
      return fixed === undefined || inputs[key] === undefined || text(inputs[key]) === fixed;
    }),
  );
  const branches = fitting.length > 0 ? fitting : all;
  const fields = new Map<string, MappingField>();
  for (const branch of branches) {
    const required = new Set((branch.required as string[] | undefined) ?? []);
    for (const [key, raw] of Object.entries(asSchema(branch.properties))) {
      const property = asSchema(raw);
      const existing = fields.get(key);
      if (existing) {
        existing.required = existing.required && required.has(key);
        continue;
      }
      // A key that is a constant in each branch (the discriminator) offers every branch's value.
      const discriminator = all.every((b) => constOf(asSchema(asSchema(b.properties)[key])) !== undefined);
      const options = discriminator
        ? [...new Set(all.map((b) => constOf(asSchema(asSchema(b.properties)[key]))!))]
        : enumOf(property);
      const types = typesOf(property);
      const control: MappingField['control'] = options
        ? 'enum'
        : types.length === 1 && types[0] === 'boolean'
          ? 'boolean'
          : types.length > 0 && types.every((type) => type === 'number' || type === 'integer')
            ? 'number'
            : types.length === 0 || types.some((type) => type === 'object' || type === 'array')
              ? types.includes('string')
                ? 'text'
                : 'json'
              : 'text';
      fields.set(key, {
        key,
        required: required.has(key),
        description: typeof property.description === 'string' ? property.description : undefined,
        control,
        options: options ?? [],
        secret: property.writeOnly === true || property.format === 'password' || SECRET_KEY.test(key),
      });
    }
  }
  // Required keys of every fitting branch keep the flag; the rest were cleared above.
  for (const field of fields.values()) {
    field.required = branches.every((branch) => ((branch.required as string[] | undefined) ?? []).includes(field.key));
  }
  return [...fields.values()];
}

/** Top-level output fields of a plugin, for `#nodes.<id>.output.<field>#` placeholders. */
export function outputFields(outputSchema: unknown): string[] {
  return [...new Set(branchesOf(asSchema(outputSchema)).flatMap((branch) => Object.keys(asSchema(branch.properties))))];
}

/** The text of `{ "$literal": text }`: a value taken exactly as typed (no placeholders, no escapes). */
export function literalText(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const text = (value as { $literal?: unknown }).$literal;
  return keys.length === 1 && typeof text === 'string' ? text : undefined;
}

export function isSealed(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { $sealed?: unknown }).$sealed === 'string'
  );
}
