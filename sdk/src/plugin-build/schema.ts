// zod schema → JSON Schema (draft 2020-12) for plugin.json. The host validates inputs and outputs with these,
// so a type JSON cannot carry (Date, bigint, a transform's result...) is a build error, never a silent `{}`.
import { z } from 'zod';
import { ActionhostError } from '../contract/index.ts';
import { BuildErrors } from './errors.ts';

export type JsonSchemaObject = Record<string, unknown>;

function pointer(path: readonly (string | number)[]): string {
  return path.map((part) => '/' + String(part).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

/**
 * `which` picks the side of the schema: plugin inputs are validated before zod defaults/transforms would
 * apply (io "input"), outputs are what `run` returns (io "output").
 */
export async function toPluginJsonSchema(schema: unknown, which: 'input' | 'output'): Promise<JsonSchemaObject> {
  if (!isZodSchema(schema)) {
    throw BuildErrors.definitionInvalid('src/plugin.ts', `definePlugin({ ${which} }) must be a zod schema`);
  }
  let json: JsonSchemaObject;
  try {
    json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io: which,
      unrepresentable: (site) => {
        throw BuildErrors.schemaUnrepresentable(which, pointer(site.path), site.message);
      },
    });
  } catch (error) {
    if (error instanceof ActionhostError) throw error;
    throw BuildErrors.schemaUnrepresentable(which, '', (error as Error).message);
  }
  await assertValidJsonSchema(json, which);
  return json;
}

function isZodSchema(value: unknown): value is z.ZodType {
  return (
    typeof value === 'object' &&
    value !== null &&
    '_zod' in value &&
    typeof (value as { _zod?: { def?: unknown } })._zod?.def === 'object'
  );
}

// Checked against the 2020-12 meta-schema and compiled once, as the host will, so a bad schema fails at build
// time on the author's machine instead of at install time on the platform team's.
// ajv is loaded on first use, not when @actionhost/sdk is imported.
async function assertValidJsonSchema(json: JsonSchemaObject, which: 'input' | 'output'): Promise<void> {
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  if (!ajv.validateSchema(json)) {
    throw BuildErrors.schemaInvalid(which, ajv.errorsText(ajv.errors));
  }
  try {
    ajv.compile(json);
  } catch (error) {
    throw BuildErrors.schemaInvalid(which, (error as Error).message);
  }
}
