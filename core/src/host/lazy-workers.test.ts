// A started host holds no sandbox worker process: readiness proves a worker can start (a throwaway one, stopped
// again), and the pool's first worker starts with the first invocation. Checked on the OS's process table.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginManifest } from '@actionhost/sdk';
import { loadConfig } from '../config/index.ts';
import { startHost, type RunningHost } from './server.ts';

/** The sandbox worker processes this test process has started, by pid. */
function workerProcesses(): number[] {
  const children: number[] = [];
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    const listed = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim();
    if (listed) children.push(...listed.split(/\s+/).map(Number));
  }
  return children.filter((pid) => {
    try {
      return /sandbox[/-]worker\.[jt]s/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      return false; // exited meanwhile
    }
  });
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const echo = {
  manifest: PluginManifest.parse({
    name: '@test/echo',
    version: '1.0.0',
    title: 'Echo',
    category: 'plugin',
    host: '^1.0.0',
    entry: 'dist/plugin.js',
    input: { type: 'object' },
    output: { type: 'object' },
    paths: ['success'],
  }),
  code: 'globalThis.plugin = { run(input) { return { path: "success", output: input }; } };',
  integrity: 'sha512-test-echo',
};

let dataDir: string;
let host: RunningHost;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ah-lazy-workers-'));
  host = await startHost(loadConfig({ dataDir, port: '0', seed: 'false', logLevel: 'silent' }));
}, 60_000);
afterAll(async () => {
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('sandbox workers start lazily', () => {
  it('holds no worker process once ready, and starts one with the first invocation', async () => {
    const ready = await until(
      () =>
        fetch(`${host.url}/api/ready`).then(async (response) => ({
          status: response.status,
          body: await response.json(),
        })),
      (answer) => answer.status === 200,
    );
    expect(ready.body).toMatchObject({ checks: { sandbox: true } });
    expect(workerProcesses()).toEqual([]);
    expect(host.runtime.sandbox.stats().workers).toEqual([]);

    const outcome = await host.runtime.sandbox.invoke({ plugin: echo, input: { n: 1 } });
    expect(outcome.output).toEqual({ n: 1 });
    const workers = host.runtime.sandbox.stats().workers.map((worker) => worker.pid);
    expect(workers).toHaveLength(1);
    expect(workerProcesses()).toEqual(workers);
  });
});
