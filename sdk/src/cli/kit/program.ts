// The one way every actionhost command line is built and run (actionhost, registry, actionhost-sdk): commander
// with --version and --help, did-you-mean on a mistyped command or flag, one error style ("error AH_CODE: ..." for
// a failed operation, "<command>: <problem>; see '<command> --help'" for a wrong command line), exit codes
// 0 ok / 1 failed / 2 wrong usage, and arguments after "--" only for commands that pass them on.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, type Argument } from 'commander';
import { isActionhostError } from '../../contract/index.ts';
import { UsageError } from './errors.ts';
import { guardClosedPipes, processIo, type CliIo } from './io.ts';

export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

export interface ProgramContext {
  io: Required<CliIo>;
  /** Arguments after "--": only a command marked with passTrailingArguments may receive any. */
  trailing: readonly string[];
  /**
   * Wraps a command's action so that the exit code it returns is the program's (commander drops return values).
   * Returning nothing means success.
   */
  action<A extends unknown[]>(
    run: (...args: A) => number | void | Promise<number | void>,
  ): (...args: A) => Promise<void>;
}

export interface ProgramInfo {
  name: string;
  description: string;
  version: string;
}

const passesTrailing = new WeakSet<Command>();
const alwaysJsonErrors = new WeakSet<Command>();

/** Lets `command` receive the arguments after "--" (context.trailing), e.g. to hand them to a child process. */
export function passTrailingArguments(command: Command): Command {
  passesTrailing.add(command);
  return command;
}

/** Makes `command` report failures as { "error": ... } on stdout even without --json (its output is always JSON). */
export function reportErrorsAsJson(command: Command): Command {
  alwaysJsonErrors.add(command);
  return command;
}

/** The version field of a package.json, for --version. */
export function packageVersion(packageJson: URL): string {
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

export function createProgram(info: ProgramInfo): Command {
  return new Command(info.name)
    .description(info.description)
    .version(info.version, '-V, --version', 'print the version')
    .addHelpText(
      'after',
      '\nResults go to stdout (--json where a script reads them), progress and errors to stderr.\n' +
        'Exit codes: 0 done, 1 the operation failed ("error CODE: ..."), 2 wrong command line.',
    );
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

function argumentTerm(argument: Argument): string {
  const name = `${argument.name()}${argument.variadic ? '...' : ''}`;
  return argument.required ? `<${name}>` : `[${name}]`;
}

/** Commander's "error: unknown option '--jsn'\n(Did you mean --json?)" as one line. */
function oneLine(message: string): string {
  return message
    .trim()
    .replace(/^error: /, '')
    .replace(/argument '(.*)' is invalid\. /, "argument '$1' is invalid: ")
    .replace(/\n\(Did you mean (.+)\)$/, ' (did you mean $1)')
    .replace(/\s*\n\s*/g, ' ');
}

function configure(command: Command, io: Required<CliIo>, showGlobalOptions: boolean): void {
  const path = commandPath(command);
  const write = (to: (line: string) => void) => (text: string) => to(text.replace(/\n$/, ''));
  command
    .exitOverride()
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .helpOption('-h, --help', 'show this help')
    .configureOutput({
      writeOut: write(io.stdout),
      writeErr: write(io.stderr),
      outputError: (message, to) => to(`${path}: ${oneLine(message)}; see '${path} --help'\n`),
    })
    .configureHelp({
      showGlobalOptions,
      subcommandTerm: (sub) => [sub.name(), ...sub.registeredArguments.map(argumentTerm)].join(' '),
    });
  if (command.commands.length > 0) command.helpCommand('help [command]', 'show help for a command');
  for (const sub of command.commands) configure(sub, io, showGlobalOptions);
}

function exitCodeOf(error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
  if (error.code === 'commander.help') return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  return ExitCode.usage;
}

/**
 * Builds the program for this run and runs it with `argv` (without node and the script). Returns the exit code and
 * never exits the process, so tests run commands in-process.
 */
export async function runProgram(
  build: (context: ProgramContext) => Command,
  argv: readonly string[],
  io: CliIo = processIo,
): Promise<number> {
  const split = argv.indexOf('--');
  const own = split < 0 ? [...argv] : argv.slice(0, split);
  const trailing = split < 0 ? [] : argv.slice(split + 1);
  const fullIo: Required<CliIo> = {
    stdout: (line) => {
      io.stdout(line);
    },
    stderr: (line) => {
      io.stderr(line);
    },
    cwd: io.cwd ?? process.cwd(),
    env: io.env ?? {},
  };
  let exitCode: number = ExitCode.ok;
  const context: ProgramContext = {
    io: fullIo,
    trailing,
    action:
      (run) =>
      async (...args) => {
        exitCode = (await run(...args)) ?? ExitCode.ok;
      },
  };
  const program = build(context);
  // A subcommand's help lists the program's options too when there are any besides --version and --help.
  configure(
    program,
    fullIo,
    program.options.some((option) => option.long !== '--version'),
  );
  let active: Command = program;
  program.hook('preAction', (_program, actionCommand) => {
    active = actionCommand;
    if (trailing.length > 0 && !passesTrailing.has(actionCommand)) {
      throw new UsageError('takes no arguments after "--"');
    }
  });
  try {
    await program.parseAsync(own, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return exitCodeOf(error);
    return report(error, active, fullIo);
  }
}

function report(error: unknown, command: Command, io: Required<CliIo>): number {
  const path = commandPath(command);
  if (error instanceof UsageError) {
    io.stderr(`${path}: ${error.message}; see '${path} --help'`);
    return ExitCode.usage;
  }
  const json = alwaysJsonErrors.has(command) || command.opts().json === true;
  const body = isActionhostError(error)
    ? error.toJSON()
    : { code: 'AH_INTERNAL', message: error instanceof Error ? error.message : String(error), details: {} };
  if (json) io.stdout(JSON.stringify({ error: body }, null, 2));
  io.stderr(`error ${body.code}: ${body.message}`);
  return ExitCode.failed;
}

/** The executable's whole life: run the program on this process's arguments and set its exit code. */
export async function runMain(run: (argv: readonly string[], io: CliIo) => Promise<number>): Promise<void> {
  guardClosedPipes();
  process.exitCode = await run(process.argv.slice(2), processIo);
}
