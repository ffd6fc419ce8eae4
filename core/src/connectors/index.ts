// Integration Connectors: the host's hub that carries ldap operations of Applications "via connector <name>" to the
// connector next to the directory, the connectors an admin issues tokens to, and the `actionhost connector` client.
export { ConnectorService, type ConnectorServiceOptions } from './service.ts';
export { ConnectorHub, type ConnectorHubOptions, type ConnectorPresence } from './hub.ts';
export { runConnector, type ConnectorClientOptions } from './client.ts';
export { ConnectorErrors } from './errors.ts';
export {
  ConnectorName,
  ConnectorCreate,
  Connector,
  ConnectorStatus,
  IssuedConnector,
  ConnectorOperation,
  PollRequest,
  PollAnswer,
  OperationResult,
  ResultsRequest,
} from './schemas.ts';
