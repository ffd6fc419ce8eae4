// What counts as a secret by its name: one rule for sealing Input Mappings on save, redacting execution inputs
// and writing the Audit Trail. A key matches when it names a password, secret, token, API key or authorization.
const SECRET_KEY = /pass(word|wd|phrase)?$|^pwd$|secret|token|api[-_ ]?key|authorization|private[-_ ]?key|unicodepwd/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * An HTTP header whose value identifies a session or may carry a credential: Authorization, Cookie and Set-Cookie,
 * WWW-Authenticate, and the custom headers plugins put API keys, tokens and signatures into. Broader than the key
 * rule on purpose: a header name says less about its value than a mapping's key does.
 */
const SENSITIVE_HEADER = /auth|token|secret|key|passw|session|cookie|signature|credential/i;

export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADER.test(name);
}

/** A key whose object value holds HTTP headers: every value under it is sealed unless marked public. */
export function isHeadersKey(key: string): boolean {
  return /^headers$/i.test(key);
}

/** Shorter strings would scrub ordinary words out of outputs; real secrets are longer than this. */
export const MIN_SECRET_LENGTH = 4;

export const REDACTED = '[REDACTED]';
