// What an outbound request's URL looks like in the invocation log.
import { describe, expect, it } from 'vitest';
import { proxyForLog, urlForLog } from './request-log.ts';

describe('request log URL', () => {
  it('masks every query value but keeps the names', () => {
    expect(urlForLog(new URL('https://api.example.com/v1/items?api_key=abc&page=2&flag'))).toBe(
      'https://api.example.com/v1/items?api_key=REDACTED&page=REDACTED&REDACTED',
    );
  });

  it('masks long opaque path segments, where webhook URLs keep their secret', () => {
    expect(urlForLog(new URL('https://hooks.example.com/services/T0001/B0002/aB3dE5fG7hJ9kL1mN3pQ5rS7'))).toBe(
      'https://hooks.example.com/services/T0001/B0002/REDACTED',
    );
  });

  it('keeps ordinary paths and drops the fragment', () => {
    expect(urlForLog(new URL('http://127.0.0.1:8080/api/requests/42#top'))).toBe(
      'http://127.0.0.1:8080/api/requests/42',
    );
  });

  it('drops proxy credentials', () => {
    expect(proxyForLog(new URL('http://user:secret@proxy.example.com:3128'))).toBe('http://proxy.example.com:3128');
  });
});
