// A third-party plugin author's whole path, outside this checkout: `npm run pack:sdk` writes the tarballs of the
// packages an author installs; in an empty temporary folder, with none of the workspace's node_modules reachable
// (neither on PATH nor up the folder tree), they scaffold a plugin, typecheck, build, test, pack it, install it
// with `registry install` and run it with `actionhost invoke`; then, as sdk/README.md's "From your package to a
// running workflow" says, start a host on that data folder, publish a workflow using it and see it run for a request.
// Third-party packages come from the npm registry.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '@actionhost/test/support';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The author's environment: Node 24 (the one running this test) first on PATH, no folder of this checkout on PATH,
 * none of npm's or vitest's variables from the run around this test.
 */
function authorEnvironment(): NodeJS.ProcessEnv {
  const path = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir && relative(ROOT, dir).startsWith('..'));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|TINYPOOL|NODE_PATH$|NODE_OPTIONS$|INIT_CWD$)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, PATH: [dirname(process.execPath), ...path].join(delimiter), NO_COLOR: '1' };
}

interface RunOptions {
  cwd: string;
  input?: string;
  /** Default: the author's environment. */
  env?: NodeJS.ProcessEnv;
}

function run(command: string, args: string[], options: RunOptions): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? authorEnvironment() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    // A command that exits without reading its input closes the pipe first: EPIPE there is no failure of the test.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Fails with the command's output, so a broken step says why. */
async function ok(command: string, args: string[], options: RunOptions): Promise<Ran> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

