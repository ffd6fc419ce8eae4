// Scrubs secrets from what executions and the audit trail keep: inputs whose schema property is writeOnly, keys
// that name a secret, and any known credential secret value wherever it shows up (an echoing server, an error).
// Every walk is iterative (rebuildJson): plugin data may nest deeper than the call stack allows.
import type { Json } from '@actionhost/sdk';
import { REDACTED, rebuildJson } from '../../itsm/index.ts';
import { propertySchemas } from '../definition/index.ts';

const SECRET_KEY = /pass(word|wd|phrase)?$|^pwd$|secret|token|api[-_ ]?key|authorization|private[-_ ]?key|unicodePwd/i;
/** Shorter values would scrub ordinary words; credential secrets are longer than this in practice. */
const MIN_SECRET_LENGTH = 4;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Redacts by schema (writeOnly) and by key name, then by known secret values. */
export function redactInputs(inputs: Json, schema: unknown, secrets: readonly string[]): Json {
  return redactValues(redactBySchema(inputs, schema), secrets);
}

type Schema = Record<string, unknown>;
const asSchema = (schema: unknown): Schema => (typeof schema === 'object' && schema !== null ? (schema as Schema) : {});

function redactBySchema(value: Json, schema: unknown): Json {
  return rebuildJson<Schema>(value, asSchema(schema), {
    replace: (key, _item, parent) => {
      if (typeof key !== 'string') return undefined;
      // writeOnly in any branch (e.g. run-webhook's Basic Auth branch) marks the key secret.
      const candidates = propertySchemas(parent, key) as (Schema | undefined)[];
      return isSecretKey(key) || candidates.some((candidate) => candidate?.writeOnly === true) ? REDACTED : undefined;
    },
    child: (key, parent) => asSchema(typeof key === 'number' ? parent.items : propertySchemas(parent, key)[0]),
  });
}

/** Replaces every occurrence of a secret value inside strings (and object keys) with [REDACTED]. */
export function redactValues<T extends Json | undefined>(value: T, secrets: readonly string[]): T {
  const usable = secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH);
  if (usable.length === 0 || value === undefined) return value;
  const scrub = (text: string): string => {
    let out = text;
    for (const secret of usable) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
  return rebuildJson(value, null, { text: scrub, key: scrub }) as T;
}

export function redactText(text: string, secrets: readonly string[]): string {
  return redactValues(text, secrets);
}
