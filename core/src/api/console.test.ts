// Serving the built console: index.html for every screen's URL (deep links), hashed assets with long caching,
// the console's security headers, gzip when asked, and /api/* left to the API with its JSON 404.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, registerConsole } from './console.ts';
import { openApi, type TestApi } from './api.fixtures.ts';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/main-ABC.js"></script></head></html>';
let dir: string;
let api: TestApi;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'main-ABC.js'), 'console.log("console");'.repeat(50));
  writeFileSync(join(dir, 'assets', 'main-ABC.css'), 'body{color:red}');
  api = await openApi({ consoleDir: dir });
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the console at /', () => {
  it('answers index.html for / and for deep links, with the strict CSP and no caching of the page', async () => {
    for (const url of ['/', '/workflows', '/workflows/wf_123', '/requests/12?tab=audit', '/signin']) {
      const response = await api.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toBe(INDEX);
      expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['cache-control']).toBe('no-cache');
    }
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(CONSOLE_CSP).toContain("connect-src 'self'");
  });

  it('serves hashed assets with their media type, immutable caching, and gzip when the client takes it', async () => {
    const plain = await api.app.inject({ method: 'GET', url: '/assets/main-ABC.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toMatch(/^text\/javascript/);
    expect(plain.headers['cache-control']).toContain('immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gzipped = await api.app.inject({
      method: 'GET',
      url: '/assets/main-ABC.js',
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.rawPayload).toString()).toBe(plain.body);
    expect((await api.app.inject({ method: 'GET', url: '/assets/main-ABC.css' })).headers['content-type']).toMatch(
      /^text\/css/,
    );
  });

  it('answers an unknown asset and an unknown /api route with the JSON 404, never with the page', async () => {
    for (const url of ['/assets/nope.js', '/api/nope', '/api', '/api/workflows/x/y/z']) {
      const response = await api.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('AH_ROUTE_NOT_FOUND');
    }
    expect((await api.app.inject({ method: 'GET', url: '/api/health' })).json()).toMatchObject({ status: 'ok' });
  });

  it('is not registered when the folder holds no build', () => {
    const app = Fastify();
    expect(registerConsole(app, join(dir, 'missing'))).toBe(false);
  });
});
