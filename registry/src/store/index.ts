// Front door of the plugin store: install, look up, pin, remove and verify plugin versions.
export {
  PluginStore,
  type InstalledPlugin,
  type InstallResult,
  type InstallOptions,
  type VerifyReport,
  type PluginStoreOptions,
} from './plugin-store.ts';
export type { InstallSpec } from './install-source.ts';
export { SignaturePolicy, SignatureStatus, TrustedKey } from './trust.ts';
export { ApprovalVia, CapabilityApproval, CapabilityReview, describeUnapproved } from './approvals.ts';
export { PluginDifference, SchemaChange, pluginDifference, describeDifference } from './difference.ts';
export type { Catalog } from './catalog.ts';
export { isPostgresUrl } from './open-catalog.ts';
