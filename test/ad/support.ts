// Test-side plumbing for calling the ldap capability directly: a fake InvocationScope, a TCP relay in front of
// the DC (to drop connections or to never answer), and a way to read an ActionhostError off a rejection.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Json, LogLevel, PluginManifest } from '@actionhost/sdk';
import { inject } from 'vitest';
import type { InvocationBindings, InvocationScope } from '@actionhost/core';
import type { AdFacts } from './facts.ts';

/** The DC facts from global-setup.ts; a clear failure when the config lacks that global setup. */
export function adFacts(): AdFacts {
  const ad = inject('ad');
  if (!ad)
    throw new Error(
      'no AD facts: run with test/ad/global-setup.ts as a vitest globalSetup (see test/ad/vitest.ad.config.ts)',
    );
  return ad;
}

export interface LogEntry {
  level: LogLevel;
  message: string;
  data?: Json;
}

/** A fake InvocationScope for a plugin that declares `ldap`; `logs` collects what the capability logged. */
export function fakeScope(
  bindings: InvocationBindings = { applicationId: 'ad' },
  signal: AbortSignal = new AbortController().signal,
): InvocationScope & { logs: LogEntry[] } {
  const logs: LogEntry[] = [];
  const manifest = {
    name: '@actionhost/ldap-test',
    version: '1.0.0',
    title: 'ldap test',
    description: '',
    category: 'app-integration',
    host: '^1.0.0',
    entry: 'dist/plugin.js',
    input: {},
    output: {},
    paths: ['success', 'failure'],
    capabilities: { ldap: true },
    limits: {},
    testConnection: false,
    mappings: {},
  } satisfies PluginManifest;
  return {
    invocationId: `inv-${Math.random().toString(36).slice(2)}`,
    idempotencyKey: 'test',
    plugin: { name: manifest.name, version: manifest.version, manifest },
    signal,
    deadline: Date.now() + 60_000,
    log: (level, message, data) => {
      logs.push({ level, message, ...(data === undefined ? {} : { data }) });
    },
    bindings,
    logs,
  };
}

/** The ActionhostError (code, details) a promise rejects with; fails the test if it resolves. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected a rejection, but the call succeeded');
}

/**
 * A loopback TCP relay to the DC (TLS passes through untouched, so certificates still verify against 127.0.0.1).
 * `drop()` cuts every relayed connection; with `silent` it accepts connections and never answers.
 */
export async function startRelay(
  target: { host: string; port: number },
  options: { silent?: boolean } = {},
): Promise<{ port: number; connections: number; drop(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((inbound) => {
    connections++;
    sockets.add(inbound);
    inbound.on('close', () => sockets.delete(inbound));
    inbound.on('error', () => {});
    if (options.silent) return;
    const outbound = connect(target.port, target.host);
    sockets.add(outbound);
    outbound.on('close', () => {
      sockets.delete(outbound);
      inbound.destroy();
    });
    outbound.on('error', () => inbound.destroy());
    inbound.on('close', () => outbound.destroy());
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    get connections() {
      return connections;
    },
    drop() {
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port nobody listens on (bound then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
