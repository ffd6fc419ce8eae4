// `actionhost`: the host's command line — start the server, invoke a plugin once, inspect executions, move
// workflows, prune, back up and restore, read the admin log — on the shared plumbing of @actionhost/sdk/cli (--help, --version, did-you-mean, one error style, exit codes 0 / 1 / 2).
import { createProgram, packageVersion, processIo, runProgram, type CliIo } from '@actionhost/sdk/cli';
import { connectorCommand } from './connector.ts';
import { executionsCommand } from './executions.ts';
import { invokeCommand } from './invoke.ts';
import { startCommand } from './start.ts';
import { adminLogCommand } from './admin-log.ts';
import { workflowsCommand } from './workflows.ts';
import { pruneCommand } from './prune.ts';
import { backupCommands } from './backup.ts';
import { tokensCommand } from './tokens.ts';
import { migrateCommand } from './migrate.ts';

/** Runs the CLI and returns its exit code; never exits the process, so tests run it in-process. */
export function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  return runProgram(
    (context) => {
      const program = createProgram({
        name: 'actionhost',
        description:
          'the actionhost workflow host. Plugins are installed with "registry install"; settings are listed in ' +
          "the README's Configuration section and in each command's --help.",
        version: packageVersion(new URL('../../package.json', import.meta.url)),
      })
        .addCommand(startCommand(context))
        .addCommand(invokeCommand(context))
        .addCommand(executionsCommand(context))
        .addCommand(tokensCommand(context))
        .addCommand(connectorCommand(context))
        .addCommand(workflowsCommand(context))
        .addCommand(pruneCommand(context))
        .addCommand(migrateCommand(context));
      for (const command of backupCommands(context)) program.addCommand(command);
      return program.addCommand(adminLogCommand(context));
    },
    argv,
    io,
  );
}
