// Builds what goes on the wire for one request (headers and body) and how it changes across a redirect.
// Header names are matched case-insensitively but sent with the plugin's own spelling.
import type { HttpMethod, HttpRequest } from '@actionhost/sdk';
import type { AttachedAuth } from './auth.ts';
import { HttpErrors } from './errors.ts';
import { isSensitiveHeader } from '../../secrets/index.ts';

/** lower-case name → [name as sent, value] */
export type HeaderBag = Map<string, [string, string]>;

export interface Hop {
  url: URL;
  method: HttpMethod;
  headers: HeaderBag;
  body: string | undefined;
  /** Once a redirect leaves the first origin (or the credential's binding), credentials stay off for the rest of the chain. */
  crossedOrigin: boolean;
}

export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

// Headers a plugin might have put a secret into (isSensitiveHeader) are dropped when a redirect leaves the origin
// the plugin asked for: fetch drops Authorization; plugins also put API keys in custom headers, so we go further.
const KEPT_ACROSS_ORIGINS = new Set(['idempotency-key']);

export function firstHop(
  request: HttpRequest,
  url: URL,
  auth: AttachedAuth,
  idempotencyKey: string,
  maxRequestBytes: number,
): Hop {
  const headers: HeaderBag = new Map();
  for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name.toLowerCase(), [name, value]);
  for (const [name, value] of Object.entries(auth.headers)) headers.set(name, [name, value]);
  let body: string | undefined;
  if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    if (!headers.has('content-type')) headers.set('content-type', ['content-type', 'application/json']);
  } else if (request.body !== undefined) {
    body = request.body;
    if (!headers.has('content-type')) headers.set('content-type', ['content-type', 'text/plain; charset=utf-8']);
  }
  if (body !== undefined && Buffer.byteLength(body, 'utf8') > maxRequestBytes) {
    throw HttpErrors.requestTooLarge(
      { limit: maxRequestBytes },
      {
        path: request.json !== undefined ? '/json' : '/body',
        limit: maxRequestBytes,
      },
    );
  }
  if (!headers.has('idempotency-key') && idempotencyKey)
    headers.set('idempotency-key', ['Idempotency-Key', idempotencyKey]);
  return { url, method: request.method, headers, body, crossedOrigin: false };
}

/**
 * The hop a redirect leads to. 303 (and 301/302 after a POST) turn into a GET without a body, as browsers
 * do; 307/308 repeat the method and body. Leaving the first origin drops every credential-bearing header.
 */
export function redirectHop(
  previous: Hop,
  status: number,
  location: URL,
  firstOrigin: string,
  credentialHeaders: readonly string[],
  leavesBinding = false,
): Hop {
  const headers: HeaderBag = new Map(previous.headers);
  let { method, body } = previous;
  if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
    method = 'GET';
    body = undefined;
    headers.delete('content-type');
  }
  const crossedOrigin = previous.crossedOrigin || leavesBinding || location.origin !== firstOrigin;
  if (crossedOrigin) {
    for (const name of credentialHeaders) headers.delete(name);
    for (const name of [...headers.keys()]) {
      if (isSensitiveHeader(name) && !KEPT_ACROSS_ORIGINS.has(name)) headers.delete(name);
    }
  }
  return { url: location, method, headers, body, crossedOrigin };
}

export function wireHeaders(bag: HeaderBag): Record<string, string> {
  return Object.fromEntries([...bag.values()]);
}
