// packPlugin's errors, as its code calls them; codes, statuses and messages are the sdk's table's
// (contract/error-catalogue.ts).
import { SdkErrors } from '../contract/index.ts';

export const PackErrors = {
  pathTooLong: (path: string) => SdkErrors.AH_PACK_PATH_TOO_LONG({ path }, { path }),
  fileMissing: (dir: string, file: string) => SdkErrors.AH_PACK_FILE_MISSING({ file, dir }, { path: file, dir }),
  manifestInvalid: (file: string, problem: string, issues: unknown[] = []) =>
    SdkErrors.AH_MANIFEST_INVALID({ file, problem }, { path: file, issues }),
} as const;
