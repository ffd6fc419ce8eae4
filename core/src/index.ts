// @actionhost/core: the host. Front door for the other packages, the CLI and tests.
export * from './sandbox/index.ts';
export * from './capabilities/index.ts';
export { Store, StoreErrors } from './store/index.ts';
export { loadConfig, HostConfig } from './config/index.ts';
export * from './itsm/index.ts';
export * from './credentials/index.ts';
export * from './applications/index.ts';
export * from './workflow/index.ts';
// API tokens by role: tests (and tools on the host) make editor and agent tokens in a data folder's store.
export { ApiTokens, Role } from './api/index.ts';
