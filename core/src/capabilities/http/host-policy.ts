// The manifest's host policy: `capabilities.http.hosts` lists which hosts a plugin may call ("*", exact
// names or IPs, "*.example.com" for subdomains, any of them with ":port"). Checked on every hop of a redirect.
import { isIP } from 'node:net';

/** Whether `url` may be requested under `patterns`. */
export function hostAllowed(patterns: readonly string[] | undefined, url: URL): boolean {
  if (!patterns) return false;
  const hostname = normalizeHostname(url.hostname);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return patterns.some((pattern) => matches(pattern, hostname, port));
}

function matches(rawPattern: string, hostname: string, port: string): boolean {
  const pattern = rawPattern.trim().toLowerCase();
  if (pattern === '*') return true;
  const { host, port: patternPort } = splitPort(pattern);
  if (patternPort !== undefined && patternPort !== port) return false;
  if (host === '*') return true;
  if (host.startsWith('*.')) {
    const suffix = host.slice(1).replace(/\.$/, ''); // ".example.com"
    return hostname.endsWith(suffix) && hostname.length > suffix.length;
  }
  return normalizeHostname(host) === hostname;
}

// "[::1]:8080" and "example.com:8080" carry a port; a bare IPv6 literal ("::1") does not.
function splitPort(pattern: string): { host: string; port?: string } {
  const bracketed = /^(\[[^\]]+\])(?::(\d+))?$/.exec(pattern);
  if (bracketed) return { host: bracketed[1], port: bracketed[2] };
  if (isIP(pattern) === 6) return { host: pattern };
  const withPort = /^(.*):(\d+)$/.exec(pattern);
  return withPort ? { host: withPort[1], port: withPort[2] } : { host: pattern };
}

// WHATWG URL canonicalises IP literals ("0x7f.1" → "127.0.0.1", "[::0:1]" → "[::1]"): patterns go through
// the same parser so they compare equal to what the URL resolved to.
function normalizeHostname(host: string): string {
  const bare = host.replace(/\.$/, '');
  const literal = isIP(bare) === 6 ? `[${bare}]` : bare;
  try {
    return new URL(`http://${literal}/`).hostname.replace(/\.$/, '');
  } catch {
    return bare;
  }
}
