// `actionhost invoke`: resolve an installed plugin, run it once in the sandbox, print its path and output.
import { readFile } from 'node:fs/promises';
import { ActionhostError } from '@actionhost/sdk';
import { loadConfig } from '../config/index.ts';
import { openRuntime } from '../host/index.ts';
import { parsePluginRef } from './spec.ts';
import { printJson, settingFlags, UsageError } from './output.ts';

export const INVOKE_HELP = `Usage: actionhost invoke <name>[@range] --input <file|-> [options]

Runs the highest installed version of a plugin that satisfies the range, once, in the sandbox, and prints
{ "plugin": "name@version", "path": ..., "output": ... } on stdout. Exits 0 whenever the plugin returned one
of its paths (success or failure); when the invocation itself fails (bad input, timeout, out of memory,
crash, denied capability) prints { "error": { "code", "message", ... } } and exits 1.

Options:
  --input <file|->          JSON input (a file, or - for standard input)          (required)
  --entry run|testConnection  which entry point to call (default run)
  --application <id>        Application the ldap capability binds with
  --data <dir>              data folder (env ACTIONHOST_DATA, default ./data)
  --allow-private <list>    hosts/CIDRs plugins may reach though private, e.g. 127.0.0.1
                            (env ACTIONHOST_ALLOW_PRIVATE)
  --logs                    also print the invocation's log lines on stderr
  -h, --help                show this help`;

async function readInput(source: string): Promise<unknown> {
  let text: string;
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
  } else {
    try {
      text = await readFile(source, 'utf8');
    } catch (error) {
      throw new ActionhostError('AH_INPUT_UNREADABLE', `cannot read ${source}: ${(error as Error).message}`, 400, {
        path: source,
      });
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ActionhostError('AH_INPUT_INVALID', `the input is not JSON: ${(error as Error).message}`, 400, {
      path: '/input',
    });
  }
}

export async function invokeCommand(
  positionals: string[],
  flags: Record<string, string | boolean | undefined>,
): Promise<number> {
  if (positionals.length !== 1)
    throw new UsageError('invoke takes exactly one plugin reference (see actionhost invoke --help)');
  if (typeof flags.input !== 'string') throw new UsageError('--input <file|-> is required');
  const entry = (flags.entry ?? 'run') as string;
  if (entry !== 'run' && entry !== 'testConnection') throw new UsageError('--entry must be run or testConnection');
  const { name, range } = parsePluginRef(positionals[0]);
  const input = await readInput(flags.input);
  const config = loadConfig(settingFlags(flags), process.env);
  const runtime = await openRuntime(config, { workers: 1 });
  try {
    const installed = runtime.plugins.resolve(name, range);
    const outcome = await runtime.sandbox.invoke({
      plugin: {
        manifest: installed.manifest,
        code: runtime.plugins.readEntry(installed.name, installed.version),
        integrity: installed.integrity,
      },
      input,
      entry,
      bindings: typeof flags.application === 'string' ? { applicationId: flags.application } : {},
    });
    if (flags.logs) for (const line of outcome.logs) process.stderr.write(`${line.at} ${line.level} ${line.message}\n`);
    printJson({ plugin: outcome.plugin, path: outcome.path, output: outcome.output, durationMs: outcome.durationMs });
    return 0;
  } finally {
    await runtime.close();
  }
}
