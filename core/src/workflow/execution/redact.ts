// Scrubs secrets from what executions and the audit trail keep: inputs whose schema property is writeOnly, keys
// that name a secret, and any known credential secret value wherever it shows up (an echoing server, an error).
import type { Json } from '@actionhost/sdk';
import { REDACTED } from '../../itsm/index.ts';
import { defineKey, propertySchemas } from '../definition/index.ts';

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

function redactBySchema(value: Json, schema: unknown): Json {
  if (value === null || typeof value !== 'object') return value;
  const s = (typeof schema === 'object' && schema !== null ? schema : {}) as Record<string, unknown>;
  if (Array.isArray(value)) return value.map((item) => redactBySchema(item, s.items));
  const result: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value)) {
    // writeOnly in any branch (e.g. run-webhook's Basic Auth branch) marks the key secret.
    const candidates = propertySchemas(s, key) as (Record<string, unknown> | undefined)[];
    const secret = isSecretKey(key) || candidates.some((candidate) => candidate?.writeOnly === true);
    defineKey(result, key, secret ? REDACTED : redactBySchema(item, candidates[0]));
  }
  return result;
}

/** Replaces every occurrence of a secret value inside strings (and object keys) with [REDACTED]. */
export function redactValues<T extends Json | undefined>(value: T, secrets: readonly string[]): T {
  const usable = secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH);
  if (usable.length === 0) return value;
  return scrub(value, usable) as T;
}

export function redactText(text: string, secrets: readonly string[]): string {
  return redactValues(text, secrets);
}

function scrub(value: Json | undefined, secrets: string[]): Json | undefined {
  if (typeof value === 'string') {
    let out = value;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, secrets) as Json);
  if (value !== null && typeof value === 'object') {
    const result: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value))
      defineKey(result, scrub(key, secrets) as string, scrub(item, secrets) as Json);
    return result;
  }
  return value;
}
