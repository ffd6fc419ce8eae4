// Scrubs secrets from what executions and the audit trail keep: inputs whose schema property is writeOnly, keys
// that name a secret, and every form of a known secret value wherever it shows up (an echoing server, an error).
// Which keys and forms count is secrets/'s rule; this file walks the data.
import type { Json } from '@actionhost/sdk';
import { REDACTED, basicAuthForms, expandSecrets, isSecretKey, scrubText } from '../../secrets/index.ts';
import { defineKey, propertySchemas } from '../definition/index.ts';

/** Redacts by schema (writeOnly) and by key name, then by known secret values. */
export function redactInputs(inputs: Json, schema: unknown, secrets: readonly string[]): Json {
  return redactValues(redactBySchema(inputs, schema), secrets);
}

function redactBySchema(value: Json, schema: unknown, found?: string[]): Json {
  if (value === null || typeof value !== 'object') return value;
  const s = (typeof schema === 'object' && schema !== null ? schema : {}) as Record<string, unknown>;
  if (Array.isArray(value)) return value.map((item) => redactBySchema(item, s.items, found));
  const result: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value)) {
    // writeOnly in any branch (e.g. run-webhook's Basic Auth branch) marks the key secret.
    const candidates = propertySchemas(s, key) as (Record<string, unknown> | undefined)[];
    const secret = isSecretKey(key) || candidates.some((candidate) => candidate?.writeOnly === true);
    if (secret && found) collectStrings(item, found);
    defineKey(result, key, secret ? REDACTED : redactBySchema(item, candidates[0], found));
  }
  if (found) found.push(...basicPairForms(value));
  return result;
}

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
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) collectStrings(item, into);
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
  if (usable.length === 0) return value;
  return scrub(value, usable) as T;
}

export function redactText(text: string, secrets: readonly string[]): string {
  return redactValues(text, secrets);
}

function scrub(value: Json | undefined, secrets: string[]): Json | undefined {
  if (typeof value === 'string') {
    return scrubText(value, secrets, REDACTED);
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
