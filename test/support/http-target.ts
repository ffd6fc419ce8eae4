// A real HTTP server on 127.0.0.1 (port chosen by the OS) for tests of outbound HTTP: it records every request
// it receives (method, path, headers, body) and answers by route, so a test asserts on what really arrived.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** path and query, as received */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpTarget {
  /** e.g. "http://127.0.0.1:40123" */
  origin: string;
  port: number;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** The requests received on `path` (query ignored). */
  requestsTo(path: string): RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Routes:
 * - `/status/:code`       answers with that status and a JSON body `{ status }`
 * - `/json`               200 `{ ok: true, method }` as application/json
 * - `/text`               200 `hello from target` as text/plain
 * - `/echo`               200, JSON of what arrived: `{ method, path, headers, body }`
 * - `/echo-php`           the headers that arrived as PHP's json_encode writes them ("/" as "\/", non-ASCII as \uXXXX)
 * - `/echo-html`          the headers that arrived in an HTML page, markup characters escaped
 * - `/slow/:ms`           waits, then 200 (the timer is cleared on close)
 * - `/redirect?to=URL&status=302`   redirects to URL (relative or absolute)
 * - `/big/:bytes`         that many bytes, streamed without Content-Length (`?declared=1` sends one)
 * - `/post-only`          405 with `Allow: POST` unless the method is POST
 * - `/no-head`            405 to HEAD, 200 otherwise
 * - anything else         200 `{ ok: true }`
 */
export async function startHttpTarget(): Promise<HttpTarget> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        path: request.url ?? '/',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      route(recorded, response, timers);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    requestsTo: (path) => requests.filter((r) => r.path.split('?')[0] === path),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function route(request: RecordedRequest, response: ServerResponse, timers: Set<NodeJS.Timeout>): void {
  const url = new URL(request.path, 'http://target.invalid');
  const [, first = '', second = ''] = url.pathname.split('/');
  const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    response.end(request.method === 'HEAD' ? undefined : JSON.stringify(value));
  };
  switch (first) {
    case 'status':
      return json(Number(second), { status: Number(second) });
    case 'json':
      return json(200, { ok: true, method: request.method });
    case 'text':
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      return void response.end('hello from target');
    case 'echo':
      return json(200, { method: request.method, path: request.path, headers: request.headers, body: request.body });
    case 'echo-php': {
      const php = JSON.stringify({ headers: request.headers })
        .replaceAll('/', '\\/')
        .replace(/[\u0080-\uffff]/g, (unit) => '\\u' + unit.charCodeAt(0).toString(16).padStart(4, '0'));
      response.writeHead(200, { 'content-type': 'application/json' });
      return void response.end(php);
    }
    case 'echo-html': {
      const escape = (text: string) =>
        text
          .replaceAll('&', '&amp;')
          .replaceAll('<', '&lt;')
          .replaceAll('>', '&gt;')
          .replaceAll('"', '&quot;')
          .replaceAll("'", '&#39;');
      const rows = Object.entries(request.headers).map(
        ([name, value]) => `<dt>${escape(name)}</dt><dd>${escape(String(value))}</dd>`,
      );
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void response.end(`<!doctype html><dl>${rows.join('')}</dl>`);
    }
    case 'slow': {
      const timer = setTimeout(() => {
        timers.delete(timer);
        json(200, { ok: true, waitedMs: Number(second) });
      }, Number(second));
      timers.add(timer);
      return;
    }
    case 'redirect': {
      const status = Number(url.searchParams.get('status') ?? 302);
      response.writeHead(status, { location: url.searchParams.get('to') ?? '/' });
      return void response.end();
    }
    case 'big': {
      const bytes = Number(second);
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (url.searchParams.get('declared') === '1') headers['content-length'] = String(bytes);
      response.writeHead(200, headers);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const pump = () => {
        while (sent < bytes) {
          const size = Math.min(chunk.length, bytes - sent);
          sent += size;
          if (!response.write(chunk.subarray(0, size))) return void response.once('drain', pump);
        }
        response.end();
      };
      response.on('error', () => undefined); // the client aborting a big body is the point of the route
      return pump();
    }
    case 'post-only':
      if (request.method === 'POST') return json(200, { ok: true });
      return json(405, { error: 'method not allowed' }, { allow: 'POST' });
    case 'no-head':
      if (request.method === 'HEAD') return json(405, {}, { allow: 'GET, POST' });
      return json(200, { ok: true, method: request.method });
    default:
      return json(200, { ok: true });
  }
}
