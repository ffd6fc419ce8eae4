// CLI errors: usage mistakes (exit 2) are kept apart from failures of the work itself (ActionhostError, exit 1),
// whose codes, statuses and messages are the sdk's table's (contract/error-catalogue.ts).
import { SdkErrors } from '../contract/index.ts';

/** A wrong command line: unknown command or flag, missing or extra argument. Exit code 2. */
export class UsageError extends Error {
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

export const CliErrors = {
  initTargetNotEmpty: (dir: string) => SdkErrors.AH_INIT_TARGET_NOT_EMPTY({ dir }, { path: dir }),
  initNameInvalid: (name: string) => SdkErrors.AH_INIT_NAME_INVALID({ name }, { name }),
  noPlugins: (dir: string) => SdkErrors.AH_NO_PLUGINS({ dir }, { path: dir }),
  buildAllFailed: (failed: string[]) =>
    SdkErrors.AH_BUILD_FAILED(
      { step: 'build-all', reason: `${failed.length} plugin(s) did not build: ${failed.join(', ')}` },
      { failed },
    ),
  vitestMissing: (dir: string) => SdkErrors.AH_VITEST_MISSING({ dir }, { path: dir }),
  testsMissing: (dir: string) => SdkErrors.AH_TESTS_MISSING({ dir }, { path: dir }),
} as const;
