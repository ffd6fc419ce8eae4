// Input and output validation against the JSON Schemas of a plugin's manifest (ajv, draft 2020-12).
// Compiled once per plugin version; errors name the JSON path of the first offending value.
import { Ajv2020, type ValidateFunction, type ErrorObject } from 'ajv/dist/2020.js';
import type { ActionhostError } from '@actionhost/sdk';

// Inputs get the schema's defaults filled in (zod `.default()` becomes JSON Schema `default`), so `run`
// receives what its types promise; outputs are only checked.
const inputAjv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false, useDefaults: true });
const outputAjv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
const cache = new Map<string, { input: ValidateFunction; output: ValidateFunction }>();

export interface SchemaPair {
  input: Record<string, unknown>;
  output: Record<string, unknown>;
}

function compiled(key: string, schemas: SchemaPair) {
  let entry = cache.get(key);
  if (!entry) {
    entry = { input: inputAjv.compile(schemas.input), output: outputAjv.compile(schemas.output) };
    if (cache.size > 500) cache.delete(cache.keys().next().value!);
    cache.set(key, entry);
  }
  return entry;
}

/** With `oneOf` (e.g. one branch per Credential Type), the useful error is in the branch whose
 * discriminating `const`/`enum` matched, not in the first branch ajv happened to try. */
function mostRelevant(errors: ErrorObject[]): ErrorObject {
  const branch = /\/(?:oneOf|anyOf)\/(\d+)\//;
  const byBranch = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    const match = branch.exec(error.schemaPath);
    if (!match) continue;
    const key = error.schemaPath.slice(0, match.index + match[0].length);
    byBranch.set(key, [...(byBranch.get(key) ?? []), error]);
  }
  for (const group of byBranch.values()) {
    if (!group.some((error) => error.keyword === 'const' || error.keyword === 'enum')) return group[0];
  }
  return errors.find((error) => error.keyword !== 'oneOf' && error.keyword !== 'anyOf') ?? errors[0];
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '/';
  if (error.keyword === 'additionalProperties')
    return `${where} has an unknown key "${String(error.params.additionalProperty)}"`;
  if (error.keyword === 'required') return `${where} is missing "${String(error.params.missingProperty)}"`;
  return `${where} ${error.message ?? 'is invalid'}`;
}

function pathOf(error: ErrorObject): string {
  if (error.keyword === 'required') return `${error.instancePath}/${String(error.params.missingProperty)}`;
  if (error.keyword === 'additionalProperties')
    return `${error.instancePath}/${String(error.params.additionalProperty)}`;
  return error.instancePath || '/';
}

/** Throws `make(problem, details)` when `value` does not match (problem: "/URL must be string"). Input validation
 * fills in defaults, so pass a copy you own. */
export function validateAgainst(
  key: string,
  schemas: SchemaPair,
  which: 'input' | 'output',
  value: unknown,
  make: (problem: string, details: Record<string, unknown>) => ActionhostError,
): void {
  const validate = compiled(key, schemas)[which];
  if (validate(value)) return;
  const first = mostRelevant(validate.errors!);
  throw make(describe(first), {
    path: `/${which}${pathOf(first) === '/' ? '' : pathOf(first)}`,
    keyword: first.keyword,
  });
}
