// Front door of the tarball concern: read a plugin .tgz safely into memory, then write it out with fixed modes.
export { readPackage, type PackageContents } from './read.ts';
export { writePackage, sha256, type FileRecord } from './extract.ts';
export {
  resolveLimits,
  DEFAULT_LIMITS,
  PACKAGE_ROOT,
  RESERVED_FILE,
  type ExtractLimits,
  type ResolvedLimits,
  type CheckedEntry,
} from './entry-rules.ts';
