// The codes of Integration Connectors: issuing and revoking their tokens, and carrying ldap operations to a
// directory the host cannot reach itself. An operation that cannot be carried takes the plugin's failure path.
import type { ErrorTable } from '@actionhost/sdk/errors';

export const connectorErrors = {
  AH_CONNECTOR_NOT_FOUND: {
    status: 404,
    message: 'no Integration Connector "{name}"',
    description:
      'An Application (or a call) names a connector that does not exist or was deleted; list them with GET /api/connectors.',
  },
  AH_CONNECTOR_EXISTS: {
    status: 409,
    message: 'an Integration Connector named "{name}" already exists',
    description: 'Connector names are unique; pick another, or issue the existing one a new token.',
  },
  AH_CONNECTOR_OFFLINE: {
    status: 503,
    message: 'Integration Connector "{name}" is offline: {reason}',
    description:
      'The connector is not connected to this host (never started, stopped, revoked, or cut off), so the directory behind it cannot be reached; start `actionhost connector` next to the directory.',
  },
  AH_CONNECTOR_TIMEOUT: {
    status: 504,
    message: 'Integration Connector "{name}" did not answer the {method} within {timeoutMs} ms',
    description:
      "The connector took the operation but sent no result in time (it was cut off, or the directory did not answer); see the connector's log.",
  },
  AH_CONNECTOR_UNAUTHENTICATED: {
    status: 401,
    message: 'not a valid connector token: {reason}',
    description:
      'The connector sent no token, an unknown one, or one an admin revoked; issue a new one (POST /api/connectors/:name/token) and give it to the connector as ACTIONHOST_CONNECTOR_TOKEN.',
  },
  AH_CONNECTOR_HOST_UNREACHABLE: {
    status: 502,
    message: 'the host {url} cannot be reached: {reason}',
    description:
      "`actionhost connector` could not talk to the host (network, TLS or certificate failure); it keeps trying. Check --host-url, --ca and the host's certificate.",
  },
} as const satisfies ErrorTable;
