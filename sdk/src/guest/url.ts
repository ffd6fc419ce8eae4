// URL and query-string helpers for the sandbox, which has no URL or URLSearchParams. Plain string work,
// good for building requests; the host still parses and checks every URL a plugin sends.

export interface ParsedUrl {
  protocol: string;
  username: string;
  password: string;
  hostname: string;
  port: string;
  /** hostname[:port] */
  host: string;
  pathname: string;
  /** raw query without "?" */
  search: string;
  query: Record<string, string | string[]>;
  /** raw fragment without "#" */
  hash: string;
}

const absoluteUrl =
  /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(?:([^:@/?#]*)(?::([^@/?#]*))?@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;

/** Splits an absolute URL into its parts; throws on anything else. */
export function parseUrl(url: string): ParsedUrl {
  const match = absoluteUrl.exec(url.trim());
  if (!match) throw new Error(`not an absolute URL: ${url}`);
  const [, protocol = '', username = '', password = '', hostname = '', port = '', path = '', search = '', hash = ''] =
    match;
  return {
    protocol: protocol.toLowerCase(),
    username: safeDecode(username),
    password: safeDecode(password),
    hostname: hostname.toLowerCase(),
    port,
    host: port ? `${hostname.toLowerCase()}:${port}` : hostname.toLowerCase(),
    pathname: path || '/',
    search,
    query: parseQuery(search),
    hash,
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/** "a=1&b=2&b=3" → { a: "1", b: ["2", "3"] } */
export function parseQuery(search: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const pair of search.replace(/^\?/, '').split('&')) {
    if (!pair) continue;
    const at = pair.indexOf('=');
    const key = safeDecode(at < 0 ? pair : pair.slice(0, at));
    const value = at < 0 ? '' : safeDecode(pair.slice(at + 1));
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return query;
}

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

/** { q: "a b", tags: ["x", "y"] } → "q=a%20b&tags=x&tags=y" (null/undefined dropped, key order kept). */
export function buildQuery(params: Record<string, QueryValue>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(item))}`);
    }
  }
  return parts.join('&');
}

/** Appends query parameters to a URL that may already have some (and a fragment). */
export function withQuery(url: string, params: Record<string, QueryValue>): string {
  const query = buildQuery(params);
  if (!query) return url;
  const hashAt = url.indexOf('#');
  const base = hashAt < 0 ? url : url.slice(0, hashAt);
  const hash = hashAt < 0 ? '' : url.slice(hashAt);
  const joiner = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return base + joiner + query + hash;
}
