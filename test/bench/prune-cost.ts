// `npm run bench:prune`: what background pruning costs the end-to-end workload (issue 15: under 10% of its
// throughput). A data folder is given BENCH_PRUNE_ROWS (1 000 000) finished executions with their steps, copied in
// SQL from real ones the host made; then bench:e2e's closed loop runs on it with retention keeping them all, with
// every one of them due (the background pruner deleting while the load runs), and keeping them all again.
// BENCH_SECONDS (20) sets each load window, BENCH_CONNECTIONS (32) the connections; host flags after `--` go to both.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { closedLoop, driver, settle, startTarget, type Target } from './e2e/load.ts';
import { onboardingWorkflow } from './e2e/workload.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROWS = Number(process.env.BENCH_PRUNE_ROWS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** Rows per INSERT transaction while the folder is prepared. */
const CHUNK = 100_000;
const OLD_DAYS = 60;
const HOST_FLAGS = process.argv.includes('--') ? process.argv.slice(process.argv.indexOf('--') + 1) : [];
const progress = (message: string) => process.stderr.write(`[bench:prune] ${message}\n`);

// Retention that keeps everything, and the host's defaults (succeeded executions go after 30 days).
const KEEP_ALL = ['--retain-succeeded-days', '0', '--retain-failed-days', '0', '--retain-audit-days', '0'];
const PRUNE_DUE = ['--retain-succeeded-days', '30', '--retain-failed-days', '30'];

interface Host {
  child: ChildProcess;
  url: string;
  output(): string;
  stop(): Promise<void>;
}

async function startHost(dataDir: string, token: string, flags: string[]): Promise<Host> {
  const args = ['core/src/cli/main.ts', 'start', '--data', dataDir, '--port', '0', '--allow-private', '127.0.0.1'];
  const child = spawn(process.execPath, [...args, '--no-seed', ...flags, ...HOST_FLAGS], {
    cwd: ROOT,
    env: { ...process.env, ACTIONHOST_ADMIN_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    // The host's own lines (retention reports among them), not its per-request log.
    for (const line of chunk.split('\n'))
      if (line.startsWith('actionhost') || line.startsWith('retention')) output += `${line}\n`;
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match) resolve(match[1]);
      if (seen.length > 100_000) seen = seen.slice(-1000);
    });
    child.once('exit', (code) => reject(new Error(`the host exited with ${code}:\n${output}`)));
  });
  child.stdout.resume();
  return {
    child,
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function api(host: Host, token: string, method: string, path: string, body?: unknown) {
  const answer = await fetch(`${host.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const parsed = (await answer.json()) as { id?: string };
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

/**
 * Copies the newest succeeded execution the host made (with its steps), ROWS times, as if it had finished OLD_DAYS
 * ago: the same columns, sizes and indexes as the host's own rows, written in large transactions.
 */
function seedOldExecutions(file: string): void {
  const db = new DatabaseSync(file);
  try {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON');
    const model = db
      .prepare("SELECT id FROM workflow_executions WHERE status = 'succeeded' ORDER BY finished_at DESC LIMIT 1")
      .get() as { id: string } | undefined;
    if (!model) throw new Error('the host made no execution to copy');
    const old = new Date(Date.now() - OLD_DAYS * 86_400_000).toISOString();
    const numbers = 'WITH RECURSIVE n(i) AS (SELECT :from UNION ALL SELECT i + 1 FROM n WHERE i < :to)';
    const executions = db.prepare(
      `${numbers} INSERT INTO workflow_executions (id, workflow_id, workflow_version, request_id, event_id, trigger,
         retry_of, status, error, created_at, started_at, finished_at, next_attempt_at, request_snapshot, due_at,
         outcome, failed_steps)
       SELECT 'ex_old_' || i, e.workflow_id, e.workflow_version, e.request_id, 'old-' || i, e.trigger, NULL, e.status,
         e.error, :old, :old, :old, NULL, e.request_snapshot, NULL, e.outcome, e.failed_steps
       FROM n, workflow_executions e WHERE e.id = :model`,
    );
    const steps = db.prepare(
      `${numbers} INSERT INTO workflow_steps (execution_id, seq, node_id, kind, title, plugin, integrity, inputs, path,
         output, error, logs, status, started_at, finished_at, duration_ms, attempt, retry_at)
       SELECT 'ex_old_' || i, s.seq, s.node_id, s.kind, s.title, s.plugin, s.integrity, s.inputs, s.path, s.output,
         s.error, s.logs, s.status, :old, :old, s.duration_ms, s.attempt, NULL
       FROM n, workflow_steps s WHERE s.execution_id = :model`,
    );
    for (let from = 1; from <= ROWS; from += CHUNK) {
      const to = Math.min(ROWS, from + CHUNK - 1);
      db.exec('BEGIN');
      executions.run({ from, to, old, model: model.id });
      steps.run({ from, to, old, model: model.id });
      db.exec('COMMIT');
      progress(`seeded ${to} executions`);
    }
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

interface FileState {
  oldExecutions: number;
  steps: number;
  bytes: number;
  pages: number;
  freePages: number;
  autoVacuum: number;
}

function fileState(file: string): FileState {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const one = (sql: string) => Number(Object.values(db.prepare(sql).get()!)[0]);
    return {
      oldExecutions: one("SELECT COUNT(*) FROM workflow_executions WHERE id >= 'ex_old_' AND id < 'ex_old`'"),
      steps: one('SELECT COUNT(*) FROM workflow_steps'),
      // The database file plus its write-ahead log: what the host occupies on the disk.
      bytes: statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0),
      pages: one('PRAGMA page_count'),
      freePages: one('PRAGMA freelist_count'),
      autoVacuum: one('PRAGMA auto_vacuum'),
    };
  } finally {
    db.close();
  }
}

