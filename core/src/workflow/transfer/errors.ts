// The errors of moving workflows between environments; codes, statuses and messages come from core's table.
import { CoreErrors } from '../../errors/index.ts';

export const TransferErrors = {
  importInvalid: CoreErrors.AH_WORKFLOW_IMPORT_INVALID,
  exportUnresolved: CoreErrors.AH_WORKFLOW_EXPORT_UNRESOLVED,
  exportFormat: CoreErrors.AH_WORKFLOW_EXPORT_FORMAT,
  pluginMissing: CoreErrors.AH_IMPORT_PLUGIN_MISSING,
  pluginIntegrity: CoreErrors.AH_IMPORT_PLUGIN_INTEGRITY,
  capabilityUnapproved: CoreErrors.AH_IMPORT_CAPABILITY_UNAPPROVED,
  appIntegrationMissing: CoreErrors.AH_IMPORT_APP_INTEGRATION_MISSING,
  appIntegrationMismatch: CoreErrors.AH_IMPORT_APP_INTEGRATION_MISMATCH,
  credentialMissing: CoreErrors.AH_IMPORT_CREDENTIAL_MISSING,
  credentialType: CoreErrors.AH_IMPORT_CREDENTIAL_TYPE,
  nameTaken: CoreErrors.AH_WORKFLOW_NAME_TAKEN,
  secretInput: CoreErrors.AH_IMPORT_SECRET_INPUT,
  pinDiffers: CoreErrors.AH_IMPORT_PIN_DIFFERS,
} as const;
