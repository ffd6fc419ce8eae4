// The life of a command that serves until told to stop (`actionhost start`, `registry serve`): when to stop, and
// the start error a user can fix (a busy port).
import { CommandLineErrors } from './errors.ts';

export interface StopOptions {
  /** The command's environment: npm and npx mark the processes they start with npm_command. */
  env?: NodeJS.ProcessEnv;
  /** How often the launcher is looked for (default 500 ms). */
  pollMs?: number;
}

/**
 * Resolves with the reason to stop: SIGTERM, SIGINT, or the launcher going away. `npx actionhost start` runs
 * npm → sh → node; a SIGTERM to npm reaches the shell, which dies without passing it on, and the host would keep
 * listening as an orphan. So under npm or npx the host watches its parent and stops when it is replaced. Outside
 * npm it does not: `nohup actionhost start &` is meant to outlive its shell.
 */
export function untilStopped(options: StopOptions = {}): Promise<string> {
  return new Promise((resolve) => {
    const parent = process.ppid;
    let timer: NodeJS.Timeout | undefined;
    const stop = (reason: string) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInterrupt);
      clearInterval(timer);
      resolve(reason);
    };
    const onTerm = () => stop('SIGTERM');
    const onInterrupt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInterrupt);
    if (options.env?.npm_command) {
      timer = setInterval(() => {
        if (process.ppid !== parent) stop('launcher exited');
      }, options.pollMs ?? 500);
      timer.unref();
    }
  });
}

/** EADDRINUSE from listen() as AH_PORT_IN_USE naming the address and how to pick another; other errors as they are. */
export function portInUseError(error: unknown, host: string, port: number, fix: string): unknown {
  if ((error as NodeJS.ErrnoException | null)?.code !== 'EADDRINUSE') return error;
  return CommandLineErrors.portInUse(host, port, fix);
}
