// This plugin's error catalogue: it raises no code of its own. What the host's http capability refuses (timeout,
// connection, egress, credential...) becomes its failure path. plugins/run-webhook/ERRORS.md comes from it.
import type { ErrorCatalogue } from '@actionhost/sdk';

export const errorCatalogue: ErrorCatalogue = {
  package: '@actionhost/run-webhook',
  intro:
    'The plugin raises no code of its own. An endpoint answering 4xx or 5xx takes the **failure** path with its ' +
    'status, headers and body. A request the host could not make takes the failure path too, with `status: 0` and ' +
    "`error: { code, message }`, `code` being any code of the host's http capability (core/ERRORS.md, " +
    '"Capability: http"); the usual ones are listed below.',
  sections: [{ title: 'Codes of its own', errors: {} }],
  handles: {
    AH_HTTP_TIMEOUT: 'Passed on to the failure path: no complete answer within Timeout (a workflow step retries it).',
    AH_HTTP_CONNECT_FAILED: 'Passed on to the failure path: DNS, TCP, TLS or proxy failure (retried by a step).',
    AH_EGRESS_DENIED: "Passed on to the failure path: the address is refused by the host's network policy.",
    AH_CREDENTIAL_NOT_FOUND: 'Passed on to the failure path: the credential named by By Credentials does not exist.',
  },
};
