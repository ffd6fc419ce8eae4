// The errors of Integration Connectors; codes, statuses and messages come from core's error table.
import { CoreErrors } from '../errors/index.ts';

export const ConnectorErrors = {
  notFound: CoreErrors.AH_CONNECTOR_NOT_FOUND,
  exists: CoreErrors.AH_CONNECTOR_EXISTS,
  /** Not connected (or no longer): the operation cannot reach the directory behind it. */
  offline: CoreErrors.AH_CONNECTOR_OFFLINE,
  /** Taken by the connector, but no result came back in time. */
  timeout: CoreErrors.AH_CONNECTOR_TIMEOUT,
  unauthenticated: CoreErrors.AH_CONNECTOR_UNAUTHENTICATED,
  /** The connector side: the host cannot be reached. */
  hostUnreachable: CoreErrors.AH_CONNECTOR_HOST_UNREACHABLE,
} as const;
