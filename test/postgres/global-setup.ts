// vitest globalSetup for the PostgreSQL tests: makes sure the test server answers on 127.0.0.1 (start-postgres.sh,
// idempotent: apt-installs and initdb's the first time) and provides its admin URL as `inject('postgres')`. Fails
// the run loudly when none can be had. Stops the server at teardown only if this run started it and no other uses it.
import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

const script = join(import.meta.dirname, 'start-postgres.sh');
const pgDir = process.env.PG_DIR ?? '/tmp/actionhost-pg';
const leases = join(pgDir, 'leases');

function run(file: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [file],
      { timeout: timeoutMs, env: { ...process.env, PG_DIR: pgDir } },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new Error(`${file} failed (${error.code ?? error.signal}):\n${stderr.split('\n').slice(-20).join('\n')}`),
          );
        else resolve(`${stdout}${stderr}`);
      },
    );
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const output = await run(script, 300_000);
  const url = /PG_URL='([^']+)'/.exec(output)?.[1];
  if (!url) throw new Error(`start-postgres.sh printed no PG_URL:\n${output}`);
  const startedHere = output.length > 0 && !/already running/.test(output);
  await mkdir(leases, { recursive: true });
  await writeFile(join(leases, String(process.pid)), '');
  project.provide('postgres', url);
  return async () => {
    await rm(join(leases, String(process.pid)), { force: true });
    const others = (await readdir(leases).catch(() => [] as string[]))
      .map(Number)
      .filter((pid) => pid > 0 && alive(pid));
    if (startedHere && others.length === 0) await run(join(import.meta.dirname, 'stop-postgres.sh'), 60_000);
  };
}
