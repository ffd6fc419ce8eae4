// Where a command writes: results on stdout (pipeable), progress and errors on stderr. Injected, so tests run
// commands in-process and read both streams. processIo is the real one: a closed stdout (`| head -1`) is not
// an error, later results are dropped quietly and the command ends with its own exit code.
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

let stdoutClosed = false;
let guarded = false;

/**
 * Makes EPIPE on stdout and stderr quiet. Without it the reader closing a pipe early (`actionhost executions list
 * | head -1`) crashes the process with "write EPIPE ... Unhandled 'error' event".
 */
export function guardClosedPipes(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    stdoutClosed = true;
    if (error.code !== 'EPIPE') process.stderr.write(`error AH_INTERNAL: cannot write results: ${error.message}\n`);
  });
  process.stderr.on('error', () => undefined);
}

export const processIo: Required<CliIo> = {
  stdout(line) {
    if (!stdoutClosed && !process.stdout.destroyed) process.stdout.write(`${line}\n`);
  },
  stderr(line) {
    if (!process.stderr.destroyed) process.stderr.write(`${line}\n`);
  },
  get cwd() {
    return process.cwd();
  },
  get env() {
    return process.env;
  },
};