/** bench:e2e's closed loop: a warm-up, then CONNECTIONS connections for SECONDS; workflows/s as it counts them. */
async function throughput(host: Host, token: string, target: Target, name: string): Promise<number> {
  const d = driver(host.url, token, CONNECTIONS);
  try {
    const warm = await closedLoop(d, 8, 1500);
    await settle(
      () => target.calls,
      () => [...warm.accepted].every((s) => target.arrivals.has(s)),
    );
    progress(`${name}: ${CONNECTIONS} connections for ${SECONDS} s`);
    const before = target.calls;
    const windowStart = performance.now();
    const load = await closedLoop(d, CONNECTIONS, SECONDS * 1000);
    await settle(
      () => target.calls,
      () => [...load.accepted].every((s) => target.arrivals.has(s)),
    );
    const perSecond = (target.calls - before) / ((target.lastCallAt - windowStart) / 1000);
    progress(`${name}: ${perSecond.toFixed(0)} workflows/s (${load.busy} busy, ${load.failed} failed)`);
    return perSecond;
  } finally {
    await d.pool.close();
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'actionhost-bench-prune-'));
  const file = join(dataDir, 'actionhost.db');
  const token = `bench-${randomBytes(16).toString('hex')}`;
  const target = await startTarget();
  let host: Host | undefined;
  try {
    // The host makes its schema and some real executions; they are the model of the old ones.
    host = await startHost(dataDir, token, KEEP_ALL);
    const created = await api(host, token, 'POST', '/api/workflows', onboardingWorkflow(target.url));
    await api(host, token, 'POST', `/api/workflows/${created.id}/publish`);
    const first = await closedLoop(driver(host.url, token, 4), 4, 1000);
    await settle(
      () => target.calls,
      () => [...first.accepted].every((s) => target.arrivals.has(s)),
    );
    await host.stop();

    const seedStarted = performance.now();
    seedOldExecutions(file);
    const seeded = fileState(file);
    progress(
      `seeded ${seeded.oldExecutions} executions (${seeded.steps} steps) in ` +
        `${((performance.now() - seedStarted) / 1000).toFixed(0)} s; ${(seeded.bytes / 2 ** 20).toFixed(0)} MiB`,
    );

    // Nothing due, pruning, nothing due again: the machine's drift over the run (other work on it) falls on both
    // sides of the pruning window, and the comparison is with the mean of the two.
    host = await startHost(dataDir, token, KEEP_ALL);
    const withoutBefore = await throughput(host, token, target, 'nothing due');
    await host.stop();
    const beforePruning = fileState(file);

    host = await startHost(dataDir, token, PRUNE_DUE);
    const pruningStarted = performance.now();
    const withPruning = await throughput(host, token, target, 'pruning');
    const during = fileState(file);
    const pruningSeconds = (performance.now() - pruningStarted) / 1000;
    await host.stop();
    const pruningOutput = host.output();
    const afterPruning = fileState(file);

    host = await startHost(dataDir, token, KEEP_ALL);
    const withoutAfter = await throughput(host, token, target, 'nothing due, again');
    await host.stop();
    const after = fileState(file);

    const without = (withoutBefore + withoutAfter) / 2;
    const mib = (state: FileState) => (state.bytes / 2 ** 20).toFixed(0);
    const pruned = beforePruning.oldExecutions - during.oldExecutions;
    console.log(
      `actionhost bench:prune — Node ${process.version}, ${CONNECTIONS} connections, ${SECONDS} s each, one run` +
        (HOST_FLAGS.length > 0 ? `, host flags ${HOST_FLAGS.join(' ')}` : ''),
    );
    console.log(`old finished executions seeded (with ${seeded.steps} steps in all): ${seeded.oldExecutions}`);
    console.log(`workflows/s, nothing due (before / after): ${withoutBefore.toFixed(0)} / ${withoutAfter.toFixed(0)}`);
    console.log(`workflows/s, background pruning at work:   ${withPruning.toFixed(0)}`);
    console.log(`ratio (pruning / mean of nothing due):     ${(withPruning / without).toFixed(3)}`);
    console.log(
      `old executions pruned while measured:      ${pruned} in ${pruningSeconds.toFixed(0)} s ` +
        `(${(pruned / pruningSeconds).toFixed(0)}/s, warm-up included); ${afterPruning.oldExecutions} left after stop`,
    );
    console.log(
      `database file + WAL, MiB: seeded ${mib(seeded)}, then after each run ${mib(beforePruning)}, ` +
        `${mib(afterPruning)}, ${mib(after)}; free pages ${beforePruning.freePages} → ${afterPruning.freePages} → ` +
        `${after.freePages} of ${after.pages}; auto_vacuum ${after.autoVacuum === 2 ? 'incremental' : after.autoVacuum}`,
    );
    for (const line of pruningOutput.split('\n')) if (line.startsWith('retention')) console.log(`host: ${line}`);
  } finally {
    await host?.stop();
    await target.close();
    if (process.env.BENCH_KEEP_DATA) progress(`data folder kept: ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
