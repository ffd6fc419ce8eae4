// Helpers of the fault-injection tests: a webhook target that records idempotency keys and can be taken down
// (connection refused) or made to answer 503, a published Run Webhook workflow, and a read-only view of the
// host's SQLite file for the final accounting.
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import type { HostProcess } from '../support/host-process.ts';

export interface Delivery {
  key: string;
  requestId: number;
  path: string;
  at: number;
  /** When the exchange ended (Date.now()): answered, or the client went away; null while it is open. */
  closedAt: number | null;
}

/**
 * Deliveries of one idempotency key that were open at the target at the same time: the same step running on two
 * hosts at once (a later attempt must start only after the earlier one ended, answered or abandoned).
 */
export function overlappingDeliveries(deliveries: readonly Delivery[]): Delivery[][] {
  const byKey = new Map<string, Delivery[]>();
  for (const delivery of deliveries) byKey.set(delivery.key, [...(byKey.get(delivery.key) ?? []), delivery]);
  const overlaps: Delivery[][] = [];
  for (const attempts of byKey.values()) {
    const sorted = [...attempts].sort((a, b) => a.at - b.at);
    for (let i = 1; i < sorted.length; i++) {
      const earlier = sorted[i - 1];
      if (earlier.closedAt === null || sorted[i].at < earlier.closedAt) overlaps.push([earlier, sorted[i]]);
    }
  }
  return overlaps;
}

export interface FaultTarget {
  origin: string;
  deliveries: Delivery[];
  /** 'up' answers 200; 'busy' answers 503 with Retry-After; 'slow' waits delayMs first. */
  mode: 'up' | 'busy' | 'slow';
  delayMs: number;
  /** Stops listening (clients get connection refused) until up() again on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultTarget(): Promise<FaultTarget> {
  let server: Server | null = null;
  let port = 0;
  const timers = new Set<NodeJS.Timeout>();
  const target: FaultTarget = {
    origin: '',
    deliveries: [],
    mode: 'up',
    delayMs: 0,
    async down() {
      if (!server) return;
      const closing = server;
      server = null;
      closing.closeAllConnections();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    async up() {
      if (server) return;
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          let requestId = -1;
          try {
            requestId = Number(JSON.parse(Buffer.concat(chunks).toString('utf8')).requestId);
          } catch {
            /* not ours */
          }
          const delivery: Delivery = {
            key: String(request.headers['idempotency-key'] ?? ''),
            requestId,
            path: request.url ?? '/',
            at: Date.now(),
            closedAt: null,
          };
          target.deliveries.push(delivery);
          response.once('close', () => (delivery.closedAt = Date.now()));
          const answer = () => {
            if (target.mode === 'busy') {
              response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
              return void response.end('{"busy":true}');
            }
            response.writeHead(200, { 'content-type': 'application/json' });
            response.end('{"ok":true}');
          };
          if (target.mode !== 'slow') return answer();
          const timer = setTimeout(() => {
            timers.delete(timer);
            answer();
          }, target.delayMs);
          timers.add(timer);
        });
      });
      const listening = server;
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(port, '127.0.0.1', () => resolve());
      });
      port = (listening.address() as AddressInfo).port;
      target.origin = `http://127.0.0.1:${port}`;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await target.down();
    },
  };
  await target.up();
  return target;
}

/** Creates and publishes "on every new request, POST its id to <url>" and returns the workflow id. */
export async function publishWebhookWorkflow(
  host: HostProcess,
  url: string,
  retry?: Record<string, unknown>,
  kind?: 'incident' | 'service-request',
): Promise<string> {
  const created = await host.api<{ id: string }>('POST', '/api/workflows', {
    name: `Notify on every ${kind ?? 'request'}`,
    module: 'request',
    trigger: { event: 'request.created', ...(kind ? { kind } : {}) },
    start: 'hook',
    nodes: [
      {
        id: 'hook',
        kind: 'action',
        title: 'Run Webhook',
        uses: '@actionhost/run-webhook@^1.0.0',
        source: 'trigger',
        inputs: { URL: url, 'Request Type': 'POST', 'Request JSON': { requestId: '#internalId#' } },
        ...(retry ? { retry } : {}),
      },
    ],
  });
  if (created.status !== 201) throw new Error(`workflow not created: ${JSON.stringify(created.body)}`);
  const published = await host.api('POST', `/api/workflows/${created.body.id}/publish`);
  if (published.status !== 200) throw new Error(`workflow not published: ${JSON.stringify(published.body)}`);
  return created.body.id;
}

/** Opens the host's database for reading (WAL: safe next to a running host). Close it in finally. */
export function openDatabase(dataDir: string): DatabaseSync {
  return new DatabaseSync(join(dataDir, 'actionhost.db'), { readOnly: true });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The pids of the host's sandbox worker processes (its direct children running the worker script). */
export function workerPids(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const command = readFileSync(`/proc/${name}/cmdline`, 'utf8');
        return ppid === pid && command.includes('worker') ? [Number(name)] : [];
      } catch {
        return [];
      }
    });
}

/** Polls until `check` returns a value (not undefined), or throws after timeoutMs. */
export async function waitUntil<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}
