// What the admin action log stores of a before/after: plain JSON with every secret taken out — values under
// secret-looking keys, sealed Input Mappings, and any string the change itself carried as a secret.
import type { Json } from '@actionhost/sdk';
import { REDACTED, redactSecretKeys, redactSecrets } from '../itsm/index.ts';
import { isSecretKey } from '../secrets/index.ts';

/**
 * Keys whose string values are secrets wherever they appear in a request body: the host's one rule, and anything
 * named private at all (an admin's body may carry a private key or certificate under any such name).
 */
const isLoggedSecretKey = (key: string): boolean => isSecretKey(key) || /private/i.test(key);
/** Inside a `secret` object, the fields that are not secret (shown on the API Credential page). */
const NOT_SECRET = new Set(['username', 'header']);

/** The strings of a request body that are secrets: the values under secret-looking keys, at any depth. */
export function secretsOf(body: unknown): string[] {
  const found = new Set<string>();
  const walk = (value: unknown, secret: boolean): void => {
    if (typeof value === 'string') {
      if (secret && value !== '') found.add(value);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      walk(inner, (secret && !NOT_SECRET.has(key)) || isLoggedSecretKey(key));
    }
  };
  walk(body, false);
  return [...found];
}

/** A value as the log keeps it: JSON only (dates become text), secrets replaced by "[REDACTED]". */
export function redactForLog(value: unknown, secrets: readonly string[]): Json | null {
  if (value === undefined || value === null) return null;
  const json = JSON.parse(JSON.stringify(value, sealedAway)) as Json;
  return redactSecrets(redactSecretKeys(json), secrets);
}

/** A sealed Input Mapping (`{ "$sealed": "v1...." }`) is ciphertext of a secret: the log keeps only that it was there. */
function sealedAway(_key: string, value: unknown): unknown {
  if (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    typeof (value as { $sealed?: unknown }).$sealed === 'string'
  ) {
    return REDACTED;
  }
  return value;
}
