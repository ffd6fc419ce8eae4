// The codes of the HTTP API, the host process and its command line, and the two every concern shares
// (AH_VALIDATION_FAILED for a body that breaks its schema, AH_INTERNAL for what should not happen).
import type { ErrorTable } from '@actionhost/sdk/errors';

export const sharedErrors = {
  AH_VALIDATION_FAILED: {
    status: 400,
    message: 'invalid {what}: {path} {problem}',
    description:
      'A body, query, workflow definition, record or credential breaks its schema; details.path is the JSON pointer of the first offending value, details.issues lists all.',
  },
  AH_INTERNAL: {
    status: 500,
    message: '{cause}',
    description:
      'Something failed that should not (a bug, or a port misbehaving). The API answers with the message "internal error" and no details; the host log, execution records and the CLI show the cause.',
  },
} as const satisfies ErrorTable;

export const apiErrors = {
  AH_UNAUTHENTICATED: {
    status: 401,
    message: 'not authenticated: {reason}',
    description:
      'Send `Authorization: Bearer <token>` with a valid API token (npm start prints the first admin token).',
  },
  AH_FORBIDDEN: {
    status: 403,
    message: 'this route needs the {role} role',
    description: "The token's role (agent, editor, admin) may not use this route; use a token with the role named.",
  },
  AH_HOST_NOT_READY: {
    status: 503,
    message: 'the host is not ready: {waiting} not up yet',
    description:
      'GET /api/ready answers 503 while the store, the plugin registry or the sandbox is not up (starting, stopping, or broken); details.checks says which. Wait, or look at the host log.',
  },
  AH_TOKEN_NOT_FOUND: {
    status: 404,
    message: 'no API token {id} (or it was revoked)',
    description: 'GET /api/tokens (or `actionhost tokens list`) lists the tokens that are not revoked, with their ids.',
  },
  AH_LAST_ADMIN_TOKEN: {
    status: 409,
    message:
      'token {id} is the last admin token that works: revoking it would leave nobody able to administer the host',
    description:
      'Create another admin token first (POST /api/tokens with role admin), then revoke this one. On the data folder, `actionhost tokens revoke` may revoke it, and `actionhost tokens create --role admin` recovers.',
  },
  AH_BODY_MALFORMED: {
    status: 400,
    message: 'the request body is not valid JSON',
    description: 'Send a JSON body with content-type: application/json.',
  },
  AH_BODY_TOO_LARGE: {
    status: 413,
    message: 'the request body is too large',
    description: "The body is over the API's body limit; send less.",
  },
  AH_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'this route does not take that Content-Type: {hint}',
    description: 'JSON routes take application/json; POST /api/plugins takes the .tgz as application/gzip.',
  },
  AH_ROUTE_NOT_FOUND: {
    status: 404,
    message: 'no route {method} {url}',
    description: 'No API route has that method and path; see /api/openapi.json.',
  },
  AH_BAD_REQUEST: {
    status: 400,
    message: 'bad request: {reason}',
    description:
      'fastify refused the request before a route saw it (the status is the one it chose, 4xx); fix the request.',
  },
  AH_ENGINE_UNAVAILABLE: {
    status: 503,
    message: 'no workflow engine runs in this process',
    description: 'The API was started without a workflow engine (an embedding without one); run the full host.',
  },
} as const satisfies ErrorTable;

export const processErrors = {
  AH_DATA_DIR_READ_ONLY: {
    status: 503,
    message:
      'the data folder {dataDir} is not writable ({errno}): the host keeps its database there; make it writable or choose another --data',
    description:
      'The host refuses to start on a data folder it cannot write; fix its permissions or pass another --data.',
  },
  AH_PLAIN_HTTP_REFUSED: {
    status: 500,
    message:
      'refusing to serve plain HTTP on {host}, which is not a loopback address: API tokens and credential secrets would cross the network in clear',
    description:
      'Serve the API over HTTPS (TLS certificate and key settings), listen on 127.0.0.1 behind a TLS-terminating proxy, or — only on a trusted network behind such a proxy — set allowPlainHttp (ACTIONHOST_ALLOW_PLAIN_HTTP=true).',
  },
  AH_INPUT_UNREADABLE: {
    status: 400,
    message: 'cannot read {file}: {reason}',
    description: '`actionhost invoke --input` names a file that cannot be read; check the path (or pass - for stdin).',
  },
  AH_TLS_INVALID: {
    status: 500,
    message: 'cannot serve HTTPS: {problem}',
    description:
      'tlsCert / tlsKey (--tls-cert, --tls-key) name files that cannot be read, are not PEM, or do not belong together; fix the files or the paths. At start the host does not come up; on SIGHUP it logs this and keeps serving the certificate it had (send SIGHUP again once the files are fixed).',
  },
} as const satisfies ErrorTable;
