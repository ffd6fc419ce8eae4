// What export and import are given: publishing's ports (plugin catalogue, App Integrations), the credential
// directory, capability approvals when the host has them, the validation context, the host version and a clock.
import type { AppIntegrationResolver, PluginCatalog, ValidationContext } from '../definition/index.ts';
import type { CapabilityApprovals, CredentialDirectory } from './ports.ts';

export interface TransferDeps {
  catalog: PluginCatalog;
  appIntegrations?: AppIntegrationResolver;
  credentials?: CredentialDirectory;
  approvals?: CapabilityApprovals;
  context: ValidationContext;
  hostVersion: string;
  clock: () => Date;
}
