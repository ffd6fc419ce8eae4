// The errors every command line can raise, whichever program it belongs to: a wrong command line (UsageError,
// exit 2) and the ActionhostErrors of settings, data folders and listening ports (exit 1).
import { SdkErrors } from '../../contract/index.ts';

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
    SdkErrors.AH_CONFIG_INVALID(
      { problems: problems.map((p) => `setting ${p.setting} (${p.source}): ${p.problem}; ${p.fix}`).join('; ') },
      { path: `/${problems[0]?.setting ?? ''}`, problems },
    ),
  /** A command that only reads found no store where --data points: most often a mistyped folder. */
  dataNotFound: (dataDir: string, file: string, fix: string) =>
    SdkErrors.AH_DATA_NOT_FOUND({ dataDir, file, fix }, { path: dataDir, file }),
  portInUse: (host: string, port: number, fix: string) =>
    SdkErrors.AH_PORT_IN_USE({ host, port: String(port), fix }, { host, port }),
} as const;
