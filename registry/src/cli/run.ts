// Argument handling for `registry`: global --data, picks the command, parses its flags strictly, prints help,
// and maps failures to exit codes — 2 for a wrong command line, 1 for an ActionhostError ("error AH_CODE: message").
import { parseArgs } from 'node:util';
import { isActionhostError } from '@actionhost/sdk';
import { PluginStore } from '../store/index.ts';
import { commands, UsageError, type CliIo, type Command } from './commands.ts';
import { REGISTRY_SETTINGS } from './settings.ts';

const program = 'registry';

const globalOptions = [
  ['--data DIR', 'data folder (default: $ACTIONHOST_DATA, else ./data)'],
  ['-h, --help', 'show help (also after any command)'],
] as const;

export function programHelp(): string {
  const width = Math.max(...commands.map((c) => c.usage.length));
  return [
    `${program}: install, list, inspect, remove and verify actionhost plugin packages`,
    '',
    `usage: ${program} [--data DIR] <command> [options]`,
    '',
    'commands:',
    ...commands.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'options:',
    ...globalOptions.map(([flag, text]) => `  ${flag.padEnd(10)}  ${text}`),
    '',
    'Results go to stdout, progress to stderr. Exit codes: 0 ok, 1 failed, 2 wrong usage.',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const options: [string, string][] = Object.entries(command.options).map(([name, spec]) => [
    `--${name}${spec.value ? ` ${spec.value}` : ''}`,
    spec.description,
  ]);
  options.push(...globalOptions.map(([flag, text]) => [flag, text] as [string, string]));
  const width = Math.max(...options.map(([flag]) => flag.length));
  return [
    `usage: ${program} ${command.usage}`,
    '',
    command.summary,
    '',
    'options:',
    ...options.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
  ].join('\n');
}

/** Index of the command word: the first argument that is neither an option nor the value of --data. */
function commandIndex(args: string[]): number {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--data') i++;
    else if (!args[i].startsWith('-')) return i;
  }
  return -1;
}

function parse(command: Command | undefined, args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        help: { type: 'boolean', short: 'h' },
        data: { type: 'string' },
        ...Object.fromEntries(
          Object.entries(command?.options ?? {}).map(([name, spec]) => [name, { type: spec.type }]),
        ),
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message, command?.name);
  }
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
};

export async function runCli(
  argv: string[],
  io: CliIo = processIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let command: Command | undefined;
  try {
    const at = commandIndex(argv);
    const name = at < 0 ? undefined : argv[at];
    command = commands.find((c) => c.name === name);
    if (name !== undefined && !command) throw new UsageError(`unknown command "${name}"`);
    const { values, positionals } = parse(command, at < 0 ? argv : [...argv.slice(0, at), ...argv.slice(at + 1)]);
    if (values.help || !command) {
      if (!command && !values.help) throw new UsageError('a command is required');
      io.out(command ? commandHelp(command) : programHelp());
      return 0;
    }
    const { dataDir } = REGISTRY_SETTINGS.load({ flags: { dataDir: values.data }, env });
    const store = PluginStore.open(dataDir);
    try {
      return await command.run({ store, positionals, values, io });
    } finally {
      store.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${program}: ${error.message}`);
      io.err(`run "${program} ${command ? `${command.name} ` : ''}--help" for usage`);
      return 2;
    }
    if (isActionhostError(error)) {
      io.err(`error ${error.code}: ${error.message}`);
      return 1;
    }
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
