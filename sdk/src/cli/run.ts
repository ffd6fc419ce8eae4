// Argument handling for actionhost-sdk: picks the command, parses its flags strictly, prints help, and maps
// failures to exit codes — 2 for a wrong command line, 1 for an ActionhostError (as "error AH_CODE: message").
import { parseArgs } from 'node:util';
import { isActionhostError } from '../contract/index.ts';
import { commands, type Command } from './commands.ts';
import { UsageError } from './errors.ts';
import { processIo, type CliIo } from './output.ts';

const program = 'actionhost-sdk';

export function programHelp(): string {
  const width = Math.max(...commands.map((c) => c.usage.length));
  return [
    `${program}: build, pack, scaffold and test actionhost plugins`,
    '',
    `usage: ${program} <command> [options]`,
    '',
    'commands:',
    ...commands.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'options:',
    '  -h, --help  show help (also after any command)',
    '',
    `Results go to stdout, progress to stderr. Exit codes: 0 ok, 1 failed, 2 wrong usage.`,
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const options = Object.entries(command.options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`;
    return [flag, spec.description] as const;
  });
  options.push(['-h, --help', 'show this help']);
  const width = Math.max(...options.map(([flag]) => flag.length));
  return [
    `usage: ${program} ${command.usage}`,
    '',
    command.summary,
    ...(command.details ? ['', command.details] : []),
    '',
    'options:',
    ...options.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
  ].join('\n');
}

function parseCommand(
  command: Command,
  args: string[],
): { help: boolean; positionals: string[]; rest: string[]; values: Record<string, string | boolean | undefined> } {
  const split = args.indexOf('--');
  const own = split < 0 ? args : args.slice(0, split);
  const rest = split < 0 ? [] : args.slice(split + 1);
  if (rest.length > 0 && !command.passThrough)
    throw new UsageError(`${command.name} takes no arguments after "--"`, command.name);
  let parsed;
  try {
    parsed = parseArgs({
      args: own,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(
          Object.entries(command.options).map(([name, spec]) => [
            name,
            spec.short ? { type: spec.type, short: spec.short } : { type: spec.type },
          ]),
        ),
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const flag = /'([^']+)'/.exec((error as Error).message)?.[1];
    const code = (error as { code?: string }).code;
    throw new UsageError(
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag
        ? `${command.name}: unknown option "${flag}"`
        : `${command.name}: ${(error as Error).message}`,
      command.name,
    );
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { help: true, positionals: [], rest, values };
  const [required, max] = command.positionals;
  if (parsed.positionals.length < required) throw new UsageError(`${command.name}: missing argument`, command.name);
  if (parsed.positionals.length > max) {
    throw new UsageError(`${command.name}: unexpected argument "${parsed.positionals[max]}"`, command.name);
  }
  return { help: false, positionals: parsed.positionals, rest, values };
}

/** Runs the CLI and returns its exit code; never calls process.exit, so tests can run it in-process. */
export async function runCli(args: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    if (name === 'help' && rest[0] !== undefined && !topic) {
      io.stderr(`${program}: unknown command "${rest[0]}"\n\n${programHelp()}`);
      return 2;
    }
    (name === undefined ? io.stderr : io.stdout)(topic ? commandHelp(topic) : programHelp());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(
      `${program}: unknown command "${name}" (commands: ${commands.map((c) => c.name).join(', ')}; see --help)`,
    );
    return 2;
  }
  try {
    const parsed = parseCommand(command, rest);
    if (parsed.help) {
      io.stdout(commandHelp(command));
      return 0;
    }
    return await command.run(parsed, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(
        `${program}: ${error.message}\nusage: ${program} ${command.usage}\n(see "${program} ${command.name} --help")`,
      );
      return 2;
    }
    if (isActionhostError(error)) {
      io.stderr(`error ${error.code}: ${error.message}`);
      return 1;
    }
    io.stderr(`error: ${(error as Error)?.stack ?? String(error)}`);
    return 1;
  }
}
