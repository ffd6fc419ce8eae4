// A third-party plugin author's whole path, outside this checkout: `npm run pack:sdk` writes the tarballs of the
// packages an author installs; in an empty temporary folder, with none of the workspace's node_modules reachable
// (neither on PATH nor up the folder tree), they scaffold a plugin, typecheck, build, test, pack it, install it
// with `registry install` and run it with `actionhost invoke`. Third-party packages come from the npm registry.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

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

      await ok('npx', ['registry', 'install', file, '--data', join(plugin, 'data')], { cwd: plugin });
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
});
