// CLI errors: usage mistakes (exit 2) are kept apart from failures of the work itself (ActionhostError, exit 1).
import { ActionhostError } from '../contract/index.ts';

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
