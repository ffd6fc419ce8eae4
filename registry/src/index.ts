// @actionhost/registry: the plugin store (safe install of .tgz packages, SQLite index, pins) and its CLI.
export * from './store/index.ts';
export { DEFAULT_LIMITS, type ExtractLimits, type FileRecord } from './tarball/index.ts';
export { RegistryErrors, RegistryErrorCodes, type RegistryErrorCode } from './errors.ts';
