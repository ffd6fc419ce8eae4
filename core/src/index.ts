// @actionhost/core: the host. Front door for the other packages, the CLI and tests.
export * from './sandbox/index.ts';
export * from './capabilities/index.ts';
export {
  Store,
  StoreErrors,
  PostgresStore,
  SqliteDatabase,
  type Database,
  WORK_CHANNEL,
  type PostgresStoreOptions,
  type Queryable,
} from './store/index.ts';
export { loadConfig, HostConfig } from './config/index.ts';
export * from './itsm/index.ts';
export * from './credentials/index.ts';
export * from './applications/index.ts';
export * from './workflow/index.ts';
// API tokens by role: tests (and tools on the host) make editor and agent tokens in a data folder's store; the
// console reads the token shapes.
export { ApiTokens, Role, TokenInfo, TokenCreated } from './api/index.ts';
// The registry's answers the plugin routes pass on, as the console reads them.
export type { CapabilityReview, PluginDifference, SignatureStatus, TrustedKey } from '@actionhost/registry';
// Integration Connectors as the API answers them, for the console.
export type { Connector, IssuedConnector } from './connectors/index.ts';
// The composition root, for processes that wire a host of their own (the multi-host tests run engines on
// PostgreSQL with a runtime's sandbox runner).
export { openRuntime, SandboxPluginRunner, type Runtime, type RuntimeOptions } from './host/index.ts';
