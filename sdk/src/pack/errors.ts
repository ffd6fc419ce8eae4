// Every error packPlugin can raise, with a stable code.
import { ActionhostError } from '../contract/index.ts';

export const PackErrors = {
  pathTooLong: (path: string) =>
    new ActionhostError('AH_PACK_PATH_TOO_LONG', `cannot store "${path}" in a tarball: path too long`, 400, { path }),
  fileMissing: (dir: string, file: string) =>
    new ActionhostError(
      'AH_PACK_FILE_MISSING',
      `${file} is listed in plugin.json but missing from ${dir} (rebuild the plugin)`,
      400,
      { path: file, dir },
    ),
  manifestInvalid: (file: string, message: string, issues: unknown[] = []) =>
    new ActionhostError('AH_MANIFEST_INVALID', `${file}: ${message}`, 400, { path: file, issues }),
} as const;
