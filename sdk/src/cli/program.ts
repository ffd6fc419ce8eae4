// actionhost-sdk: the plugin author's command line, on the shared plumbing of ./kit (also used by `actionhost`
// and `registry`): --help, --version, did-you-mean, one error style, exit codes 0 ok / 1 failed / 2 wrong usage.
import { createProgram, packageVersion, processIo, runProgram, type CliIo } from './kit/index.ts';
import { sdkCommands, type ChildOutput } from './commands.ts';

export interface SdkIo extends CliIo {
  /** Output of a child process (vitest). Absent: the child inherits this process's stdio. */
  childOutput?: ChildOutput;
}

/** Runs the CLI and returns its exit code; never exits the process, so tests run it in-process. */
export function runCli(args: readonly string[], io: SdkIo = processIo): Promise<number> {
  return runProgram(
    (context) => {
      const program = createProgram({
        name: 'actionhost-sdk',
        description: 'build, pack, scaffold and test actionhost plugins',
        version: packageVersion(new URL('../../package.json', import.meta.url)),
      });
      for (const command of sdkCommands(context, io.childOutput)) program.addCommand(command);
      return program;
    },
    args,
    io,
  );
}
