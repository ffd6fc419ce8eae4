// Runs inside a test's network namespace (test/netns/dns.test.ts): the real sandbox and http capability, a real
// HTTP target on the namespace's loopback, and names served by the namespace's /etc/hosts and DNS stub.
// Plugin A fires a hundred requests at names a DNS server never answers and returns; plugins B and C, run right
// after, must still reach the target in time. Prints one JSON line per step.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PluginManifest } from '@actionhost/sdk';
import { Sandbox, createHttpCapability, type LoadedPlugin } from '@actionhost/core';

const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const options = JSON.parse(process.env.SCENARIO ?? '{}') as { servers?: string[]; fired?: number };

const target = createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ ok: true, host: request.headers.host }));
});
await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
const port = (target.address() as AddressInfo).port;

let counter = 0;
function plugin(body: string): LoadedPlugin {
  const manifest = PluginManifest.parse({
    name: '@test/dns',
    version: `1.0.${counter++}`,
    title: 'DNS',
    category: 'plugin',
    host: '^1.0.0',
    entry: 'dist/plugin.js',
    input: { type: 'object' },
    output: { type: 'object' },
    paths: ['success', 'failure'],
    capabilities: { http: { hosts: ['*'] } },
    limits: { timeoutMs: 20_000, maxHostCalls: 500 },
  });
  return {
    manifest,
    code: `globalThis.plugin = { async run(input, ctx) { ${body} } };`,
    integrity: `sha512-dns-${counter}`,
  };
}

const reach = plugin(`
  const started = Date.now();
  try {
    const response = await ctx.http.request({ method: 'GET', url: input.url, timeoutMs: 4000 });
    return { path: 'success', output: { status: response.status, body: response.json, ms: Date.now() - started } };
  } catch (error) {
    return { path: 'failure', output: { code: error.code, message: error.message, ms: Date.now() - started } };
  }`);

const sandbox = new Sandbox({
  workers: 1,
  capabilities: [
    createHttpCapability({
      egress: { allowPrivate: ['127.0.0.1'] },
      ...(options.servers ? { dns: { servers: options.servers } } : {}),
    }),
  ],
});
try {
  const fired = options.fired ?? 100;
  const flood = plugin(`
    for (let i = 0; i < ${fired}; i++) {
      ctx.http.request({ method: 'GET', url: 'http://n' + i + '.blackhole.test/', timeoutMs: 15000 }).catch(() => {});
    }
    await ctx.log.info('fired');
    // Stay a moment with the lookups in flight (this one is not answered either), then return.
    await ctx.http.request({ method: 'GET', url: 'http://last.blackhole.test/', timeoutMs: 1000 }).catch(() => {});
    return { path: 'success', output: { fired: ${fired} } };`);
  const a = await sandbox.invoke({ plugin: flood, input: {} });
  say({ event: 'a', path: a.path, endedAt: Date.now() });
  const b = await sandbox.invoke({ plugin: reach, input: { url: `http://target.test:${port}/json` } });
  say({ event: 'b', path: b.path, output: b.output });
  const c = await sandbox.invoke({ plugin: reach, input: { url: `http://api.stub.test:${port}/json` } });
  say({ event: 'c', path: c.path, output: c.output });
  // Long enough for a DNS retry to go out, had the flood's lookups not been cancelled with its invocation.
  await new Promise((resolve) => setTimeout(resolve, 3_500));
  say({ event: 'done', at: Date.now() });
} finally {
  await sandbox.close();
  target.close();
}
process.exit(0);
