// Matching a URL against the manifest's `capabilities.http.hosts` patterns.
import { describe, expect, it } from 'vitest';
import { hostAllowed } from './host-policy.ts';

const allowed = (patterns: string[] | undefined, url: string) => hostAllowed(patterns, new URL(url));

describe('manifest host patterns', () => {
  it('lets "*" match any host', () => {
    expect(allowed(['*'], 'https://anything.example.net:8443/x')).toBe(true);
  });

  it('matches an exact host case-insensitively and ignores a trailing dot', () => {
    expect(allowed(['API.example.com'], 'https://api.example.com/v1')).toBe(true);
    expect(allowed(['api.example.com'], 'https://api.example.com./v1')).toBe(true);
    expect(allowed(['api.example.com'], 'https://api.example.com.evil.net/')).toBe(false);
    expect(allowed(['api.example.com'], 'https://evilapi.example.com/')).toBe(false);
  });

  it('lets "*.example.com" match subdomains but not the apex or look-alikes', () => {
    expect(allowed(['*.example.com'], 'https://a.example.com/')).toBe(true);
    expect(allowed(['*.example.com'], 'https://a.b.example.com/')).toBe(true);
    expect(allowed(['*.example.com'], 'https://example.com/')).toBe(false);
    expect(allowed(['*.example.com'], 'https://badexample.com/')).toBe(false);
  });

  it('requires the port when the pattern names one (default ports count)', () => {
    expect(allowed(['127.0.0.1:8080'], 'http://127.0.0.1:8080/')).toBe(true);
    expect(allowed(['127.0.0.1:8080'], 'http://127.0.0.1:8081/')).toBe(false);
    expect(allowed(['example.com:443'], 'https://example.com/')).toBe(true);
    expect(allowed(['example.com:443'], 'http://example.com/')).toBe(false);
    expect(allowed(['*.example.com:8443'], 'https://a.example.com:8443/')).toBe(true);
  });

  it('compares IP literals in canonical form', () => {
    expect(allowed(['::1'], 'http://[::1]/')).toBe(true);
    expect(allowed(['[0:0::1]:8080'], 'http://[::1]:8080/')).toBe(true);
    expect(allowed(['127.0.0.1'], 'http://0x7f.0.0.1/')).toBe(true);
  });

  it('denies everything without patterns', () => {
    expect(allowed(undefined, 'https://example.com/')).toBe(false);
    expect(allowed([], 'https://example.com/')).toBe(false);
  });
});
