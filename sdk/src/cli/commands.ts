// The actionhost-sdk commands: each declares its flags (for parseArgs and --help) and what it does.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { buildPlugin } from '../plugin-build/index.ts';
import { packPlugin } from '../pack/index.ts';
import { isActionhostError } from '../contract/index.ts';
import { CliErrors } from './errors.ts';
import { initPlugin } from './init.ts';
import type { CliIo } from './output.ts';
import { runPluginTests } from './test-runner.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  value?: string;
  description: string;
}

export interface Parsed {
  positionals: string[];
  /** Arguments after "--" (only for commands with passThrough). */
  rest: string[];
  values: Record<string, string | boolean | undefined>;
}

export interface Command {
  name: string;
  usage: string;
  summary: string;
  details?: string;
  options: Record<string, OptionSpec>;
  /** [required, max] positional arguments */
  positionals: [number, number];
  /** Everything after "--" goes to the command untouched (test → vitest). */
  passThrough?: boolean;
  run(parsed: Parsed, io: CliIo): Promise<number>;
}

const json: OptionSpec = { type: 'boolean', description: 'print the result as one JSON object on stdout' };

function at(io: CliIo, path: string | undefined): string {
  return resolve(io.cwd, path ?? '.');
}

function shown(io: CliIo, path: string): string {
  const rel = relative(io.cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}

async function pluginFolders(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const folders: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = join(root, entry.name);
    if (
      await stat(join(dir, 'src', 'plugin.ts')).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      folders.push(dir);
  }
  return folders;
}

export const commands: Command[] = [
  {
    name: 'init',
    usage: 'init <dir> [--name @scope/name]',
    summary: 'scaffold a working plugin (definePlugin source, sandbox test, README)',
    details: 'The folder must be new or empty. Then: npm install, actionhost-sdk build, actionhost-sdk test.',
    options: {
      name: { type: 'string', value: '@scope/name', description: 'package name (default: the folder name)' },
      json,
    },
    positionals: [1, 1],
    async run({ positionals, values }, io) {
      const dir = at(io, positionals[0]);
      io.stderr(`scaffolding ${shown(io, dir)}`);
      const result = await initPlugin(dir, { name: values.name as string | undefined });
      if (values.json) io.stdout(JSON.stringify(result));
      else {
        io.stdout(`created ${result.name} in ${shown(io, result.dir)}`);
        for (const file of result.files) io.stdout(`  ${file}`);
      }
      return 0;
    },
  },
  {
    name: 'build',
    usage: 'build [dir]',
    summary: 'write plugin.json, mappings/*.json and dist/plugin.js (default dir: .)',
    options: { json },
    positionals: [0, 1],
    async run({ positionals, values }, io) {
      const dir = at(io, positionals[0]);
      io.stderr(`building ${shown(io, dir)}`);
      const result = await buildPlugin(dir);
      const summary = {
        name: result.manifest.name,
        version: result.manifest.version,
        manifestFile: result.manifestFile,
        entryFile: result.entryFile,
        mappings: Object.values(result.manifest.mappings).map((file) => join(dir, file)),
      };
      if (values.json) io.stdout(JSON.stringify(summary));
      else
        io.stdout(
          `built ${summary.name}@${summary.version} → ${shown(io, result.manifestFile)}, ${shown(io, result.entryFile)}`,
        );
      return 0;
    },
  },
  {
    name: 'build-all',
    usage: 'build-all <dir>',
    summary: 'build every plugin folder (one with src/plugin.ts) directly under <dir>',
    details: 'Keeps going after a failure, reports each one, and exits 1 if any plugin failed.',
    options: { json },
    positionals: [1, 1],
    async run({ positionals, values }, io) {
      const root = at(io, positionals[0]);
      const folders = await pluginFolders(root);
      if (folders.length === 0) throw CliErrors.noPlugins(root);
      const results: { dir: string; name?: string; version?: string; error?: { code: string; message: string } }[] = [];
      for (const dir of folders) {
        io.stderr(`building ${shown(io, dir)}`);
        try {
          const { manifest } = await buildPlugin(dir);
          results.push({ dir, name: manifest.name, version: manifest.version });
          if (!values.json) io.stdout(`built ${manifest.name}@${manifest.version}`);
        } catch (error) {
          if (!isActionhostError(error)) throw error;
          results.push({ dir, error: { code: error.code, message: error.message } });
          io.stderr(`error ${error.code}: ${shown(io, dir)}: ${error.message}`);
        }
      }
      const failed = results.filter((r) => r.error).map((r) => shown(io, r.dir));
      if (values.json) io.stdout(JSON.stringify({ plugins: results, failed: failed.length }));
      if (failed.length > 0) throw CliErrors.buildAllFailed(failed);
      return 0;
    },
  },
  {
    name: 'pack',
    usage: 'pack [dir] [--out DIR] [--json]',
    summary: 'write a deterministic <name>-<version>.tgz and print name@version, file and sha512 integrity',
    details: 'Builds first when plugin.json or dist/plugin.js is missing or older than the sources.',
    options: {
      out: { type: 'string', value: 'DIR', description: 'where the tarball goes (default: <dir>/dist)' },
      json,
    },
    positionals: [0, 1],
    async run({ positionals, values }, io) {
      const dir = at(io, positionals[0]);
      io.stderr(`packing ${shown(io, dir)}`);
      const outDir = typeof values.out === 'string' ? at(io, values.out) : undefined;
      const result = await packPlugin(dir, { outDir });
      if (values.json) io.stdout(JSON.stringify(result));
      else {
        io.stdout(`${result.name}@${result.version}`);
        io.stdout(result.file);
        io.stdout(result.integrity);
      }
      return 0;
    },
  },
  {
    name: 'test',
    usage: 'test [dir] [-- vitest arguments]',
    summary: "run the plugin's tests (src/**/*.test.ts) with vitest, in the real sandbox",
    details: "Exits with vitest's exit code. Tests use createTestHost() from @actionhost/core/testing.",
    options: {},
    positionals: [0, 1],
    passThrough: true,
    async run({ positionals, rest }, io) {
      const root = at(io, positionals[0]);
      io.stderr(`testing ${shown(io, root)}`);
      return runPluginTests(root, { extraArgs: rest, ...(io.childOutput ? { onOutput: io.childOutput } : {}) });
    },
  },
];
