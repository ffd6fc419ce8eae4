// `npm run bench`: sandbox cost measured as ratios within one run — sandboxed vs the same plugin function
// called directly in this Node process, cold start of a plugin version, and memory per worker and version.
import { readFileSync } from 'node:fs';
import { Sandbox, type LoadedPlugin } from '@actionhost/core';
import { PluginManifest } from '@actionhost/sdk';
import { Ajv2020 } from 'ajv/dist/2020.js';

const WARM = Number(process.env.BENCH_WARM ?? 3000);
const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 20);

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

function plugin(version: string): LoadedPlugin {
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
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < WARM * 10; i++) {
    const t = performance.now();
    const copy = JSON.parse(JSON.stringify(input));
    if (!validateIn(copy)) throw new Error('invalid');
    const result = await run(copy, {});
    const out = JSON.parse(JSON.stringify(result));
    if (!validateOut(out.output)) throw new Error('invalid');
    times.push(performance.now() - t);
  }
  return { perSecond: (WARM * 10) / ((performance.now() - started) / 1000), medianUs: median(times) * 1000 };
}

async function main(): Promise<void> {
  const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);
  progress(`direct calls (${WARM * 10})`);
  const plain = await direct();

  const sandbox = new Sandbox({ workers: 1 });
  try {
    const warmPlugin = plugin('1.0.0');
    await sandbox.invoke({ plugin: warmPlugin, input });
    const pid = sandbox.stats().workers[0].pid!;
    const rssWarmWorker = rssMb(pid);

    progress(`warm sandboxed invocations, one at a time (${WARM})`);
    const times: number[] = [];
    let started = performance.now();
    for (let i = 0; i < WARM; i++) {
      const t = performance.now();
      await sandbox.invoke({ plugin: warmPlugin, input });
      times.push(performance.now() - t);
    }
    const serialPerSecond = WARM / ((performance.now() - started) / 1000);

    progress(`warm sandboxed invocations, 8 in flight (${WARM})`);
    started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next++ < WARM) await sandbox.invoke({ plugin: warmPlugin, input });
      }),
    );
    const concurrentPerSecond = WARM / ((performance.now() - started) / 1000);

    progress(`cold starts of ${VERSIONS} new plugin versions`);
    const rssBefore = rssMb(pid);
    const cold: number[] = [];
    for (let v = 1; v <= VERSIONS; v++) {
      const t = performance.now();
      await sandbox.invoke({ plugin: plugin(`1.1.${v}`), input });
      cold.push(performance.now() - t);
    }
    const rssPerVersion = (rssMb(pid) - rssBefore) / VERSIONS;

    const rows: Array<[string, string]> = [
      ['direct call in Node (JSON copy + schema checks), per second', plain.perSecond.toFixed(0)],
      ['direct call, median µs', plain.medianUs.toFixed(1)],
      ['sandboxed warm, one at a time, per second', serialPerSecond.toFixed(0)],
      ['sandboxed warm, median µs', (median(times) * 1000).toFixed(1)],
      ['sandboxed warm, 8 in flight, per second (1 worker)', concurrentPerSecond.toFixed(0)],
      ['ratio: direct / sandboxed (one at a time)', `${(plain.perSecond / serialPerSecond).toFixed(1)}x`],
      ['ratio: sandboxed median / direct median', `${((median(times) * 1000) / plain.medianUs).toFixed(1)}x`],
      ['cold start of a plugin version, median ms', median(cold).toFixed(2)],
      ['ratio: cold start / warm invocation', `${(median(cold) / median(times)).toFixed(1)}x`],
      ['RSS of a warm worker, MB', rssWarmWorker.toFixed(1)],
      ['RSS per extra plugin version, MB', rssPerVersion.toFixed(2)],
    ];
    const width = Math.max(...rows.map(([name]) => name.length));
    console.log(`actionhost bench — Node ${process.version}, ${WARM} warm invocations, ${VERSIONS} versions`);
    for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
    if (process.argv.includes('--json')) console.log(JSON.stringify(Object.fromEntries(rows)));
  } finally {
    await sandbox.close();
  }
}

await main();
