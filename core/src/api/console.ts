// Serves the built web console (core/console/dist) at / on the API's own port: hashed assets from memory with
// long caching, index.html for every other GET outside /api (deep links such as /workflows/wf_1), and the
// console's security headers. /api/* keeps the API's JSON 404.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors, errorBody } from './errors.ts';

/** No inline script or style, no eval, nothing from another origin; React sets styles through the CSSOM. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const MEDIA_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin');
}

/** Registers the console's routes when `dir` holds a build; returns whether it did. */
export function registerConsole(app: FastifyInstance, dir: string): boolean {
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) return false;
  // Compressed once at start: the bundle is immutable while the host runs.
  const load = (file: string) => {
    const body = readFileSync(file);
    return { body, gzipped: gzipSync(body, { level: 9 }) };
  };
  const index = load(indexFile);
  const assets = new Map<string, { body: Buffer; gzipped: Buffer; type: string }>();
  const assetsDir = join(dir, 'assets');
  for (const name of existsSync(assetsDir) ? readdirSync(assetsDir) : []) {
    const type = MEDIA_TYPES[extname(name)];
    if (type) assets.set(name, { ...load(join(assetsDir, name)), type });
  }
  const send = (request: FastifyRequest, reply: FastifyReply, file: { body: Buffer; gzipped: Buffer }) => {
    reply.header('vary', 'accept-encoding');
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(file.gzipped);
    }
    return reply.send(file.body);
  };

  app.get('/assets/:file', (request, reply) => {
    const asset = assets.get((request.params as { file: string }).file);
    if (!asset) {
      return securityHeaders(reply)
        .code(404)
        .send(errorBody(ApiErrors.routeNotFound({ method: 'GET', url: request.url.split('?')[0] })));
    }
    securityHeaders(reply).type(asset.type).header('cache-control', 'public, max-age=31536000, immutable');
    return send(request, reply, asset);
  });
  // Every other GET is a screen of the single-page console, except the API's own namespace.
  app.get('/*', (request, reply) => {
    const path = request.url.split('?')[0];
    if (path === '/api' || path.startsWith('/api/')) {
      return reply.code(404).send(errorBody(ApiErrors.routeNotFound({ method: 'GET', url: path })));
    }
    securityHeaders(reply).type('text/html; charset=utf-8').header('cache-control', 'no-cache');
    return send(request, reply, index);
  });
  return true;
}