describe('a plugin author starting from an empty folder', () => {
  const work = mkdtempSync(join(tmpdir(), 'actionhost-author-'));
  const packages = join(work, 'packages');
  const project = join(work, 'project');
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  /** The scaffolded plugin's folder, with `data/` holding the installed package: set by the first test. */
  let installed: string | undefined;

  it(
    'installs the packed packages, scaffolds, typechecks, builds, tests, packs, installs and invokes a plugin',
    { timeout: 900_000 },
    async () => {
      expect(relative(ROOT, work).startsWith('..')).toBe(true);
      // In the checkout, with its tools: tsc -b, then the tarballs.
      await ok('npm', ['run', '-s', 'pack:sdk', '--', packages], { cwd: ROOT, env: process.env });
      const tarballs = readdirSync(packages)
        .filter((file) => file.endsWith('.tgz'))
        .sort();
      expect(tarballs).toEqual([
        'actionhost-core-1.0.0.tgz',
        'actionhost-registry-1.0.0.tgz',
        'actionhost-sdk-1.0.0.tgz',
      ]);
      const tarball = (name: string) => join(packages, `actionhost-${name}-1.0.0.tgz`);

      // An empty folder; the SDK's own bin scaffolds the plugin.
      rmSync(project, { recursive: true, force: true });
      await ok('mkdir', ['-p', project], { cwd: work });
      await ok('npx', ['--yes', '-p', tarball('sdk'), 'actionhost-sdk', 'init', 'greeter', '--name', '@acme/greeter'], {
        cwd: project,
      });
      const plugin = join(project, 'greeter');
      await ok('npm', ['install', '--no-audit', '--no-fund', tarball('sdk'), tarball('registry'), tarball('core')], {
        cwd: plugin,
      });
      // What was installed is built JavaScript with its types, no TypeScript source.
      const sdkManifest = JSON.parse(
        readFileSync(join(plugin, 'node_modules/@actionhost/sdk/package.json'), 'utf8'),
      ) as { exports: Record<string, unknown> };
      expect(sdkManifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
      const sources = readdirSync(join(plugin, 'node_modules/@actionhost'), { recursive: true, encoding: 'utf8' });
      expect(sources.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);

      // tsc checks the SDK's and the host's .d.ts too (the scaffold does not skip library checks).
      await ok('npm', ['run', '-s', 'typecheck'], { cwd: plugin });
      await ok('npm', ['run', '-s', 'build'], { cwd: plugin });
      await ok('npm', ['test'], { cwd: plugin });
      const packed = await ok('npx', ['actionhost-sdk', 'pack', '--json'], { cwd: plugin });
      const { file } = JSON.parse(packed.stdout) as { file: string };

      const install = await ok('npx', ['registry', 'install', file, '--data', join(plugin, 'data'), '--json'], {
        cwd: plugin,
      });
      // The first version of a plugin is approved by its install: a workflow may pin it without an admin's approval.
      expect(JSON.parse(install.stdout)).toMatchObject([
        { name: '@acme/greeter', capabilities: { approved: true, approval: { via: 'first-version' } } },
      ]);
      const invoked = await ok(
        'npx',
        ['actionhost', 'invoke', '@acme/greeter@^0.1', '--input', '-', '--data', 'data'],
        {
          cwd: plugin,
          input: JSON.stringify({ name: 'Ada', shout: true }),
        },
      );
      expect(JSON.parse(invoked.stdout)).toMatchObject({
        plugin: '@acme/greeter@0.1.0',
        path: 'success',
        output: { message: 'HELLO, ADA!', token: 'QWRh', notified: null },
      });
      installed = plugin;

      // ctx is typed from the declared capabilities: ctx.ldap without `ldap: true` does not compile.
      const source = join(plugin, 'src', 'plugin.ts');
      const original = readFileSync(source, 'utf8');
      writeFileSync(
        source,
        original.replace("ctx.log.info('greeted'", "await ctx.ldap.info();\n    ctx.log.info('greeted'"),
      );
      const undeclared = await run('npm', ['run', '-s', 'typecheck'], { cwd: plugin });
      expect(undeclared.code).not.toBe(0);
      expect(undeclared.stdout).toMatch(/src\/plugin\.ts\(\d+,\d+\): error TS2339: Property 'ldap'/);
    },
  );

  it(
    'runs the installed plugin in a published workflow on a host started from the installed packages',
    { timeout: 180_000 },
    async () => {
      if (!installed) throw new Error('the plugin was not installed: see the test before this one');
      const plugin = installed;
      const env = authorEnvironment();
      delete env.ACTIONHOST_ADMIN_TOKEN;
      // Its own process group, so that stopping it stops npx and the host under it.
      const host = spawn('npx', ['actionhost', 'start', '--data', 'data', '--port', '0', '--no-seed'], {
        cwd: plugin,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let output = '';
      host.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        output += chunk;
      });
      host.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      try {
        const started = await eventually(
          () => {
            if (host.exitCode !== null) throw new Error(`the host exited with ${host.exitCode}:\n${output}`);
            return Promise.resolve(/listening on (https?:\/\/\S+)/.exec(stdout));
          },
          (match) => match !== null,
          90_000,
        );
        const url = started![1];
        // Printed once, on the first start of the data folder.
        const token = /^ACTIONHOST_ADMIN_TOKEN=(\S+)$/m.exec(stdout)?.[1];
        expect(token, output).toBeDefined();
        const api = async <T>(method: string, path: string, body?: unknown) => {
          const response = await fetch(`${url}${path}`, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const text = await response.text();
          return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
        };

        // The workflow of sdk/README.md, as written there.
        const created = await api<{ id: string }>('POST', '/api/workflows', {
          name: 'Greet the requester',
          module: 'request',
          trigger: { event: 'request.created', kind: 'service-request' },
          start: 'greet',
          nodes: [
            {
              id: 'greet',
              kind: 'action',
              title: 'Greet',
              source: 'trigger',
              uses: '@acme/greeter@^0.1',
              inputs: { name: '#requester.name#', shout: true },
            },
          ],
        });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const workflowId = created.body.id;
        const published = await api<{ published: { plugins: Record<string, { version: string }> } }>(
          'POST',
          `/api/workflows/${workflowId}/publish`,
        );
        expect(published.status, JSON.stringify(published.body)).toBe(200);
        expect(published.body.published.plugins.greet.version).toBe('0.1.0');

        const request = await api<{ internalId: number }>('POST', '/api/requests', {
          kind: 'service-request',
          subject: 'Say hello',
          requester: { name: 'Ada', email: 'ada@example.com', username: 'ada' },
        });
        expect(request.status, JSON.stringify(request.body)).toBe(201);
        const executions = await eventually(
          () =>
            api<Array<{ id: string; status: string }>>(
              'GET',
              `/api/executions?workflowId=${workflowId}&requestId=${request.body.internalId}`,
            ),
          (answer) => answer.body.length === 1 && !['queued', 'running'].includes(answer.body[0].status),
          60_000,
        );
        expect(executions.body[0].status).toBe('succeeded');
        const execution = await api<{
          outcome: string;
          steps: Array<{ nodeId: string; path: string; output: unknown }>;
        }>('GET', `/api/executions/${executions.body[0].id}`);
        expect(execution.body).toMatchObject({
          outcome: 'success',
          steps: [
            { nodeId: 'greet', path: 'success', output: { message: 'HELLO, ADA!', token: 'QWRh', notified: null } },
          ],
        });
      } finally {
        await stop(host);
      }
    },
  );
});

/** SIGTERM to the host's process group (npx and the host), SIGKILL if it has not exited after 15 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
