// The forms a secret takes on its way out: as typed, percent-encoded (a query value), JSON-escaped the ways common
// encoders do it (a body echoed as text), HTML-escaped (an echoing page), base64 on its own, and base64 inside a
// longer value such as the Basic header's `base64(user:password)`.
// Redaction scrubs every form, so an echoing server cannot hand a secret back in another spelling.
import { MIN_SECRET_LENGTH } from './rules.ts';

// A base64 core shorter than this could match ordinary text by chance; the plain forms are scrubbed regardless.
const MIN_CORE_LENGTH = 6;
const FORMS_CACHE_LIMIT = 2048;
const cache = new Map<string, readonly string[]>();

/** Every form of `secret` to scrub, longest first (so a longer form is replaced before a shorter one inside it). */
export function secretForms(secret: string): readonly string[] {
  if (secret.length < MIN_SECRET_LENGTH) return [];
  const known = cache.get(secret);
  if (known) return known;
  const forms = new Set<string>([secret]);
  const component = encodeURIComponent(secret);
  forms.add(component);
  forms.add(component.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
  forms.add(component.replaceAll('%20', '+')); // application/x-www-form-urlencoded
  const json = JSON.stringify(secret).slice(1, -1);
  forms.add(json);
  // Other servers' JSON encoders escape more than JSON.stringify: PHP's json_encode writes "/" as "\/", and it and
  // Python's json.dumps write every non-ASCII character as \uXXXX (lower-case hex; upper-case from some others).
  for (const spelling of [json, json.replaceAll('/', '\\/')]) {
    const ascii = asciiEscaped(spelling);
    forms
      .add(spelling)
      .add(ascii)
      .add(ascii.replace(/\\u[0-9a-f]{4}/g, (escape) => '\\u' + escape.slice(2).toUpperCase()));
  }
  // HTML and XML pages echo a value with its markup characters escaped.
  forms.add(htmlEscaped(secret, '&#39;')).add(htmlEscaped(secret, '&#x27;')).add(htmlEscaped(secret, '&apos;'));
  const bytes = Buffer.from(secret, 'utf8');
  for (const encoding of ['base64', 'base64url'] as const) {
    forms.add(bytes.toString(encoding).replace(/=+$/, ''));
    for (const offset of [0, 1, 2]) {
      const core = base64Core(bytes, offset, encoding);
      if (core.length >= MIN_CORE_LENGTH) forms.add(core);
    }
  }
  const sorted = [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  if (cache.size >= FORMS_CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(secret, sorted);
  return sorted;
}

/**
 * The base64 characters that depend only on `bytes` when they sit `offset` bytes into a longer encoded value:
 * whatever comes before and after, these characters are the same, so they find the secret inside
 * `base64(user + ":" + password)` without knowing the user.
 */
function base64Core(bytes: Buffer, offset: number, encoding: 'base64' | 'base64url'): string {
  const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
  const encoded = padded.toString(encoding);
  const first = Math.ceil((offset * 8) / 6);
  const end = Math.floor(((offset + bytes.length) * 8) / 6);
  return encoded.slice(first, end);
}

/** JSON text with every non-ASCII UTF-16 unit written as \uXXXX (lower-case hex). */
function asciiEscaped(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, (unit) => '\\u' + unit.charCodeAt(0).toString(16).padStart(4, '0'));
}

function htmlEscaped(text: string, apostrophe: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", apostrophe);
}

/** The value of a Basic Authorization header for these credentials, and its forms. */
export function basicAuthForms(username: string, password: string): readonly string[] {
  const token = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
  return [`Basic ${token}`, token, ...secretForms(password)];
}

/** Every form of every secret, deduplicated and longest first. */
export function expandSecrets(secrets: Iterable<string>): string[] {
  const all = new Set<string>();
  for (const secret of secrets) for (const form of secretForms(secret)) all.add(form);
  return [...all].sort((a, b) => b.length - a.length);
}

/** Replaces every form of every secret in `text`; `forms` comes from expandSecrets. */
export function scrubText(text: string, forms: readonly string[], mask: string): string {
  let out = text;
  for (const form of forms) if (out.includes(form)) out = out.split(form).join(mask);
  return out;
}
