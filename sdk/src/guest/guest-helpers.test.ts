// The SDK's pure helpers must agree with Node's Buffer/URL, which the sandbox does not have.
import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  buildQuery,
  bytesToBase64,
  decodeBase64,
  encodeBase64,
  parseQuery,
  parseUrl,
  utf8Decode,
  utf8Encode,
  withQuery,
} from '../index.ts';

const samples = ['', 'a', 'ab', 'abc', 'user:pässwörd', 'emoji 🚀 and 漢字', '\u0000\u007f\u0080\u07ff\u0800\uffff'];

describe('base64 and UTF-8 helpers', () => {
  it('encodes text exactly like Buffer', () => {
    for (const text of samples) {
      expect(encodeBase64(text)).toBe(Buffer.from(text, 'utf8').toString('base64'));
      expect([...utf8Encode(text)]).toEqual([...Buffer.from(text, 'utf8')]);
    }
  });

  it('round-trips text and accepts URL-safe base64 without padding', () => {
    for (const text of samples) expect(decodeBase64(encodeBase64(text))).toBe(text);
    const bytes = [251, 255, 190, 0, 1];
    expect(base64ToBytes(Buffer.from(bytes).toString('base64url'))).toEqual(bytes);
    expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('replaces malformed UTF-8 with U+FFFD as TextDecoder does', () => {
    for (const bytes of [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0x61, 0x80, 0x62]]) {
      expect(utf8Decode(bytes)).toBe(new TextDecoder().decode(new Uint8Array(bytes)));
    }
  });

  it('throws on characters outside the base64 alphabet', () => {
    expect(() => base64ToBytes('ab$c')).toThrow();
  });
});

describe('URL helpers', () => {
  it('splits an absolute URL into the parts URL gives', () => {
    const url = 'HTTPS://bob:s%40cret@API.Example.com:8443/v1/items?q=a%20b&tag=x&tag=y#top';
    const parsed = parseUrl(url);
    const reference = new URL(url);
    expect(parsed).toMatchObject({
      protocol: 'https',
      username: 'bob',
      password: 's@cret',
      hostname: reference.hostname,
      port: reference.port,
      host: reference.host,
      pathname: reference.pathname,
      search: 'q=a%20b&tag=x&tag=y',
      hash: 'top',
      query: { q: 'a b', tag: ['x', 'y'] },
    });
    expect(parseUrl('http://[::1]:8080').hostname).toBe('[::1]');
    expect(parseUrl('http://127.0.0.1').pathname).toBe('/');
  });

  it('refuses a relative URL', () => {
    expect(() => parseUrl('/just/a/path')).toThrow();
  });

  it('builds query strings that URLSearchParams reads back', () => {
    const query = buildQuery({ q: 'a b&c', n: 3, yes: true, skip: undefined, none: null, tags: ['x', 'y z'] });
    const read = new URLSearchParams(query);
    expect(read.get('q')).toBe('a b&c');
    expect(read.getAll('tags')).toEqual(['x', 'y z']);
    expect(read.has('skip')).toBe(false);
    expect(parseQuery(query)).toEqual({ q: 'a b&c', n: '3', yes: 'true', tags: ['x', 'y z'] });
  });

  it('appends query parameters before the fragment', () => {
    expect(withQuery('https://h/p#f', { a: 1 })).toBe('https://h/p?a=1#f');
    expect(withQuery('https://h/p?x=1', { a: 1 })).toBe('https://h/p?x=1&a=1');
    expect(withQuery('https://h/p', {})).toBe('https://h/p');
  });
});
