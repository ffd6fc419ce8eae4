// The load side of `npm run bench:e2e`: the webhook target both systems POST to (it records when each request's
// call arrived), a closed-loop driver (N connections, each sending as soon as its last answer came) and an
// open-loop one (a steady rate), both on an undici Pool, and a sampler of a process tree's resident memory.
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { requestBody, sequenceOf } from './workload.ts';

export interface Target {
  url: string;
  /** performance.now() at which the call for each sequence number arrived. */
  arrivals: Map<number, number>;
  calls: number;
  lastCallAt: number;
  close(): Promise<void>;
}

export async function startTarget(): Promise<Target> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const now = performance.now();
      try {
        const sequence = sequenceOf((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { ip?: unknown }).ip);
        if (sequence !== null && !target.arrivals.has(sequence)) {
          target.arrivals.set(sequence, now);
          target.calls++;
          target.lastCallAt = now;
        }
      } catch {
        /* not the workload's body */
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const target: Target = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals: new Map(),
    calls: 0,
    lastCallAt: 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return target;
}

export interface Sent {
  /** performance.now() at send, by sequence number. */
  sentAt: Map<number, number>;
  accepted: Set<number>;
  busy: number;
  failed: number;
  /** Answer times (ms) of accepted requests. */
  answerMs: number[];
}

export interface Driver {
  pool: Pool;
  token?: string;
}

// One sequence for the whole run: both systems post to the same target, which tells their requests apart by it.
let nextSequence = 1;

export function driver(origin: string, token?: string, connections = 32): Driver {
  return { pool: new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 }), token };
}

async function sendOne(d: Driver, sent: Sent): Promise<void> {
  const sequence = nextSequence++;
  const started = performance.now();
  sent.sentAt.set(sequence, started);
  try {
    const answer = await d.pool.request({
      method: 'POST',
      path: '/api/requests',
      headers: {
        'content-type': 'application/json',
        ...(d.token ? { authorization: `Bearer ${d.token}` } : {}),
      },
      body: requestBody(sequence),
    });
    await answer.body.text();
    if (answer.statusCode === 201) {
      sent.accepted.add(sequence);
      sent.answerMs.push(performance.now() - started);
    } else if (answer.statusCode === 503) sent.busy++;
    else sent.failed++;
  } catch {
    sent.failed++;
  }
}

export function emptySent(): Sent {
  return { sentAt: new Map(), accepted: new Set(), busy: 0, failed: 0, answerMs: [] };
}

/** `connections` loops, each sending its next request when the previous one was answered, for durationMs. */
export async function closedLoop(d: Driver, connections: number, durationMs: number): Promise<Sent> {
  const sent = emptySent();
  const until = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) await sendOne(d, sent);
    }),
  );
  return sent;
}

/** A steady `perSecond` for durationMs, whatever the answers take (at most maxInFlight outstanding). */
export async function openLoop(d: Driver, perSecond: number, durationMs: number, maxInFlight = 256): Promise<Sent> {
  const sent = emptySent();
  const started = performance.now();
  const total = Math.round((perSecond * durationMs) / 1000);
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const one = sendOne(d, sent).finally(() => inFlight.delete(one));
    inFlight.add(one);
  }
  await Promise.all(inFlight);
  return sent;
}

/** Waits until `done()` or until `calls()` stops moving for stallMs. */
export async function settle(calls: () => number, done: () => boolean, stallMs = 10_000): Promise<void> {
  let last = calls();
  let lastMove = performance.now();
  while (!done()) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = calls();
    if (now !== last) {
      last = now;
      lastMove = performance.now();
    } else if (performance.now() - lastMove > stallMs) return;
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A process and all its descendants, from /proc. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      /* exited meanwhile */
    }
  }
  const tree: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Resident memory (MB) of each process of a tree: the root first, then its descendants (e.g. sandbox workers). */
export function treeRss(root: number): ProcessRss[] {
  const rss: ProcessRss[] = [];
  for (const pid of processTree(root)) {
    try {
      const mb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      rss.push({ pid, name: processName(pid === root, command), mb });
    } catch {
      /* exited meanwhile */
    }
  }
  return rss;
}

export interface ProcessRss {
  pid: number;
  name: string;
  mb: number;
}

/** "root", or what a descendant runs: its script's file name (sandbox-worker.js, worker.ts, esbuild, ...). */
function processName(isRoot: boolean, command: string[]): string {
  if (isRoot) return 'root';
  const script = command.slice(1).find((word) => word !== '' && !word.startsWith('-')) ?? command[0];
  return script.split('/').pop() ?? script;
}

/** Resident memory (MB) of a process and all its descendants. */
export function treeRssMb(root: number): number {
  return treeRss(root).reduce((total, process) => total + process.mb, 0);
}

const TICKS_PER_SECOND = 100;

/** CPU time (ms, user + system) a process and its live descendants have used so far. */
export function treeCpuMs(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* exited meanwhile */
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Samples treeRss(pid) every intervalMs until stopped; returns the peak of the tree's total and its processes then. */
export function rssSampler(pid: number, intervalMs = 100): { stop(): { mb: number; processes: ProcessRss[] } } {
  let peak = { mb: 0, processes: [] as ProcessRss[] };
  const sample = () => {
    const processes = treeRss(pid);
    const mb = processes.reduce((total, process) => total + process.mb, 0);
    if (mb > peak.mb) peak = { mb, processes };
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
