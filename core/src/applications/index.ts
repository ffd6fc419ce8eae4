// Applications (configured connections to external systems, Microsoft Active Directory first) and App
// Integrations (named, saved uses of an application's plugin): the service, its schemas and its error codes.
export { ApplicationService, type ApplicationServiceOptions } from './service.ts';
export {
  ApplicationCreate,
  Application,
  ApplicationType,
  ApplicationWarning,
  AppIntegrationCreate,
  AppIntegration,
  ConnectionTestResult,
  ActiveDirectoryAction,
  ACTIVE_DIRECTORY_ACTIONS,
  APPLICATION_TYPES,
  DEFAULT_AD_PLUGIN,
  splitPluginSpec,
  type ApplicationCreateInput,
  type AppIntegrationCreateInput,
} from './schemas.ts';
export { ApplicationErrors } from './errors.ts';
export { InitialPasswords, InitialPassword, RetrievedInitialPassword } from './initial-passwords.ts';
