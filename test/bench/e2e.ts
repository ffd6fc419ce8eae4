// `npm run bench:e2e`: issue 13's end-to-end workload, measured in one run on the host (embedded defaults: SQLite,
// sandboxed plugins, every step persisted) and on a plain-Node reference server doing the same If Else + POST with
// no persistence. Prints workflows/s of both and their ratio, latency at 25/50/90% of each one's capacity, the
// peak resident memory of each process tree over the whole run (and of each of its processes at that peak) and the
// host's idle memory after start.
// BENCH_SECONDS (10) sets the load window, BENCH_CONNECTIONS (32) the connections; --json adds a JSON line;
// BENCH_ONLY=actionhost skips the reference. Then the same workload on 1, 2 and 3 hosts sharing one PostgreSQL
// database (test/bench/e2e/multi-host.ts; BENCH_POSTGRES=0 skips it, PG_URL picks the server). BENCH_HOST_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=DIR" profiles the
// host (and its workers); `node test/bench/profile-summary.ts DIR/<file>.cpuprofile` prints its top functions.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import {
  closedLoop,
  driver,
  openLoop,
  percentile,
  rssSampler,
  settle,
  startTarget,
  treeCpuMs,
  treeRss,
  type ProcessRss,
  type Target,
} from './e2e/load.ts';
import { onboardingWorkflow } from './e2e/workload.ts';
import { measureHostsOnPostgres, postgresAdminUrl, type MultiHostResult } from './e2e/multi-host.ts';
import { spawnListening, stopChild } from './e2e/processes.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 5);
const progress = (message: string) => process.stderr.write(`[bench:e2e] ${message}\n`);

interface System {
  name: string;
  origin: string;
  child: ChildProcess;
  token?: string;
  dataDir?: string;
  close(): Promise<void>;
}

/** What `npm start` runs (package.json: its environment, Node flags, entry and command): the host measured as run. */
function startScript(): { env: Record<string, string>; args: string[] } {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } })
    .scripts;
  const words = scripts.start.split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_]+=/.test(words[0] ?? '')) {
    const [name, value] = words.shift()!.split('=', 2);
    env[name] = value;
  }
  if (words[0] !== 'node') throw new Error(`npm start does not run node: ${scripts.start}`);
  return { env, args: words.slice(1) };
}

