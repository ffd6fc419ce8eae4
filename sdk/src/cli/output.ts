// Where the CLI writes: results on stdout (pipeable), progress and errors on stderr. Injected so tests
// can run commands in-process and read both streams.
export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  cwd: string;
  /** Output of a child process (vitest). Absent: the child inherits this process's stdio. */
  childOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

export const processIo: CliIo = {
  stdout: (line) => {
    process.stdout.write(line + '\n');
  },
  stderr: (line) => {
    process.stderr.write(line + '\n');
  },
  get cwd() {
    return process.cwd();
  },
};
