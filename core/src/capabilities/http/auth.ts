// Authentication the host attaches to an outgoing request. A named credential is resolved here, on the host;
// its secret goes into a header and into the redaction list, and never back across the sandbox boundary.
import { isActionhostError, type HttpAuth } from '@actionhost/sdk';
import { REDACTED, basicAuthForms, expandSecrets, scrubText } from '../../secrets/index.ts';
import { HttpErrors } from './errors.ts';
import { bindingAllows } from './credential-binding.ts';
import type { CredentialResolver, CredentialSecret, CredentialUse } from './options.ts';

export interface AttachedAuth {
  /** Headers to set (lower-case names), overriding any the plugin gave under the same name. */
  headers: Record<string, string>;
  /** Strings that must never appear in what the guest gets back (only for host-held credentials). */
  secrets: string[];
  /** A host-held credential's binding: each redirect hop outside it goes on without the credential. */
  binding?: CredentialUse;
}

/** Where the request goes: the plugin asking, the first URL, and the proxy (approved by the operator or not). */
export interface AuthTarget {
  plugin: string;
  url: URL;
  proxy?: { url: URL; approved: boolean };
}

const NO_AUTH: AttachedAuth = { headers: {}, secrets: [] };

export async function attachAuth(
  auth: HttpAuth | undefined,
  resolver: CredentialResolver | undefined,
  target: AuthTarget,
  signal: AbortSignal,
): Promise<AttachedAuth> {
  if (!auth || auth.type === 'none') return NO_AUTH;
  if (auth.type === 'basic') {
    // The guest already knows this password: no redaction needed, it is the guest's own input.
    return { headers: { authorization: basicAuthorization(auth.username, auth.password) }, secrets: [] };
  }
  const name = auth.credential;
  const secret = await resolveCredential(name, resolver, signal);
  const refuse = (reason: string) =>
    HttpErrors.credentialNotAllowed(
      { name, target: target.url.host, plugin: target.plugin, reason },
      { credential: name, host: target.url.host, plugin: target.plugin },
    );
  const verdict = bindingAllows(secret.binding, target.url, target.plugin);
  if (!verdict.allowed) throw refuse(verdict.reason);
  // A proxy the operator did not name could be anyone's: a host-held credential never goes through it.
  if (target.proxy && !target.proxy.approved)
    throw refuse('the request goes through a proxy the operator has not approved');
  return { ...fromSecret(name, secret), binding: secret.binding };
}

async function resolveCredential(
  name: string,
  resolver: CredentialResolver | undefined,
  signal: AbortSignal,
): Promise<CredentialSecret> {
  if (!resolver) {
    throw HttpErrors.credentialNotFound({ name }, { credential: name, reason: 'this host has no credential store' });
  }
  let secret: CredentialSecret | undefined;
  try {
    secret = await resolver.resolve(name, signal);
  } catch (error) {
    // An abort is the request's timeout or cancellation: the caller reports it as such.
    if (isActionhostError(error) || signal.aborted) throw error;
    throw HttpErrors.credentialUnavailable({ name }, { credential: name });
  }
  if (!secret) throw HttpErrors.credentialNotFound({ name }, { credential: name });
  return secret;
}

function fromSecret(name: string, secret: CredentialSecret): AttachedAuth {
  const unusable = (why: string) => HttpErrors.credentialInvalid({ name, problem: why }, { credential: name });
  switch (secret.type) {
    case 'basic': {
      if (secret.username.includes(':') || hasLineBreak(secret.username))
        throw unusable('has a username that cannot be sent');
      const header = basicAuthorization(secret.username, secret.password);
      return { headers: { authorization: header }, secrets: [...basicAuthForms(secret.username, secret.password)] };
    }
    case 'bearer':
      if (hasLineBreak(secret.token)) throw unusable('has a token that cannot be sent in a header');
      return { headers: { authorization: `Bearer ${secret.token}` }, secrets: [secret.token] };
    case 'api-key': {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(secret.header)) throw unusable('names an invalid header');
      if (hasLineBreak(secret.value)) throw unusable('has a value that cannot be sent in a header');
      return { headers: { [secret.header.toLowerCase()]: secret.value }, secrets: [secret.value] };
    }
    default:
      throw unusable('has an unsupported type');
  }
}

function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function hasLineBreak(value: string): boolean {
  return /[\r\n\u0000]/.test(value);
}

/** Replaces every form of a secret in `text` (secrets/'s rule: as typed, percent-encoded, base64, ...). */
export function redactText(text: string, secrets: readonly string[]): string {
  return secrets.length === 0 ? text : scrubText(text, expandSecrets(secrets), REDACTED);
}

/** The same over a parsed JSON value (keys and string values). */
export function redactJson<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return redactText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactJson(item, secrets)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [redactText(key, secrets), redactJson(item, secrets)]),
    ) as T;
  }
  return value;
}
