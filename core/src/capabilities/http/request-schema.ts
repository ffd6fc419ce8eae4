// Validation of the one argument of `http.request`: copied JSON from the guest, checked before anything is
// sent. Error messages name the offending field, never its value (a header value may be a secret).
import { z } from 'zod';
import type { HttpRequest } from '@actionhost/sdk';
import { HttpErrors } from './errors.ts';

const HttpAuthArgs = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z
    .object({
      type: z.literal('basic'),
      // RFC 7617: the user-id cannot contain a colon, or the server would split it wrongly.
      username: z
        .string()
        .max(1024)
        .refine((u) => !u.includes(':') && !hasControl(u), 'must not contain ":" or control characters'),
      password: z.string().max(4096),
    })
    .strict(),
  z.object({ type: z.literal('credential'), credential: z.string().min(1).max(256) }).strict(),
]);

export const HttpRequestArgs = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']),
    url: z.string().min(1).max(8192),
    headers: z.record(z.string(), z.string()).optional(),
    json: z.json().optional(),
    body: z.string().optional(),
    auth: HttpAuthArgs.optional(),
    proxy: z.string().min(1).max(2048).optional(),
    timeoutMs: z.number().int().positive().optional(),
    followRedirects: z.boolean().optional(),
  })
  .strict();

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Framing and hop-by-hop headers belong to the host: a plugin setting Host, Content-Length or
// Transfer-Encoding could smuggle requests or mislead a proxy about the target it already approved.
const MANAGED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-authorization',
  'proxy-connection',
  'expect',
]);

function hasControl(value: string): boolean {
  return /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value);
}

/** Parses `args` (the guest's arguments) into one HttpRequest, or throws AH_HTTP_ARGS_INVALID / AH_HTTP_HEADER_INVALID. */
export function parseHttpRequest(args: unknown[]): HttpRequest {
  if (args.length !== 1)
    throw HttpErrors.argsInvalid({ problem: `it takes one request object, got ${args.length} arguments` });
  const parsed = HttpRequestArgs.safeParse(args[0]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = '/' + issue.path.map(String).join('/');
    throw issue.path[0] === 'headers'
      ? HttpErrors.headerInvalid({ name: String(issue.path[1] ?? '(all)'), problem: issue.message }, { path })
      : HttpErrors.argsInvalid({ problem: `${path} ${issue.message}` }, { path });
  }
  const request = parsed.data;
  assertHeaders(request.headers ?? {});
  if (
    (request.method === 'GET' || request.method === 'HEAD') &&
    (request.json !== undefined || request.body !== undefined)
  ) {
    throw HttpErrors.argsInvalid(
      { problem: `a ${request.method} request cannot carry a body` },
      {
        path: request.json !== undefined ? '/json' : '/body',
      },
    );
  }
  return request;
}

export function assertHeaders(headers: Record<string, string>): void {
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    const path = `/headers/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    const lower = name.toLowerCase();
    if (!TOKEN.test(name))
      throw HttpErrors.headerInvalid({ name: JSON.stringify(name), problem: 'is not a valid HTTP token' }, { path });
    if (hasControl(value)) {
      throw HttpErrors.headerInvalid(
        { name, problem: 'has a value with CR, LF, NUL or another control character' },
        { path },
      );
    }
    if (MANAGED_HEADERS.has(lower))
      throw HttpErrors.headerInvalid({ name, problem: 'is set by the host, not by a plugin' }, { path });
    if (seen.has(lower))
      throw HttpErrors.headerInvalid({ name, problem: 'is given twice (names are case-insensitive)' }, { path });
    seen.add(lower);
  }
}

/** The target URL: absolute http(s), no userinfo (credentials go through `auth`), no fragment. */
export function parseTargetUrl(raw: string, path = '/url'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw HttpErrors.argsInvalid({ problem: 'url is not an absolute URL' }, { path });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw HttpErrors.argsInvalid({ problem: `url scheme ${url.protocol} is not allowed; use http or https` }, { path });
  }
  if (url.username || url.password) {
    throw HttpErrors.argsInvalid({ problem: 'url must not carry a username or password; use auth' }, { path });
  }
  if (!url.hostname) throw HttpErrors.argsInvalid({ problem: 'url has no host' }, { path });
  url.hash = '';
  return url;
}

/** A forward proxy URL: http(s), optional userinfo for proxy authentication. */
export function parseProxyUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw HttpErrors.argsInvalid({ problem: 'proxy is not an absolute URL' }, { path: '/proxy' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw HttpErrors.argsInvalid(
      { problem: `proxy scheme ${url.protocol} is not supported; use http or https` },
      {
        path: '/proxy',
      },
    );
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw HttpErrors.argsInvalid(
      { problem: 'proxy must be an origin such as http://proxy.example.com:3128' },
      { path: '/proxy' },
    );
  }
  return url;
}
