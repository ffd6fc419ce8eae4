// Scrubs secrets from what executions and the audit trail keep: inputs whose schema property is writeOnly, keys
// that name a secret, and every form of a known secret value wherever it shows up (an echoing server, an error).
// Which keys and forms count is secrets/'s rule; this file walks the data, iteratively (rebuildJson): plugin data
// may nest deeper than the call stack allows.
import type { Json } from '@actionhost/sdk';
import { REDACTED, basicAuthForms, expandSecrets, isSecretKey, scrubText } from '../../secrets/index.ts';
import { rebuildJson } from '../../itsm/index.ts';
import { propertySchemas } from '../definition/index.ts';

/** Redacts by schema (writeOnly) and by key name, then by known secret values. */
export function redactInputs(inputs: Json, schema: unknown, secrets: readonly string[]): Json {
  return redactValues(redactBySchema(inputs, schema), secrets);
}

type Schema = Record<string, unknown>;
const asSchema = (schema: unknown): Schema => (typeof schema === 'object' && schema !== null ? (schema as Schema) : {});

/** Masks values by key or schema; with `found`, also collects what it masked and each user/password pair's forms. */
function redactBySchema(value: Json, schema: unknown, found?: string[]): Json {
  if (found && isPlainObject(value)) found.push(...basicPairForms(value));
  return rebuildJson<Schema>(value, asSchema(schema), {
    replace: (key, item, parent) => {
      if (found && isPlainObject(item)) found.push(...basicPairForms(item));
      if (typeof key !== 'string') return undefined;
      // writeOnly in any branch (e.g. run-webhook's Basic Auth branch) marks the key secret.
      const candidates = propertySchemas(parent, key) as (Schema | undefined)[];
      const secret = isSecretKey(key) || candidates.some((candidate) => candidate?.writeOnly === true);
      if (!secret) return undefined;
      if (found) collectStrings(item, found);
      return REDACTED;
    },
    child: (key, parent) => asSchema(typeof key === 'number' ? parent.items : propertySchemas(parent, key)[0]),
  });
}

const isPlainObject = (value: Json): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The values redactInputs masks by key or schema (a Password built from a placeholder, a typed API key), to be
 * scrubbed wherever else they show up: a server that echoes its request puts them into the step's output. A
 * Username/Password pair also gives its Basic header value.
 */
export function secretInputValues(inputs: Json, schema: unknown): string[] {
  const found: string[] = [];
  redactBySchema(inputs, schema, found);
  return found;
}

function collectStrings(value: Json, into: string[]): void {
  rebuildJson(value, null, {
    text: (text) => {
      into.push(text);
      return text;
    },
  });
}

function basicPairForms(value: { [key: string]: Json }): readonly string[] {
  const keys = Object.keys(value);
  const user = keys.find((key) => /^user(name)?$/i.test(key));
  const password = keys.find((key) => /^pass(word)?$/i.test(key));
  if (user === undefined || password === undefined) return [];
  const [name, secret] = [value[user], value[password]];
  return typeof name === 'string' && typeof secret === 'string' ? basicAuthForms(name, secret) : [];
}

/** Replaces every form of a secret value inside strings (and object keys) with [REDACTED]. */
export function redactValues<T extends Json | undefined>(value: T, secrets: readonly string[]): T {
  const usable = expandSecrets(secrets);
  if (usable.length === 0 || value === undefined) return value;
  const scrub = (text: string): string => scrubText(text, usable, REDACTED);
  return rebuildJson(value, null, { text: scrub, key: scrub }) as T;
}

export function redactText(text: string, secrets: readonly string[]): string {
  return redactValues(text, secrets);
}
