// @actionhost/registry: the plugin store (safe install of .tgz packages, SQLite index, pins), a read-only
// HTTP server for it and the matching client, and the `registry` CLI (src/cli/main.ts).
export * from './store/index.ts';
export * from './remote/index.ts';
export { DEFAULT_LIMITS, type ExtractLimits, type FileRecord } from './tarball/index.ts';
export { RegistryErrors, RegistryErrorCodes, type RegistryErrorCode } from './errors.ts';
// The data folder and signature settings: the host's settings table uses these same declarations.
export { DATA_DIR_SETTING, SIGNATURE_POLICY_SETTING } from './cli/index.ts';
