// Credential shapes (the API Credential page): zod schemas for create bodies, summaries and resolved secrets.
import { z } from 'zod';

/** No CR/LF: every secret ends up in an HTTP header or an LDAP bind, where a line break is an injection. */
const headerSafe = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\r\n\0]*$/, 'must not contain line breaks');

export const CredentialName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );
export const CredentialType = z.enum(['basic', 'bearer', 'api-key']);
export type CredentialType = z.infer<typeof CredentialType>;

export const BasicSecret = z
  .object({ username: headerSafe(256).regex(/^[^:]*$/, 'must not contain ":"'), password: headerSafe(1024) })
  .strict();
export const BearerSecret = z.object({ token: headerSafe(8192).regex(/^\S+$/, 'must not contain spaces') }).strict();
export const ApiKeySecret = z
  .object({
    header: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name'),
    value: headerSafe(8192),
  })
  .strict();
export type BasicSecret = z.infer<typeof BasicSecret>;
export type BearerSecret = z.infer<typeof BearerSecret>;
export type ApiKeySecret = z.infer<typeof ApiKeySecret>;

export const SECRET_SCHEMAS = { basic: BasicSecret, bearer: BearerSecret, 'api-key': ApiKeySecret } as const;
export type SecretOf<T extends CredentialType> = z.infer<(typeof SECRET_SCHEMAS)[T]>;

/**
 * A URL prefix a credential may be sent to: http(s), a host (or `*.example.com` for its subdomains), an optional
 * port and path; no query, fragment or userinfo. `https://api.example.com/v1/` allows every URL under /v1/.
 */
export const UrlPrefix = z
  .string()
  .max(2048)
  .refine((text) => urlPrefixProblem(text) === undefined, {
    message: 'must be an http(s) URL prefix such as https://api.example.com/v1/ (no query, fragment or userinfo)',
  });

function urlPrefixProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'not http(s)';
  if (!url.hostname || url.username || url.password || url.search || url.hash || text.includes('?')) return 'extra';
  const wildcard = url.hostname.startsWith('*.') ? url.hostname.slice(2) : url.hostname;
  return wildcard.includes('*') || wildcard === '' ? 'bad wildcard' : undefined;
}

/**
 * What an admin approved a credential for: the URL prefixes the host may send it to and, optionally, the plugins
 * that may ask for it (none listed: any plugin). A credential whose binding lists no URL is never attached to an
 * outgoing request (an Application's bind credential needs none: the Application names where it goes).
 */
export const CredentialBinding = z
  .object({
    urls: z.array(UrlPrefix).max(100).default([]),
    plugins: z
      .array(z.string().regex(/^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/, 'must be a plugin name'))
      .max(100)
      .default([]),
  })
  .strict();
export type CredentialBinding = z.infer<typeof CredentialBinding>;
export const NO_BINDING: CredentialBinding = { urls: [], plugins: [] };

/** POST /api/credentials body. The secret is write-only: nothing ever returns it. */
export const CredentialCreate = z.discriminatedUnion('type', [
  z
    .object({
      name: CredentialName,
      type: z.literal('basic'),
      secret: BasicSecret,
      binding: CredentialBinding.optional(),
    })
    .strict(),
  z
    .object({
      name: CredentialName,
      type: z.literal('bearer'),
      secret: BearerSecret,
      binding: CredentialBinding.optional(),
    })
    .strict(),
  z
    .object({
      name: CredentialName,
      type: z.literal('api-key'),
      secret: ApiKeySecret,
      binding: CredentialBinding.optional(),
    })
    .strict(),
]);
export type CredentialCreate = z.infer<typeof CredentialCreate>;

/** PUT /api/credentials/:name body: a new secret (rotation in place); the binding is kept unless one is given. */
export const CredentialUpdate = z.discriminatedUnion('type', [
  z.object({ type: z.literal('basic'), secret: BasicSecret, binding: CredentialBinding.optional() }).strict(),
  z.object({ type: z.literal('bearer'), secret: BearerSecret, binding: CredentialBinding.optional() }).strict(),
  z.object({ type: z.literal('api-key'), secret: ApiKeySecret, binding: CredentialBinding.optional() }).strict(),
]);
export type CredentialUpdate = z.infer<typeof CredentialUpdate>;

/** What list() and the API show: never a secret. `header` is the api-key header name (not secret). */
export const CredentialSummary = z.object({
  name: z.string(),
  type: CredentialType,
  header: z.string().optional(),
  /** Where the host may send it and which plugins may use it. */
  binding: CredentialBinding,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CredentialSummary = z.infer<typeof CredentialSummary>;

/** What the http (and ldap) capability receives to attach to a request. Host-side only. */
export type ResolvedCredential = (
  ({ type: 'basic' } & BasicSecret) | ({ type: 'bearer' } & BearerSecret) | ({ type: 'api-key' } & ApiKeySecret)
) & { binding: CredentialBinding };

/** The strings that must never appear in logs, executions or the audit trail (for redaction). */
export function secretValues(secret: ResolvedCredential | BasicSecret | BearerSecret | ApiKeySecret): string[] {
  const values: string[] = [];
  if ('password' in secret) {
    values.push(secret.password);
    // The Basic header value carries the password too, base64-encoded.
    values.push(Buffer.from(`${secret.username}:${secret.password}`).toString('base64'));
  }
  if ('token' in secret) values.push(secret.token);
  if ('value' in secret) values.push(secret.value);
  return values.filter((value) => value.length > 0);
}
