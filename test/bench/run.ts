// `npm run bench`: sandbox cost measured as ratios within one run — a warm JSON-in/JSON-out plugin (input and
// output schema-checked) invoked through the sandbox, against the same function called directly in this Node
// process and against a bare echo to a worker process over the same channel; 8 in flight on one worker and one at
// a time; the reused-context default and the fresh-context mode; cold start of a plugin version, and memory.
// BENCH_WARM (3000) sets the invocations per measure, BENCH_VERSIONS (20) the cold starts; --json adds a JSON line.
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { FrameChannel, Sandbox, type LoadedPlugin } from '@actionhost/core';
import { PluginManifest } from '@actionhost/sdk';
import { Ajv2020 } from 'ajv/dist/2020.js';

const WARM = Number(process.env.BENCH_WARM ?? 3000);
const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 20);
const ECHO_WORKER = fileURLToPath(new URL('./echo-worker.ts', import.meta.url));
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

const inputSchema = {
  type: 'object',
  properties: {
    'Request.Id': { type: 'integer' },
    subject: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['Request.Id'],
};
const outputSchema = {
  type: 'object',
  properties: { requestId: { type: 'integer' }, summary: { type: 'string' } },
  required: ['requestId', 'summary'],
};
const runSource = `async run(input, ctx) { return { path: 'success', output: { requestId: input['Request.Id'], summary: input.subject.toUpperCase() + ' [' + input.tags.join(',') + ']' } }; }`;
const input = {
  'Request.Id': 42,
  subject: 'Printer on floor 3 is offline again',
  tags: ['hardware', 'printer', 'floor-3'],
  requester: { name: 'Lizi', email: 'lizi@flotomate.local' },
  note: 'x'.repeat(80),
};

function plugin(version: string, context?: 'fresh'): LoadedPlugin {
  const manifest = PluginManifest.parse({
    name: '@bench/summary',
    version,
    title: 'Summary',
    category: 'plugin',
    host: '^1.0.0',
    entry: 'dist/plugin.js',
    input: inputSchema,
    output: outputSchema,
    paths: ['success', 'failure'],
    ...(context ? { sandbox: { context } } : {}),
  });
  return { manifest, code: `globalThis.plugin = { ${runSource} };`, integrity: `sha512-bench-${version}` };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median latency (µs) of `call` one at a time, and calls per second with `inFlight` of them outstanding. */
async function measure(call: () => Promise<unknown>, count: number, inFlight = 8) {
  for (let i = 0; i < Math.min(200, count); i++) await call();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
  }
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < count) await call();
    }),
  );
  return { medianUs: median(times) * 1000, perSecond: count / ((performance.now() - started) / 1000) };
}

async function direct(): Promise<{ perSecond: number; medianUs: number }> {
  // The same function, JSON in and out and the same schema checks, in this process: what plain Node costs.
  const ajv = new Ajv2020({ strict: false });
  const validateIn = ajv.compile(inputSchema);
  const validateOut = ajv.compile(outputSchema);
  // The plugin's own source, run as plain Node: the reference the sandboxed invocation is measured against.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const run = new Function(`return { ${runSource} }.run;`)() as (
    i: unknown,
    c: unknown,
  ) => Promise<{ output: unknown }>;
  return measure(async () => {
    const copy = JSON.parse(JSON.stringify(input));
    if (!validateIn(copy)) throw new Error('invalid');
    const out = JSON.parse(JSON.stringify(await run(copy, {})));
    if (!validateOut(out.output)) throw new Error('invalid');
  }, WARM * 10);
}

