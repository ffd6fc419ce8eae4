// Every error the applications concern raises, with a stable code. Messages name applications and integrations,
// never a credential's secret.
import { ActionhostError } from '@actionhost/sdk';
import type { z } from 'zod';

const pointer = (path: readonly PropertyKey[]) =>
  '/' + path.map((part) => String(part).replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

export const ApplicationErrors = {
  applicationNotFound: (name: string) =>
    new ActionhostError('AH_APPLICATION_NOT_FOUND', `no application named "${name}"`, 404, { application: name }),
  appIntegrationNotFound: (name: string) =>
    new ActionhostError('AH_APP_INTEGRATION_NOT_FOUND', `no App Integration named "${name}"`, 404, {
      appIntegration: name,
    }),
  applicationExists: (name: string) =>
    new ActionhostError('AH_APPLICATION_EXISTS', `an application named "${name}" already exists`, 409, {
      application: name,
      path: '/name',
    }),
  appIntegrationExists: (name: string) =>
    new ActionhostError('AH_APP_INTEGRATION_EXISTS', `an App Integration named "${name}" already exists`, 409, {
      appIntegration: name,
      path: '/name',
    }),
  applicationInUse: (name: string, appIntegrations: string[]) =>
    new ActionhostError(
      'AH_APPLICATION_IN_USE',
      `application "${name}" is used by App Integration(s) ${appIntegrations.map((n) => `"${n}"`).join(', ')}; delete them first`,
      409,
      { application: name, appIntegrations },
    ),
  /** The application's credential is not a basic credential (its password is the bind password). */
  credentialUnsuitable: (credential: string, type: string) =>
    new ActionhostError(
      'AH_APPLICATION_CREDENTIAL_UNSUITABLE',
      `credential "${credential}" is a ${type} credential; an application binds with the password of a basic credential`,
      400,
      { credential, type, path: '/credential' },
    ),
  /** zod issue messages name the rule broken, never the value. details.path is the first offending JSON pointer. */
  invalid: (error: z.ZodError, what: string) => {
    const issues = error.issues.map((issue) => ({ path: pointer(issue.path), message: issue.message }));
    const first = issues[0] ?? { path: '/', message: 'invalid' };
    return new ActionhostError('AH_VALIDATION_FAILED', `invalid ${what}: ${first.path} ${first.message}`, 400, {
      path: first.path,
      issues,
    });
  },
} as const;
