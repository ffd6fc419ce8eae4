// `registry serve`: exposes a store's installed tarballs over HTTP, read-only, so another host can
// `registry install --from URL name@range`. Paths are looked up in the index, never mapped onto the file system.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isActionhostError } from '@actionhost/sdk';
import { RegistryErrors } from '../errors.ts';
import type { PluginStore } from '../store/index.ts';
import { RESERVED_FILE } from '../tarball/index.ts';

/** What GET /<name> answers: every installed version with its integrity and where to fetch it. */
export interface RemotePackument {
  name: string;
  versions: Record<string, { integrity: string; tarball: string }>;
}

/** What GET / answers: the installed plugins, their versions, and the paths this server answers. */
export interface RemoteIndex {
  plugins: { name: string; versions: string[]; packument: string }[];
  paths: Record<'list' | 'packument' | 'tarball', string>;
}

export function tarballPath(name: string, version: string): string {
  return `/${encodeURIComponent(name)}/-/${encodeURIComponent(version)}.tgz`;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function handle(store: PluginStore, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw RegistryErrors.methodNotAllowed();
  }
  const url = new URL(request.url ?? '/', 'http://registry.invalid');
  let segments: string[];
  try {
    segments = url.pathname
      .split('/')
      .slice(1)
      .map((segment) => decodeURIComponent(segment));
  } catch {
    throw RegistryErrors.pathMalformed();
  }
  if (url.pathname === '/') {
    // The index a person (or a script) finds first: every installed plugin with its versions, and where to look.
    const versions = new Map<string, string[]>();
    for (const { name, version } of await store.list()) versions.set(name, [...(versions.get(name) ?? []), version]);
    const index: RemoteIndex = {
      plugins: [...versions].map(([name, list]) => ({ name, versions: list, packument: `/${name}` })),
      paths: { list: '/-/plugins', packument: '/<name>', tarball: '/<name>/-/<version>.tgz' },
    };
    send(response, 200, index);
    return;
  }
  if (url.pathname === '/-/plugins') {
    send(
      response,
      200,
      (await store.list()).map(({ name, version, integrity }) => ({ name, version, integrity })),
    );
    return;
  }
  // /<name> or /@scope/<name>, optionally followed by /-/<version>.tgz
  const dash = segments.indexOf('-');
  const name = (dash < 0 ? segments : segments.slice(0, dash)).join('/');
  if (name === '' || segments.includes('')) {
    send(response, 404, { code: 'AH_NOT_FOUND', message: `no such path ${url.pathname}; GET / lists what is here` });
    return;
  }
  if (dash < 0) {
    const versions = await store.info(name);
    const packument: RemotePackument = {
      name,
      versions: Object.fromEntries(
        versions.map((plugin) => [
          plugin.version,
          { integrity: plugin.integrity, tarball: tarballPath(plugin.name, plugin.version) },
        ]),
      ),
    };
    send(response, 200, packument);
    return;
  }
  const file = segments.slice(dash + 1).join('/');
  if (!file.endsWith('.tgz')) {
    throw RegistryErrors.pathNotFound(url.pathname);
  }
  const installed = await store.get(name, file.slice(0, -'.tgz'.length));
  const bytes = await readFile(join(await store.ensureLocal(installed.name, installed.version), RESERVED_FILE));
  response.writeHead(200, {
    'content-type': 'application/gzip',
    'content-length': bytes.length,
    'x-actionhost-integrity': installed.integrity,
  });
  response.end(request.method === 'HEAD' ? undefined : bytes);
}

export class RegistryServer {
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Starts serving `store` on host:port (port 0 picks a free one). */
  static async listen(store: PluginStore, options: { host?: string; port?: number } = {}): Promise<RegistryServer> {
    const server = createServer((request, response) => {
      handle(store, request, response).catch((error: unknown) => {
        if (isActionhostError(error)) send(response, error.status, error.toJSON());
        else send(response, 500, RegistryErrors.internal().toJSON());
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    return new RegistryServer(server);
  }

  get url(): string {
    const address = this.#server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.close((error) => (error ? reject(error) : resolve()));
      this.#server.closeAllConnections();
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
