// Where a command writes: results on stdout (pipeable), progress and errors on stderr. Injected, so tests run
// commands in-process and read both streams; processIo is the real one.
export interface CliIo {
  /** One result line (a newline is added). */
  stdout(line: string): void;
  /** One progress or error line (a newline is added). */
  stderr(line: string): void;
  /** Folder that relative paths are resolved against (default: the process's). */
  cwd?: string;
  /** Environment the command reads its settings from (default: none). */
  env?: NodeJS.ProcessEnv;
}

export const processIo: Required<CliIo> = {
  stdout(line) {
    process.stdout.write(`${line}\n`);
  },
  stderr(line) {
    process.stderr.write(`${line}\n`);
  },
  get cwd() {
    return process.cwd();
  },
  get env() {
    return process.env;
  },
};
