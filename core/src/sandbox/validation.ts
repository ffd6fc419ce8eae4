// Input and output validation against the JSON Schemas of a plugin's manifest (ajv, draft 2020-12).
// Compiled once per plugin version; errors name the JSON path of the first offending value.
import { Ajv2020, type ValidateFunction, type ErrorObject } from 'ajv/dist/2020.js';
import type { ActionhostError } from '@actionhost/sdk';

const ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: false });
const cache = new Map<string, { input: ValidateFunction; output: ValidateFunction }>();

export interface SchemaPair { input: Record<string, unknown>; output: Record<string, unknown> }

function compiled(key: string, schemas: SchemaPair) {
  let entry = cache.get(key);
  if (!entry) {
    entry = { input: ajv.compile(schemas.input), output: ajv.compile(schemas.output) };
    if (cache.size > 500) cache.delete(cache.keys().next().value!);
    cache.set(key, entry);
  }
  return entry;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') return `${where} has an unknown key "${String(error.params.additionalProperty)}"`;
  if (error.keyword === 'required') return `${where} is missing "${String(error.params.missingProperty)}"`;
  return `${where} ${error.message ?? 'is invalid'}`;
}

function pathOf(error: ErrorObject): string {
  if (error.keyword === 'required') return `${error.instancePath}/${String(error.params.missingProperty)}`;
  if (error.keyword === 'additionalProperties') return `${error.instancePath}/${String(error.params.additionalProperty)}`;
  return error.instancePath || '/';
}

/** Throws `make(message, details)` when `value` does not match; returns nothing otherwise. */
export function validateAgainst(
  key: string, schemas: SchemaPair, which: 'input' | 'output', value: unknown,
  make: (message: string, details: Record<string, unknown>) => ActionhostError,
): void {
  const validate = compiled(key, schemas)[which];
  if (validate(value)) return;
  const first = validate.errors![0];
  throw make(`${which} ${describe(first)}`, { path: `/${which}${pathOf(first) === '/' ? '' : pathOf(first)}`, keyword: first.keyword });
}
