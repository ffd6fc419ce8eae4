// Every error the applications concern raises; codes, statuses and messages come from core's error table.
// Messages name applications and integrations, never a credential's secret.
import type { z } from 'zod';
import { CoreErrors, validationFailed } from '../errors/index.ts';

export const ApplicationErrors = {
  applicationNotFound: (name: string) => CoreErrors.AH_APPLICATION_NOT_FOUND({ name }, { application: name }),
  appIntegrationNotFound: (name: string) => CoreErrors.AH_APP_INTEGRATION_NOT_FOUND({ name }, { appIntegration: name }),
  applicationExists: (name: string) => CoreErrors.AH_APPLICATION_EXISTS({ name }, { application: name, path: '/name' }),
  appIntegrationExists: (name: string) =>
    CoreErrors.AH_APP_INTEGRATION_EXISTS({ name }, { appIntegration: name, path: '/name' }),
  applicationInUse: (name: string, appIntegrations: string[]) =>
    CoreErrors.AH_APPLICATION_IN_USE(
      { name, appIntegrations: appIntegrations.map((n) => `"${n}"`).join(', ') },
      { application: name, appIntegrations },
    ),
  /** The application's credential is not a basic credential (its password is the bind password). */
  credentialUnsuitable: (credential: string, type: string) =>
    CoreErrors.AH_APPLICATION_CREDENTIAL_UNSUITABLE({ credential, type }, { credential, type, path: '/credential' }),
  /** zod issue messages name the rule broken, never the value. details.path is the first offending JSON pointer. */
  invalid: (error: z.ZodError, what: string) => validationFailed(what, error),
  /** The one-time retrieval of a generated initial password found none (retrieved already). */
  initialPasswordNotFound: CoreErrors.AH_INITIAL_PASSWORD_NOT_FOUND,
  /** Not an error: the warning an Application carries while TLS certificate verification is off. */
  tlsVerifyDisabled: CoreErrors.AH_TLS_VERIFY_DISABLED,
} as const;
