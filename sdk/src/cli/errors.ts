// The errors of the actionhost-sdk commands themselves (exit 1), from the sdk's table (contract/error-catalogue.ts).
// Usage mistakes (exit 2) and the errors every command line shares are in ./kit/errors.ts.
import { SdkErrors } from '../contract/index.ts';

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
