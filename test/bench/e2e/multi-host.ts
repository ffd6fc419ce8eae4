// The PostgreSQL half of `npm run bench:e2e` (issue 14): the same workload on one, two and three hosts sharing one
// PostgreSQL database (the test server of test/postgres/start-postgres.sh, or PG_URL), requests spread round robin
// over the hosts. Throughput only (the closed loop): on one machine the hosts and PostgreSQL share its cores.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { closedLoop, settle, spreadDriver, treeCpuMs, type Target } from './load.ts';
import { onboardingWorkflow } from './workload.ts';
import { spawnListening, stopChild } from './processes.ts';

export interface MultiHostResult {
  hosts: number;
  workflowsPerSecond: number;
  cpuMsPerWorkflow: number;
  accepted: number;
  busy: number;
  failed: number;
}

interface Host {
  child: ChildProcess;
  url: string;
  dataDir: string;
}

/** The PostgreSQL server to run on: PG_URL, or the test server (started if it is not running). */
export function postgresAdminUrl(root: string): string {
  if (process.env.PG_URL) return process.env.PG_URL;
  const output = execFileSync('bash', [join(root, 'test/postgres/start-postgres.sh')], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  const url = /PG_URL='([^']+)'/.exec(output)?.[1];
  if (!url) throw new Error(`start-postgres.sh printed no PG_URL:\n${output}`);
  return url;
}

async function onAdmin(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Starts a host as `npm start` does (`start`: its environment and arguments, from package.json). */
async function startHost(
  root: string,
  start: { env: Record<string, string>; args: string[] },
  env: NodeJS.ProcessEnv,
): Promise<Host> {
  const dataDir = mkdtempSync(join(tmpdir(), 'actionhost-bench-pg-'));
  const { child, url } = await spawnListening(
    [...start.args, '--data', dataDir, '--port', '0', '--allow-private', '127.0.0.1', '--no-seed'],
    root,
    { ...start.env, ...env },
  );
  return { child, url, dataDir };
}

async function stopHost(host: Host): Promise<void> {
  await stopChild(host.child);
  rmSync(host.dataDir, { recursive: true, force: true });
}

/** `count` hosts on a new database, the workflow published once, `connections` spread over them for `seconds`. */
export async function measureHostsOnPostgres(options: {
  root: string;
  adminUrl: string;
  count: number;
  target: Target;
  connections: number;
  seconds: number;
  /** What `npm start` runs: its environment and arguments. */
  start: { env: Record<string, string>; args: string[] };
  progress: (message: string) => void;
}): Promise<MultiHostResult> {
  const { adminUrl, count, target, connections, seconds, progress } = options;
  const name = `ah_bench_${randomBytes(5).toString('hex')}`;
  await onAdmin(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const token = `bench-${randomBytes(16).toString('hex')}`;
  const env = {
    ACTIONHOST_DATABASE_URL: url.toString(),
    ACTIONHOST_MASTER_KEY: randomBytes(32).toString('base64'),
    ACTIONHOST_ADMIN_TOKEN: token,
  };
  const hosts: Host[] = [];
  try {
    // One after the other: the first migrates the database and creates the token the others find there.
    for (let i = 0; i < count; i++) hosts.push(await startHost(options.root, options.start, env));
    const api = async (method: string, path: string, body?: unknown) => {
      const answer = await fetch(`${hosts[0].url}${path}`, {
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
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const d = spreadDriver(
      hosts.map((host) => host.url),
      token,
      connections,
    );
    try {
      const warm = await closedLoop(d, 8, 1500);
      await settle(
        () => target.calls,
        () => [...warm.accepted].every((s) => target.arrivals.has(s)),
      );
      progress(`${count} host(s) on PostgreSQL: ${connections} connections for ${seconds} s`);
      const before = target.calls;
      const cpu = () => hosts.reduce((sum, host) => sum + treeCpuMs(host.child.pid!), 0);
      const cpuBefore = cpu();
      const windowStart = performance.now();
      const load = await closedLoop(d, connections, seconds * 1000);
      await settle(
        () => target.calls,
        () => [...load.accepted].every((s) => target.arrivals.has(s)),
      );
      const calls = target.calls - before;
      const result: MultiHostResult = {
        hosts: count,
        workflowsPerSecond: calls / ((target.lastCallAt - windowStart) / 1000),
        cpuMsPerWorkflow: (cpu() - cpuBefore) / calls,
        accepted: load.accepted.size,
        busy: load.busy,
        failed: load.failed,
      };
      progress(
        `${count} host(s) on PostgreSQL: ${result.workflowsPerSecond.toFixed(0)} workflows/s, ` +
          `${result.cpuMsPerWorkflow.toFixed(2)} host CPU ms each`,
      );
      return result;
    } finally {
      await d.pool.close();
    }
  } finally {
    for (const host of hosts) await stopHost(host);
    await onAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}