async function startActionhost(target: Target): Promise<System> {
  const dataDir = mkdtempSync(join(tmpdir(), 'actionhost-bench-'));
  const token = `bench-${randomBytes(16).toString('hex')}`;
  const start = startScript();
  const { child, url } = await spawnListening(
    [...start.args, '--data', dataDir, '--port', '0', '--allow-private', '127.0.0.1', '--no-seed'],
    ROOT,
    {
      ...start.env,
      ACTIONHOST_ADMIN_TOKEN: token,
      // e.g. BENCH_HOST_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the host and its workers.
      ...(process.env.BENCH_HOST_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_HOST_NODE_OPTIONS } : {}),
    },
  );
  const api = async (method: string, path: string, body?: unknown) => {
    const answer = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const parsed = (await answer.json()) as { id?: string };
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(parsed)}`);
    return parsed;
  };
  const created = await api('POST', '/api/workflows', onboardingWorkflow(target.url));
  await api('POST', `/api/workflows/${created.id}/publish`);
  return {
    name: 'actionhost',
    origin: url,
    child,
    token,
    dataDir,
    close: async () => {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startReference(target: Target): Promise<System> {
  const { child, url } = await spawnListening(['test/bench/e2e/reference-server.ts', target.url], ROOT);
  return { name: 'plain Node', origin: url, child, close: () => stopChild(child) };
}

interface Measured {
  idleRssMb: number;
  peakRssMb: number;
  /** Each process of the tree, idle and at the peak. */
  idleProcesses: ProcessRss[];
  peakProcesses: ProcessRss[];
  accepted: number;
  busy: number;
  failed: number;
  finishedInWindow: number;
  workflowsPerSecond: number;
  /** CPU time of the system's process tree per workflow: what it costs, whatever else the machine runs. */
  cpuMsPerWorkflow: number;
  answerP99Ms: number;
  latency: Record<string, { rate: number; p50: number; p99: number; executionP50?: number; executionP99?: number }>;
}

/** Execution createdAt → finishedAt (the measure) of the host's executions created since `since`. */
function executionLatencies(dataDir: string, since: string): number[] {
  const db = new DatabaseSync(join(dataDir, 'actionhost.db'), { readOnly: true });
  try {
    const rows = db
      .prepare(
        'SELECT created_at, finished_at FROM workflow_executions WHERE created_at >= ? AND finished_at IS NOT NULL',
      )
      .all(since) as { created_at: string; finished_at: string }[];
    return rows.map((row) => Date.parse(row.finished_at) - Date.parse(row.created_at));
  } finally {
    db.close();
  }
}

async function measure(system: System, target: Target): Promise<Measured> {
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idleProcesses = treeRss(system.child.pid!);
  const idleRssMb = idleProcesses.reduce((total, process) => total + process.mb, 0);
  progress(`${system.name}: idle ${idleRssMb.toFixed(0)} MB (${describeProcesses(idleProcesses)}); warming up`);
  const d = driver(system.origin, system.token, CONNECTIONS);
  // Sampled from the first request to the last answer of the latency runs: the peak of the whole run.
  const memory = rssSampler(system.child.pid!);
  try {
    const warm = await closedLoop(d, 8, 1500);
    await settle(
      () => target.calls,
      () => [...warm.accepted].every((s) => target.arrivals.has(s)),
    );

    progress(`${system.name}: ${CONNECTIONS} connections for ${SECONDS} s`);
    const before = target.calls;
    const cpuBefore = treeCpuMs(system.child.pid!);
    const windowStart = performance.now();
    const load = await closedLoop(d, CONNECTIONS, SECONDS * 1000);
    const finishedInWindow = [...load.accepted].filter(
      (s) => (target.arrivals.get(s) ?? Infinity) <= windowStart + SECONDS * 1000,
    ).length;
    await settle(
      () => target.calls,
      () => [...load.accepted].every((s) => target.arrivals.has(s)),
    );
    const calls = target.calls - before;
    const cpuMsPerWorkflow = (treeCpuMs(system.child.pid!) - cpuBefore) / calls;
    const workflowsPerSecond = calls / ((target.lastCallAt - windowStart) / 1000);
    progress(
      `${system.name}: ${workflowsPerSecond.toFixed(0)} workflows/s, ${cpuMsPerWorkflow.toFixed(2)} CPU ms each`,
    );

    const latency: Measured['latency'] = {};
    for (const share of [25, 50, 90]) {
      const rate = Math.max(1, Math.round((workflowsPerSecond * share) / 100));
      progress(`${system.name}: ${rate}/s (${share}% of capacity) for ${LATENCY_SECONDS} s`);
      const since = new Date().toISOString();
      const steady = await openLoop(d, rate, LATENCY_SECONDS * 1000);
      await settle(
        () => target.calls,
        () => [...steady.accepted].every((s) => target.arrivals.has(s)),
      );
      const ms = [...steady.accepted].flatMap((s) => {
        const arrived = target.arrivals.get(s);
        return arrived === undefined ? [] : [arrived - steady.sentAt.get(s)!];
      });
      latency[`${share}%`] = { rate, p50: percentile(ms, 50), p99: percentile(ms, 99) };
      if (system.dataDir) {
        const executions = executionLatencies(system.dataDir, since);
        latency[`${share}%`].executionP50 = percentile(executions, 50);
        latency[`${share}%`].executionP99 = percentile(executions, 99);
      }
    }
    const peak = memory.stop();
    progress(`${system.name}: peak ${peak.mb.toFixed(0)} MB (${describeProcesses(peak.processes)})`);
    return {
      idleRssMb,
      peakRssMb: peak.mb,
      idleProcesses,
      peakProcesses: peak.processes,
      accepted: load.accepted.size,
      busy: load.busy,
      failed: load.failed,
      finishedInWindow,
      workflowsPerSecond,
      cpuMsPerWorkflow,
      answerP99Ms: percentile(load.answerMs, 99),
      latency,
    };
  } finally {
    memory.stop();
    await d.pool.close();
  }
}

/** "root 110, sandbox-worker.js 64": each process's RSS in MB. */
function describeProcesses(processes: ProcessRss[]): string {
  return processes.map((process) => `${process.name} ${process.mb.toFixed(0)}`).join(', ');
}

async function main(): Promise<void> {
  const target = await startTarget();
  const results: Record<string, Measured> = {};
  const onPostgres: MultiHostResult[] = [];
  try {
    for (const start of process.env.BENCH_ONLY === 'actionhost'
      ? [startActionhost]
      : [startActionhost, startReference]) {
      const system = await start(target);
      try {
        results[system.name] = await measure(system, target);
      } finally {
        await system.close();
      }
    }
    if (process.env.BENCH_POSTGRES !== '0') {
      const adminUrl = postgresAdminUrl(ROOT);
      for (const count of [1, 2, 3])
        onPostgres.push(
          await measureHostsOnPostgres({
            root: ROOT,
            adminUrl,
            count,
            target,
            connections: CONNECTIONS,
            seconds: SECONDS,
            start: startScript(),
            progress,
          }),
        );
    }
  } finally {
    await target.close();
  }
  const host = results.actionhost;
  // BENCH_ONLY=actionhost: the reference's column stays empty.
  const plain: Measured = results['plain Node'] ?? {
    idleRssMb: NaN,
    peakRssMb: NaN,
    idleProcesses: [],
    peakProcesses: [],
    accepted: 0,
    busy: 0,
    failed: 0,
    finishedInWindow: 0,
    workflowsPerSecond: NaN,
    cpuMsPerWorkflow: NaN,
    answerP99Ms: NaN,
    latency: Object.fromEntries(['25%', '50%', '90%'].map((share) => [share, { rate: 0, p50: NaN, p99: NaN }])),
  };
  const f = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));
  const rows: Array<[string, string, string]> = [
    [
      'workflows/s end to end (target calls / time to the last)',
      f(host.workflowsPerSecond, 0),
      f(plain.workflowsPerSecond, 0),
    ],
    [
      'CPU ms of the process tree per workflow (user + system)',
      f(host.cpuMsPerWorkflow, 2),
      f(plain.cpuMsPerWorkflow, 2),
    ],
    [
      `requests accepted in the ${SECONDS} s window (503 busy)`,
      `${host.accepted} (${host.busy})`,
      `${plain.accepted} (${plain.busy})`,
    ],
    [
      '  of them finished within the window',
      `${host.finishedInWindow} (${f((100 * host.finishedInWindow) / host.accepted, 0)}%)`,
      `${plain.finishedInWindow}`,
    ],
    ['API answer p99 under load, ms', f(host.answerP99Ms), f(plain.answerP99Ms)],
    ...(['25%', '50%', '90%'] as const).flatMap((share): Array<[string, string, string]> => [
      [
        `sent → webhook received at ${share} of capacity: p50 / p99 ms`,
        `${f(host.latency[share].p50)} / ${f(host.latency[share].p99)} (${host.latency[share].rate}/s)`,
        `${f(plain.latency[share].p50)} / ${f(plain.latency[share].p99)} (${plain.latency[share].rate}/s)`,
      ],
      [
        `  execution createdAt → finishedAt at ${share}: p50 / p99 ms`,
        `${f(host.latency[share].executionP50)} / ${f(host.latency[share].executionP99)}`,
        '—',
      ],
    ]),
    ['peak RSS of the process tree (whole run), MB', f(host.peakRssMb, 0), f(plain.peakRssMb, 0)],
    ['  by process at the peak, MB', describeProcesses(host.peakProcesses), describeProcesses(plain.peakProcesses)],
    ['RSS of the process tree idle after start, MB', f(host.idleRssMb, 0), f(plain.idleRssMb, 0)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`actionhost bench:e2e — Node ${process.version}, ${CONNECTIONS} connections, ${SECONDS} s, one run`);
  console.log(`${''.padEnd(width)}  ${'actionhost'.padEnd(28)}  plain Node`);
  for (const [name, a, b] of rows) console.log(`${name.padEnd(width)}  ${a.padEnd(28)}  ${b}`);
  console.log(
    `ratio plain Node / actionhost, CPU ms per workflow: ${(plain.cpuMsPerWorkflow / host.cpuMsPerWorkflow).toFixed(2)}x`,
  );
  console.log(
    `ratio actionhost / plain Node, workflows/s: ${(host.workflowsPerSecond / plain.workflowsPerSecond).toFixed(2)}x` +
      " (2x Node-RED ≈ 0.65x of plain Node on the issue's machine)",
  );
  if (onPostgres.length > 0) {
    const one = onPostgres[0].workflowsPerSecond;
    console.log(
      `on PostgreSQL (hosts and database on this machine's ${availableParallelism()} cores, requests spread over the hosts):`,
    );
    for (const run of onPostgres)
      console.log(
        `  ${run.hosts} host(s): ${f(run.workflowsPerSecond, 0)} workflows/s, ${f(run.cpuMsPerWorkflow, 2)} host CPU ms ` +
          `each, ${run.accepted} accepted (${run.busy} busy, ${run.failed} failed); ` +
          `x${(run.workflowsPerSecond / one).toFixed(2)} of one host on PostgreSQL, ` +
          `x${(run.workflowsPerSecond / host.workflowsPerSecond).toFixed(2)} of one host on SQLite`,
      );
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify({ ...results, postgres: onPostgres }));
}

await main();
