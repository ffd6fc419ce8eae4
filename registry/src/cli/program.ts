// `registry`: the platform team's command line for the plugin store, on the shared plumbing of @actionhost/sdk/cli
// (--help, --version, did-you-mean, one error style, exit codes 0 ok / 1 failed / 2 wrong usage). --data, the one
// setting, comes from the settings table the host shares.
import { createProgram, packageVersion, processIo, runProgram, type CliIo } from '@actionhost/sdk/cli';
import { registryCommands } from './commands.ts';
import { REGISTRY_SETTINGS } from './settings.ts';

/** Runs the CLI and returns its exit code; never exits the process, so tests run it in-process. */
export function runCli(argv: readonly string[], io: CliIo = processIo, env = io.env ?? {}): Promise<number> {
  return runProgram(
    (context) => {
      const program = createProgram({
        name: 'registry',
        description: 'install, list, inspect, remove, verify and serve actionhost plugin packages',
        version: packageVersion(new URL('../../package.json', import.meta.url)),
      });
      for (const option of REGISTRY_SETTINGS.options(['dataDir', 'database', 'pluginSignatures']))
        program.addOption(option);
      for (const command of registryCommands(context)) program.addCommand(command);
      return program;
    },
    argv,
    { ...io, env },
  );
}
