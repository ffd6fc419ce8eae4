// The errors of the actionhost-sdk commands themselves (exit 1). Usage mistakes (exit 2) and the errors every
// command line shares are in ./kit/errors.ts.
import { ActionhostError } from '../contract/index.ts';

export const CliErrors = {
  initTargetNotEmpty: (dir: string) =>
    new ActionhostError('AH_INIT_TARGET_NOT_EMPTY', `${dir} exists and is not empty; pick a new folder`, 400, {
      path: dir,
    }),
  initNameInvalid: (name: string) =>
    new ActionhostError(
      'AH_INIT_NAME_INVALID',
      `"${name}" is not an npm-style package name (e.g. @acme/greeter)`,
      400,
      { name },
    ),
  noPlugins: (dir: string) =>
    new ActionhostError('AH_NO_PLUGINS', `no plugin folders (with src/plugin.ts) under ${dir}`, 400, { path: dir }),
  buildAllFailed: (failed: string[]) =>
    new ActionhostError('AH_BUILD_FAILED', `${failed.length} plugin(s) failed to build: ${failed.join(', ')}`, 400, {
      failed,
    }),
  vitestMissing: (dir: string) =>
    new ActionhostError(
      'AH_VITEST_MISSING',
      `cannot find node_modules/.bin/vitest above ${dir}; install vitest as a devDependency`,
      400,
      { path: dir },
    ),
  testsMissing: (dir: string) =>
    new ActionhostError('AH_TESTS_MISSING', `no test folder at ${dir}`, 400, { path: dir }),
} as const;