/** A bare worker process echoing every message, over the sandbox's channel or Node's IPC. */
async function echo(nodeIpc: false | 'json' | 'advanced'): Promise<{ perSecond: number; medianUs: number }> {
  const payload = JSON.stringify(input);
  let child: ChildProcess;
  let call: () => Promise<unknown>;
  const waiting = new Map<number, () => void>();
  let sequence = 0;
  if (nodeIpc) {
    child = fork(ECHO_WORKER, ['--node-ipc'], {
      serialization: nodeIpc,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.on('message', (message: { id: number }) => waiting.get(message.id)?.());
    call = () =>
      new Promise<void>((resolve) => {
        const id = ++sequence;
        waiting.set(id, () => {
          waiting.delete(id);
          resolve();
        });
        child.send({ type: 'invoke', id, inputJson: payload });
      });
  } else {
    child = spawn(process.execPath, [ECHO_WORKER], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
    const channel = new FrameChannel<{ id: number }, { type: string; id: number }>(
      child.stdio[3] as Duplex,
      (header) => waiting.get(header.id)?.(),
      () => undefined,
    );
    call = () =>
      new Promise<void>((resolve) => {
        const id = ++sequence;
        waiting.set(id, () => {
          waiting.delete(id);
          resolve();
        });
        channel.send({ type: 'invoke', id }, payload);
      });
  }
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    return await measure(call, WARM * 3);
  } finally {
    child.kill();
  }
}

async function main(): Promise<void> {
  progress(`direct calls (${WARM * 10})`);
  const plain = await direct();
  progress('bare echo to a worker process (the sandbox channel, and Node IPC: JSON and advanced serialization)');
  const channelEcho = await echo(false);
  const ipcEcho = await echo('json');
  const advancedEcho = await echo('advanced');

  const sandbox = new Sandbox({ workers: 1 });
  try {
    const warmPlugin = plugin('1.0.0');
    await sandbox.invoke({ plugin: warmPlugin, input });
    const pid = sandbox.stats().workers[0].pid!;
    const rssWarmWorker = rssMb(pid);
    progress(`warm sandboxed invocations, reused context (${WARM} one at a time, ${WARM} with 8 in flight)`);
    const reused = await measure(() => sandbox.invoke({ plugin: warmPlugin, input }), WARM);
    progress(`warm sandboxed invocations, fresh context (${WARM} one at a time, ${WARM} with 8 in flight)`);
    const freshPlugin = plugin('1.0.1', 'fresh');
    const fresh = await measure(() => sandbox.invoke({ plugin: freshPlugin, input }), WARM);

    progress(`cold starts of ${VERSIONS} new plugin versions`);
    const rssBefore = rssMb(pid);
    const cold: number[] = [];
    for (let v = 1; v <= VERSIONS; v++) {
      const t = performance.now();
      await sandbox.invoke({ plugin: plugin(`1.1.${v}`), input });
      cold.push(performance.now() - t);
    }
    const rssPerVersion = (rssMb(pid) - rssBefore) / VERSIONS;

    const us = (perSecond: number) => 1e6 / perSecond;
    const rows: Array<[string, string]> = [
      ['direct call in Node (JSON copy + schema checks), median µs', plain.medianUs.toFixed(1)],
      ['bare echo to a worker process (sandbox channel), median µs', channelEcho.medianUs.toFixed(1)],
      ['bare echo to a worker process (Node IPC, JSON), median µs', ipcEcho.medianUs.toFixed(1)],
      ['bare echo to a worker process (Node IPC, advanced), median µs', advancedEcho.medianUs.toFixed(1)],
      ['bare echo, 8 in flight (sandbox channel), µs each', us(channelEcho.perSecond).toFixed(1)],
      ['bare echo, 8 in flight (Node IPC, JSON), µs each', us(ipcEcho.perSecond).toFixed(1)],
      ['bare echo, 8 in flight (Node IPC, advanced), µs each', us(advancedEcho.perSecond).toFixed(1)],
      ['sandboxed warm, reused context, one at a time, median µs', reused.medianUs.toFixed(1)],
      ['sandboxed warm, reused context, 8 in flight on 1 worker, µs each', us(reused.perSecond).toFixed(1)],
      ['sandboxed warm, reused context, 8 in flight on 1 worker, per second', reused.perSecond.toFixed(0)],
      ['sandboxed warm, fresh context, one at a time, median µs', fresh.medianUs.toFixed(1)],
      ['sandboxed warm, fresh context, 8 in flight on 1 worker, µs each', us(fresh.perSecond).toFixed(1)],
      [
        'ratio: sandboxed one at a time / bare echo (goal ≤ 2x)',
        `${(reused.medianUs / channelEcho.medianUs).toFixed(2)}x`,
      ],
      [
        'ratio: sandboxed 8 in flight / bare echo 8 in flight',
        `${(us(reused.perSecond) / us(channelEcho.perSecond)).toFixed(2)}x`,
      ],
      ['ratio: sandboxed median / direct median', `${(reused.medianUs / plain.medianUs).toFixed(1)}x`],
      ['ratio: fresh / reused context, 8 in flight', `${(us(fresh.perSecond) / us(reused.perSecond)).toFixed(1)}x`],
      ['cold start of a plugin version, median ms', median(cold).toFixed(2)],
      ['RSS of a warm worker, MB', rssWarmWorker.toFixed(1)],
      ['RSS per extra plugin version, MB', rssPerVersion.toFixed(2)],
    ];
    const width = Math.max(...rows.map(([name]) => name.length));
    console.log(
      `actionhost bench — Node ${process.version}, ${WARM} warm invocations per measure, ${VERSIONS} versions`,
    );
    for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
    if (process.argv.includes('--json')) console.log(JSON.stringify(Object.fromEntries(rows)));
  } finally {
    await sandbox.close();
  }
}

await main();
