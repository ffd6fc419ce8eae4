#!/usr/bin/env node
// `actionhost`: the host's command line — start the server, invoke a plugin once, inspect executions.
import { parseArgs } from 'node:util';
import { reportError, UsageError } from './output.ts';
import { INVOKE_HELP, invokeCommand } from './invoke.ts';
import { START_HELP, startCommand } from './start.ts';
import { EXECUTIONS_HELP, executionsCommand } from './executions.ts';

const HELP = `Usage: actionhost <command> [options]

Commands:
  start        start the host: HTTP API, workflow engine, sandbox workers (the README's first command)
  invoke       run one installed plugin once in the sandbox and print its path and output
  executions   list, show, retry or cancel workflow executions

Run "actionhost <command> --help" for a command's options. Plugins are installed with "registry install".`;

interface Command {
  help: string;
  run(positionals: string[], flags: Record<string, string | boolean | undefined>): Promise<number>;
  options: Record<string, { type: 'string' | 'boolean'; short?: string }>;
}

const common = { data: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

const commands: Record<string, Command> = {
  invoke: {
    help: INVOKE_HELP,
    run: invokeCommand,
    options: {
      ...common,
      input: { type: 'string' },
      entry: { type: 'string' },
      application: { type: 'string' },
      'allow-private': { type: 'string' },
      logs: { type: 'boolean' },
    },
  },
  start: {
    help: START_HELP,
    run: startCommand,
    options: {
      ...common,
      host: { type: 'string' },
      port: { type: 'string' },
      workers: { type: 'string' },
      'allow-private': { type: 'string' },
      'log-level': { type: 'string' },
      'no-seed': { type: 'boolean' },
    },
  },
  executions: {
    help: EXECUTIONS_HELP,
    run: executionsCommand,
    options: {
      ...common,
      request: { type: 'string' },
      workflow: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
    },
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${HELP}\n`);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`usage error: unknown command "${name}"\n\n${HELP}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`usage error: ${(error as Error).message}\n\n${command.help}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(parsed.positionals, parsed.values);
  } catch (error) {
    const code = reportError(error, Boolean(parsed.values.json) || name === 'invoke');
    if (error instanceof UsageError) process.stderr.write(`\n${command.help}\n`);
    return code;
  }
}

process.exitCode = await main(process.argv.slice(2));
