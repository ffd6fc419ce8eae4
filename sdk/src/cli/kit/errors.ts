// The errors every command line can raise, whichever program it belongs to: a wrong command line (UsageError,
// exit 2) and the ActionhostErrors of settings, data folders and listening ports (exit 1).
import { ActionhostError } from '../../contract/index.ts';

/** A wrong command line: unknown command or flag, missing or extra argument, bad flag value. Exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One setting whose value was refused: which setting, where the value came from, what is wrong, how to fix it. */
export interface SettingProblem {
  setting: string;
  /** "--port" or "ACTIONHOST_PORT" */
  source: string;
  problem: string;
  fix: string;
}

export const CommandLineErrors = {
  configInvalid: (problems: SettingProblem[]) =>
    new ActionhostError(
      'AH_CONFIG_INVALID',
      problems.map((p) => `setting ${p.setting} (${p.source}): ${p.problem}; ${p.fix}`).join('; '),
      400,
      { path: `/${problems[0]?.setting ?? ''}`, problems },
    ),
  /** A command that only reads found no store where --data points: most often a mistyped folder. */
  dataNotFound: (dataDir: string, file: string, fix: string) =>
    new ActionhostError('AH_DATA_NOT_FOUND', `${dataDir} holds no actionhost data (no ${file}): ${fix}`, 404, {
      path: dataDir,
      file,
    }),
  portInUse: (host: string, port: number, fix: string) =>
    new ActionhostError('AH_PORT_IN_USE', `cannot listen on ${host}:${port}: the port is in use; ${fix}`, 409, {
      host,
      port,
    }),
} as const;
