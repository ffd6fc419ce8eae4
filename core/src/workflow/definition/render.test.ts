// URL fields of a plugin's input (format "uri") get their placeholders encoded by where they land.
import { describe, expect, it } from 'vitest';
import type { Json } from '@actionhost/sdk';
import type { Reference } from './placeholders.ts';
import { renderInputs } from './render.ts';

const schema = {
  type: 'object',
  properties: { URL: { type: 'string', format: 'uri' }, Note: { type: 'string' } },
};

function url(template: string, data: Record<string, Json>): Json {
  const resolve = (ref: Reference) => (ref.kind === 'source' ? (data[ref.path.join('.')] ?? null) : null);
  return (renderInputs({ URL: template }, { resolve, schema }) as { URL: Json }).URL;
}

function failure(template: string, data: Record<string, Json>) {
  try {
    url(template, data);
  } catch (error) {
    return error as { code: string; details: Record<string, unknown> };
  }
  throw new Error('expected the URL to be refused');
}

describe('placeholders in a URL', () => {
  it('keeps a path traversal inside its path segment', () => {
    const built = url('http://host/api/users/#subject#/profile', { subject: '../../admin/purge?all=true&x=' });
    expect(built).toBe('http://host/api/users/..%2F..%2Fadmin%2Fpurge%3Fall%3Dtrue%26x%3D/profile');
    expect(new URL(built as string).pathname).toBe('/api/users/..%2F..%2Fadmin%2Fpurge%3Fall%3Dtrue%26x%3D/profile');
  });

  it('encodes "Printer on fire" in a path segment and in a query value', () => {
    expect(url('http://host/tickets/#subject#?q=#subject#&n=1', { subject: 'Printer on fire' })).toBe(
      'http://host/tickets/Printer%20on%20fire?q=Printer%20on%20fire&n=1',
    );
  });

  it('keeps a query value from adding parameters or a fragment', () => {
    const built = url('http://host/search?q=#q#', { q: 'x&admin=1#frag' });
    expect(new URL(built as string).searchParams.getAll('admin')).toEqual([]);
    expect(new URL(built as string).searchParams.get('q')).toBe('x&admin=1#frag');
  });

  it('refuses a value that makes a whole "." or ".." segment', () => {
    for (const subject of ['..', '.']) {
      expect(failure('http://host/api/#subject#/profile', { subject })).toMatchObject({
        code: 'AH_PLACEHOLDER_VALUE_INVALID',
        details: { path: '/URL', placeholder: 'subject' },
      });
    }
  });

  it('takes a whole-URL placeholder as a URL, unencoded, and refuses anything else', () => {
    expect(url('#target#', { target: 'https://api.example.com/v1/x?y=1' })).toBe('https://api.example.com/v1/x?y=1');
    for (const target of ['not a url', 'file:///etc/passwd', 'http://user:pw@host/', 42]) {
      expect(failure('#target#', { target })).toMatchObject({
        code: 'AH_PLACEHOLDER_VALUE_INVALID',
        details: { position: 'the whole URL' },
      });
    }
  });

  it('takes a base URL at the start unencoded and encodes what follows', () => {
    expect(url('#base#/users/#id#', { base: 'https://api.example.com/v2', id: 'a b' })).toBe(
      'https://api.example.com/v2/users/a%20b',
    );
    expect(failure('#base#/users', { base: 'javascript:alert(1)//' }).code).toBe('AH_PLACEHOLDER_VALUE_INVALID');
  });

  it('lets a host placeholder give only a host', () => {
    expect(url('https://#host#:8443/x', { host: 'api.example.com' })).toBe('https://api.example.com:8443/x');
    for (const host of ['evil.example.com/x?', 'a@evil.example.com', 'a b', 'x\\y']) {
      expect(failure('https://#host#/x', { host }).details.position).toBe('the host');
    }
  });

  it('leaves strings that are no URL as they were', () => {
    const resolve = () => 'a/b?c';
    expect(renderInputs({ Note: 'see #subject#' }, { resolve, schema })).toEqual({ Note: 'see a/b?c' });
  });
});

describe('percent signs in a path value', () => {
  it('encodes "%2e%2e" as text, which no server reads as ".."', () => {
    expect(url('http://host/a/#s#/b', { s: '%2e%2e' })).toBe('http://host/a/%252e%252e/b');
  });
});
