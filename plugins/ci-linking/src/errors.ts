// This plugin's error catalogue: it raises no code of its own (a request without a matching CI takes the failure
// path with a `reason`), and turns the host's AH_REQUEST_NOT_FOUND into one. plugins/ci-linking/ERRORS.md comes from it.
import type { ErrorCatalogue } from '@actionhost/sdk';

export const errorCatalogue: ErrorCatalogue = {
  package: '@actionhost/ci-linking',
  intro:
    'The plugin raises no code of its own. A request it cannot link takes the **failure** path with ' +
    '`{ reason, message, requestId, identifierType, identifier, matchedCiIds }`, `reason` being `no-identifier`, ' +
    '`no-match`, `ambiguous` or `request-not-found`. Anything else the host refuses (e.g. a missing itsm scope) fails ' +
    "the step as a plugin that threw, the host's code in `details.cause` (see core/ERRORS.md).",
  sections: [{ title: 'Codes of its own', errors: {} }],
  handles: {
    AH_REQUEST_NOT_FOUND: 'From the itsm capability (core): the failure path with reason `request-not-found`.',
  },
};
