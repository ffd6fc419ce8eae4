// `actionhost invoke`: resolve an installed plugin, run it once in the sandbox, print its path and output.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  Command,
  choice,
  reportErrorsAsJson,
  requireDataFile,
  text,
  valueOption,
  type CliIo,
  type ProgramContext,
} from '@actionhost/sdk/cli';
import { HOST_SETTINGS, loadConfig } from '../config/index.ts';
import { CoreErrors } from '../errors/index.ts';
import { openRuntime } from '../host/index.ts';
import { parsePluginRef } from './spec.ts';

async function readInput(source: string, cwd: string): Promise<unknown> {
  let content: string;
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    content = Buffer.concat(chunks).toString('utf8');
  } else {
    try {
      content = await readFile(resolve(cwd, source), 'utf8');
    } catch (error) {
      throw CoreErrors.AH_INPUT_UNREADABLE({ file: source, reason: (error as Error).message }, { path: source });
    }
  }
  try {
    return JSON.parse(content);
  } catch (error) {
    throw CoreErrors.AH_INPUT_INVALID({ problem: `is not JSON: ${(error as Error).message}` }, { path: '/input' });
  }
}

function printJson(io: Required<CliIo>, value: unknown): void {
  io.stdout(JSON.stringify(value, null, 2));
}

interface InvokeOptions {
  input: string;
  entry: 'run' | 'testConnection';
  application?: string;
  logs?: boolean;
}

export function invokeCommand(context: ProgramContext): Command {
  const { io } = context;
  const command: Command = new Command('invoke')
    .summary('run one installed plugin once in the sandbox and print its path and output')
    .description(
      'Runs the highest installed version of a plugin that satisfies the range, once, in the sandbox, and prints ' +
        '{ "plugin": "name@version", "path": ..., "output": ... } on stdout. Exits 0 whenever the plugin returned ' +
        'one of its paths (success or failure); when the invocation itself fails (bad input, timeout, out of ' +
        'memory, crash, denied capability) prints { "error": { "code", "message", ... } } and exits 1.',
    )
    .argument('<name[@range]>', 'the plugin, e.g. @actionhost/run-webhook@^1')
    .requiredOption('--input <file|->', 'JSON input (a file, or - for standard input)')
    .addOption(
      valueOption('--entry <entry>', 'which entry point to call (default run)', choice(['run', 'testConnection'])),
    )
    .addOption(valueOption('--application <id>', 'Application the ldap capability binds with', text()))
    .option('--logs', "also print the invocation's log lines on stderr");
  for (const option of HOST_SETTINGS.options(['dataDir', 'allowPrivate', 'approvedProxies', 'resolverServers']))
    command.addOption(option);
  command.option('--json', 'print JSON (always on: the result and errors are JSON)');
  reportErrorsAsJson(command);
  command.action(
    context.action(async (ref: string, options: InvokeOptions) => {
      const { name, range } = parsePluginRef(ref);
      const config = loadConfig(HOST_SETTINGS.given(command), io.env);
      // A plugin must have been installed there: a mistyped --data must not become a new, empty data folder.
      requireDataFile(
        config.dataDir,
        'registry.db',
        'check --data (or ACTIONHOST_DATA); install plugins there with `registry install --data <dir> ...`',
      );
      const input = await readInput(options.input, io.cwd);
      const runtime = await openRuntime(config, { workers: 1 });
      try {
        const installed = await runtime.plugins.resolve(name, range);
        const outcome = await runtime.sandbox.invoke({
          plugin: {
            manifest: installed.manifest,
            code: await runtime.plugins.readEntry(installed.name, installed.version),
            integrity: installed.integrity,
          },
          input,
          entry: options.entry ?? 'run',
          bindings: options.application === undefined ? {} : { applicationId: options.application },
        });
        if (options.logs) for (const line of outcome.logs) io.stderr(`${line.at} ${line.level} ${line.message}`);
        printJson(io, {
          plugin: outcome.plugin,
          path: outcome.path,
          output: outcome.output,
          durationMs: outcome.durationMs,
        });
      } finally {
        await runtime.close();
      }
    }),
  );
  return command;
}
