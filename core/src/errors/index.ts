// Core's error catalogue: every code the host can raise, from any concern, in one table (code → HTTP status,
// message template, cause and fix), from which core/ERRORS.md is generated. The bottom layer of core/src: every
// concern may import it, it imports none of them. The worker process loads it too, so it stays light (no zod).
import { type ActionhostError, defineErrors, type ErrorCatalogue, type ErrorDetails } from '@actionhost/sdk/errors';
import type { ZodError } from 'zod';
import { credentialErrors, applicationErrors, itsmErrors, storeErrors } from './records.ts';
import { httpErrors, itsmCapabilityErrors, ldapErrors } from './capabilities.ts';
import { definitionErrors, executionErrors } from './workflow.ts';
import { apiErrors, processErrors, sharedErrors } from './host.ts';
import { sandboxErrors } from './sandbox.ts';
import { connectorErrors } from './connectors.ts';
import { backupErrors, postgresMoveErrors, transferErrors } from './operations.ts';

export const errorCatalogue: ErrorCatalogue = {
  package: '@actionhost/core',
  intro:
    'What the host, its HTTP API and the `actionhost` CLI fail with. The API answers with the status below and ' +
    '`{ "error": { "code", "message", "details" } }`; the CLI prints `error CODE: message` and exits 1; a failed ' +
    'execution step records `{ code, message }`. Codes of the sandbox and the capabilities also reach plugins: a ' +
    'capability call rejects with the code, and a plugin that does not catch it fails with `AH_PLUGIN_THREW` ' +
    '(`details.cause` holds the code). Codes are stable; messages may be reworded.',
  sections: [
    { title: 'Shared by every concern', errors: sharedErrors },
    { title: 'Sandbox (plugin invocations)', errors: sandboxErrors },
    { title: 'Capability: http', errors: httpErrors },
    { title: 'Capability: ldap', errors: ldapErrors },
    { title: 'Capability: itsm', errors: itsmCapabilityErrors },
    { title: 'Workflow definitions and publishing', errors: definitionErrors },
    { title: 'Executions', errors: executionErrors },
    { title: 'Workflows between environments (export and import)', errors: transferErrors },
    { title: 'Requests, Configuration Items, Relations', errors: itsmErrors },
    { title: 'Credentials and the master key', errors: credentialErrors },
    { title: 'Applications and App Integrations', errors: applicationErrors },
    { title: 'Integration Connectors', errors: connectorErrors },
    { title: 'Store (the data folder)', errors: storeErrors },
    { title: 'Backup and restore', errors: backupErrors },
    { title: 'Moving a data folder to PostgreSQL', errors: postgresMoveErrors },
    { title: 'HTTP API', errors: apiErrors },
    { title: 'Host process and CLI', errors: processErrors },
  ],
};

/** One typed constructor per code: `throw CoreErrors.AH_PLUGIN_TIMEOUT({ timeoutMs }, { plugin })`. */
export const CoreErrors = defineErrors({
  ...sharedErrors,
  ...sandboxErrors,
  ...httpErrors,
  ...ldapErrors,
  ...itsmCapabilityErrors,
  ...definitionErrors,
  ...executionErrors,
  ...transferErrors,
  ...itsmErrors,
  ...credentialErrors,
  ...applicationErrors,
  ...connectorErrors,
  ...storeErrors,
  ...backupErrors,
  ...postgresMoveErrors,
  ...apiErrors,
  ...processErrors,
});

export type CoreErrorCode = keyof typeof CoreErrors;

/** The `{ code, message }` an execution step or a worker reply records for an error. */
export function errorSummary(error: ActionhostError): { code: string; message: string } {
  return { code: error.code, message: error.message };
}

/** "/customFields/ipAddress" from a zod issue path (RFC 6901). */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return '/' + path.map((part) => String(part).replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
}

/**
 * A zod failure as AH_VALIDATION_FAILED: the message names the first offending value, details.issues lists all.
 * zod issue messages name the rule broken, never the value, so they are safe to return (credentials use it too).
 */
export function validationFailed(what: string, error: ZodError, details: ErrorDetails = {}): ActionhostError {
  const issues = error.issues.map((issue) => ({ path: jsonPointer(issue.path), message: issue.message }));
  const first = issues[0] ?? { path: '/', message: 'is invalid' };
  return CoreErrors.AH_VALIDATION_FAILED(
    { what, path: first.path, problem: first.message },
    { path: first.path, ...details, issues },
  );
}
