// actionhost-sdk: commands run in-process through runCli (stdout/stderr captured), plus the real executable.
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tar from 'tar';
import { runCli, type CliIo } from './index.ts';
import { integrityOf, PluginManifest } from '../index.ts';
import { copyFixture, evaluateGuest, recordingContext, tempDir } from '../testing/fixtures.ts';

const mainFile = join(import.meta.dirname, 'main.ts');
const commandNames = ['init', 'build', 'build-all', 'pack', 'test'];

async function cli(args: string[], cwd = process.cwd()): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [],
    err: string[] = [];
  const io: CliIo = {
    cwd,
    stdout: (line) => {
      out.push(line);
    },
    stderr: (line) => {
      err.push(line);
    },
    childOutput: (stream, text) => {
      (stream === 'stdout' ? out : err).push(text);
    },
  };
  const code = await runCli(args, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('actionhost-sdk help and usage', () => {
  it('prints every command in --help on stdout and exits 0', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    for (const name of commandNames) expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it('prints usage for --help after every command and exits 0', async () => {
    for (const name of commandNames) {
      const result = await cli([name, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^usage: actionhost-sdk ${name}\\b`, 'i'));
      expect(result.stdout).toContain('--help');
    }
  });

  it('exits 2 with a message on an unknown command, an unknown flag, a missing or an extra argument', async () => {
    for (const args of [['frobnicate'], ['pack', '--bogus'], ['init'], ['build', 'a', 'b'], [], ['build', '--', 'x']]) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).not.toBe('');
      expect(result.stdout).toBe('');
    }
  });

  it('prints its version with --version and suggests the command meant by a typo, on one line', async () => {
    const { version } = JSON.parse(await readFile(join(import.meta.dirname, '../../package.json'), 'utf8'));
    expect(await cli(['--version'])).toMatchObject({ code: 0, stdout: version });
    const typo = await cli(['pakc']);
    expect(typo.code).toBe(2);
    expect(typo.stderr.split('\n')).toHaveLength(1);
    expect(typo.stderr).toMatch(/\bpack\b/);
  });

  it('runs as an executable with a node shebang', async () => {
    expect((await readFile(mainFile, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect((await stat(mainFile)).mode & 0o111).not.toBe(0);
    const help = spawnSync(process.execPath, [mainFile, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('build-all');
    const wrong = spawnSync(process.execPath, [mainFile, 'pack', '--nope'], { encoding: 'utf8' });
    expect(wrong.status).toBe(2);
  });
});

describe('actionhost-sdk build and pack', () => {
  it('prints "error AH_BUILD_FAILED: ..." on stderr and exits 1 when the build fails', async () => {
    await using plugin = await copyFixture('node-fs');
    const result = await cli(['build', plugin.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error AH_BUILD_FAILED: /m);
  });

  it('builds the current folder by default, progress on stderr and the result on stdout', async () => {
    await using plugin = await copyFixture('greeter');
    const result = await cli(['build'], plugin.dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('building');
    expect(result.stdout).toContain('@fixtures/greeter@1.2.3');
    PluginManifest.parse(JSON.parse(await readFile(join(plugin.dir, 'plugin.json'), 'utf8')));
  });

  it('pack prints name@version, the file and the integrity, one per line', async () => {
    await using plugin = await copyFixture('greeter');
    await using out = await tempDir();
    const result = await cli(['pack', plugin.dir, '--out', out.dir]);
    expect(result.code).toBe(0);
    const [id, file, integrity] = result.stdout.split('\n');
    expect(id).toBe('@fixtures/greeter@1.2.3');
    expect(file).toBe(join(out.dir, 'fixtures-greeter-1.2.3.tgz'));
    expect(integrity).toBe(integrityOf(await readFile(file)));
  });

  it('pack --json prints one JSON object describing the tarball', async () => {
    await using plugin = await copyFixture('greeter');
    await using out = await tempDir();
    const result = await cli(['pack', '--json', '--out', out.dir], plugin.dir);
    expect(result.code).toBe(0);
    const packed = JSON.parse(result.stdout);
    expect(packed).toEqual({
      file: join(out.dir, 'fixtures-greeter-1.2.3.tgz'),
      name: '@fixtures/greeter',
      version: '1.2.3',
      integrity: expect.stringMatching(/^sha512-[A-Za-z0-9+/]+=*$/),
      bytes: expect.any(Number),
    });
    const bytes = await readFile(packed.file);
    expect(packed.integrity).toBe(integrityOf(bytes));
    expect(packed.bytes).toBe(bytes.length);
  });

  it('build-all builds every plugin folder, reports the broken one and exits 1', async () => {
    await using root = await tempDir();
    await using good = await copyFixture('greeter');
    await using bad = await copyFixture('node-fs');
    await cp(good.dir, join(root.dir, 'greeter'), { recursive: true });
    await cp(bad.dir, join(root.dir, 'node-fs'), { recursive: true });
    await mkdir(join(root.dir, 'not-a-plugin'));
    const result = await cli(['build-all', root.dir, '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout.split('\n')[0]);
    expect(report.failed).toBe(1);
    expect(report.plugins.map((p: { name?: string; error?: { code: string } }) => p.name ?? p.error?.code)).toEqual([
      '@fixtures/greeter',
      'AH_BUILD_FAILED',
    ]);
    expect(result.stderr).toMatch(/^error AH_BUILD_FAILED: /m);
    await stat(join(root.dir, 'greeter', 'dist', 'plugin.js'));
  });
});

describe('actionhost-sdk init', () => {
  it('scaffolds a plugin that builds, runs in a bare context and packs', async () => {
    await using root = await tempDir();
    const dir = join(root.dir, 'hello');
    const init = await cli(['init', dir, '--name', '@acme/hello-desk']);
    expect(init.code).toBe(0);
    for (const file of [
      'package.json',
      'tsconfig.json',
      'src/plugin.ts',
      'README.md',
      'src/plugin.test.ts',
      '.gitignore',
    ]) {
      await stat(join(dir, file));
    }
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).name).toBe('@acme/hello-desk');
    expect(await readFile(join(dir, 'src', 'plugin.test.ts'), 'utf8')).toContain("from '@actionhost/core/testing'");

    expect((await cli(['build', dir])).code).toBe(0);
    const manifest = PluginManifest.parse(JSON.parse(await readFile(join(dir, 'plugin.json'), 'utf8')));
    expect(manifest).toMatchObject({ name: '@acme/hello-desk', title: 'Hello Desk', testConnection: true });
    const { plugin } = evaluateGuest(await readFile(join(dir, 'dist', 'plugin.js'), 'utf8'));
    expect(
      JSON.parse(JSON.stringify(await plugin.run({ name: 'Ada', greeting: 'Hello' }, recordingContext().ctx))),
    ).toEqual({ path: 'success', output: { message: 'Hello, Ada!', token: 'QWRh', notified: null } });

    const pack = await cli(['pack', dir, '--json']);
    expect(pack.code).toBe(0);
    const files: string[] = [];
    tar.t({
      sync: true,
      file: JSON.parse(pack.stdout).file,
      onReadEntry: (entry) => {
        files.push(entry.path);
      },
    });
    expect(files).toEqual([
      'package/README.md',
      'package/dist/plugin.js',
      'package/mappings/default.json',
      'package/plugin.json',
    ]);
  });

  it('refuses a folder that is not empty with AH_INIT_TARGET_NOT_EMPTY', async () => {
    await using root = await tempDir();
    await writeFile(join(root.dir, 'keep.txt'), 'mine');
    const result = await cli(['init', root.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error AH_INIT_TARGET_NOT_EMPTY: /m);
  });

  it('refuses a package name npm would not accept', async () => {
    await using root = await tempDir();
    const result = await cli(['init', join(root.dir, 'x'), '--name', 'Not A Name']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error AH_INIT_NAME_INVALID: /m);
  });
});

describe('actionhost-sdk test', () => {
  async function pluginWithTest(body: string) {
    const root = await tempDir();
    await mkdir(join(root.dir, 'test'));
    await writeFile(join(root.dir, 'test', 'example.test.ts'), `import { expect, it } from 'vitest';\n${body}\n`);
    return root;
  }

  it("exits 0 when the plugin's tests pass", async () => {
    await using plugin = await pluginWithTest("it('adds', () => { expect(1 + 1).toBe(2); });");
    const result = await cli(['test', plugin.dir]);
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).toContain('example.test.ts');
  });

  it("exits with vitest's non-zero code when a test fails", async () => {
    await using plugin = await pluginWithTest("it('is wrong', () => { expect(1 + 1).toBe(3); });");
    expect((await cli(['test', plugin.dir])).code).toBe(1);
  });

  it('refuses a plugin without a test folder with AH_TESTS_MISSING', async () => {
    await using root = await tempDir();
    const result = await cli(['test', root.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error AH_TESTS_MISSING: /m);
  });
});
