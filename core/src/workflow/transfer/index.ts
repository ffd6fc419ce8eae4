// Workflows between environments: a self-contained export document (definition, pinned plugin versions with
// integrity, the App Integrations and credentials it names, never a secret) and an import that checks it all first.
export {
  WorkflowExport,
  ExportedPlugin,
  WorkflowImportResult,
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
} from './document.ts';
export { exportWorkflow, credentialReferences, type ExportFrom } from './export.ts';
export { planImport, type ImportOptions, type ImportPlan, type ExistingWorkflows } from './import.ts';
export type { TransferDeps } from './transfer-deps.ts';
export type { CredentialDirectory, CapabilityApprovals } from './ports.ts';
export { TransferErrors } from './errors.ts';
