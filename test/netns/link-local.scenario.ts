// Runs inside a test's network namespace (test/netns/link-local.test.ts), where 169.254.10.1 — a link-local
// address that is not the cloud metadata one — sits on an interface of its own with a listener that records every
// connection. A sandboxed plugin tries to reach it every way it can; then the scenario connects itself, to show
// the listener answers. Prints one JSON line per attempt and the connections the listener saw.
import { createServer } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { PluginManifest } from '@actionhost/sdk';
import { Sandbox, createHttpCapability } from '@actionhost/core';

const LINK_LOCAL = '169.254.10.1';
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

const connections: string[] = [];
const listener = createTcpServer((socket) => {
  connections.push(socket.remoteAddress ?? '?');
  socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
});
await new Promise<void>((resolve) => listener.listen(80, LINK_LOCAL, resolve));
// An allowed target on loopback that redirects to the link-local address.
const redirector = createServer((request, response) => {
  response.writeHead(302, { location: `http://${LINK_LOCAL}/from-redirect` });
  response.end();
});
await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
const redirectPort = (redirector.address() as AddressInfo).port;

const manifest = PluginManifest.parse({
  name: '@test/link-local',
  version: '1.0.0',
  title: 'Link-local',
  category: 'plugin',
  host: '^1.0.0',
  entry: 'dist/plugin.js',
  input: { type: 'object' },
  output: { type: 'object' },
  paths: ['success', 'failure'],
  capabilities: { http: { hosts: ['*'] } },
  limits: { timeoutMs: 10_000 },
});
const plugin = {
  manifest,
  integrity: 'sha512-link-local',
  code: `globalThis.plugin = { async run(input, ctx) {
    try {
      const response = await ctx.http.request({ method: 'GET', url: input.url, ...(input.proxy ? { proxy: input.proxy } : {}), timeoutMs: 3000 });
      return { path: 'success', output: { status: response.status } };
    } catch (error) {
      return { path: 'failure', output: { code: error.code } };
    }
  } };`,
};

// The operator opens even 169.254.0.0/16 and approves a proxy there: link-local stays closed all the same.
const sandbox = new Sandbox({
  workers: 1,
  capabilities: [
    createHttpCapability({
      egress: { allowPrivate: ['127.0.0.1', '169.254.0.0/16'] },
      approvedProxies: [`http://${LINK_LOCAL}:80`],
    }),
  ],
});
try {
  const attempts: Record<string, { url: string; proxy?: string }> = {
    literal: { url: `http://${LINK_LOCAL}/` },
    'mapped IPv6': { url: `http://[::ffff:${LINK_LOCAL}]/` },
    'name in /etc/hosts': { url: 'http://linklocal.test/' },
    redirect: { url: `http://127.0.0.1:${redirectPort}/` },
    'approved proxy': { url: `http://127.0.0.1:${redirectPort}/`, proxy: `http://${LINK_LOCAL}:80` },
  };
  for (const [name, input] of Object.entries(attempts)) {
    const outcome = await sandbox.invoke({ plugin, input });
    say({ event: 'attempt', name, path: outcome.path, output: outcome.output });
  }
  say({ event: 'before-control', connections: [...connections] });
  await new Promise<void>((resolve, reject) => {
    const socket = connect(80, LINK_LOCAL, () => socket.end());
    socket.resume(); // read the answer, so the socket can close
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  say({ event: 'done', connections: [...connections] });
} finally {
  await sandbox.close();
  listener.close();
  redirector.close();
}
process.exit(0);
