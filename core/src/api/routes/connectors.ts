// Integration Connectors: admins issue, list, revoke and re-issue connector tokens; connectors themselves (with
// their token, not an API token) long-poll for ldap operations, post results and say goodbye.
import { z } from 'zod';
import {
  Connector,
  ConnectorCreate,
  IssuedConnector,
  PollAnswer,
  PollRequest,
  ResultsRequest,
} from '../../connectors/index.ts';
import type { ConnectorsPort } from '../ports.ts';
import type { RouteTable } from '../route.ts';

const NameParams = z.object({ name: z.string().min(1).max(100) }).strict();
/** Search results of up to 1000 entries travel back in one body. */
const RESULTS_BODY_LIMIT = 16 * 1024 * 1024;

export function registerConnectorRoutes(table: RouteTable, connectors: ConnectorsPort): void {
  table.add({
    method: 'POST',
    url: '/api/connectors',
    role: 'admin',
    tag: 'connectors',
    summary: 'Register an Integration Connector; the answer holds its token, shown only this once',
    body: ConnectorCreate,
    status: 201,
    response: IssuedConnector,
    handler: async ({ body, actor, reply }) => {
      void reply.header('cache-control', 'no-store');
      return IssuedConnector.parse(await connectors.create(body, actor));
    },
  });
  table.add({
    method: 'GET',
    url: '/api/connectors',
    role: 'admin',
    tag: 'connectors',
    summary: 'List connectors with their health (online, offline, never-connected, revoked) and last-seen time',
    response: z.array(Connector),
    handler: async () => z.array(Connector).parse(await connectors.list()),
  });
  table.add({
    method: 'GET',
    url: '/api/connectors/:name',
    role: 'admin',
    tag: 'connectors',
    summary: 'Read a connector: health, last seen, address and version',
    params: NameParams,
    response: Connector,
    handler: async ({ params }) => Connector.parse(await connectors.get(params.name)),
  });
  table.add({
    method: 'POST',
    url: '/api/connectors/:name/revoke',
    role: 'admin',
    tag: 'connectors',
    summary: 'Revoke the connector token: it stops working at once, the connector is cut off',
    params: NameParams,
    response: Connector,
    handler: async ({ params }) => Connector.parse(await connectors.revoke(params.name)),
  });
  table.add({
    method: 'POST',
    url: '/api/connectors/:name/token',
    role: 'admin',
    tag: 'connectors',
    summary: 'Issue a new token (shown only this once); the old one stops working, a revoked connector is usable again',
    params: NameParams,
    response: IssuedConnector,
    handler: async ({ params, reply }) => {
      void reply.header('cache-control', 'no-store');
      return IssuedConnector.parse(await connectors.issueToken(params.name));
    },
  });
  table.add({
    method: 'DELETE',
    url: '/api/connectors/:name',
    role: 'admin',
    tag: 'connectors',
    summary: 'Delete a connector (its token stops working; Applications that name it fail with AH_CONNECTOR_NOT_FOUND)',
    params: NameParams,
    status: 204,
    handler: async ({ params }) => {
      await connectors.delete(params.name);
    },
  });

  const asConnector = {
    kind: 'connector',
    verify: (authorization: string | undefined) => connectors.authenticate(authorization),
  };
  table.add({
    method: 'POST',
    url: '/api/connector/poll',
    role: 'public',
    authenticate: asConnector,
    tag: 'connector protocol',
    summary: 'For `actionhost connector` (connector token): wait for ldap operations to run next to the directory',
    body: PollRequest,
    response: PollAnswer,
    handler: async ({ body, subject, request, reply }) => {
      // The connector hanging up ends the poll: what arrives after that waits for its next one.
      const hungUp = new AbortController();
      const onClose = () => {
        if (!reply.raw.writableEnded) hungUp.abort();
      };
      reply.raw.once('close', onClose);
      try {
        return await connectors.poll(subject!, body, { signal: hungUp.signal, address: request.ip ?? null });
      } finally {
        reply.raw.off('close', onClose);
      }
    },
  });
  table.add({
    method: 'POST',
    url: '/api/connector/results',
    role: 'public',
    authenticate: asConnector,
    tag: 'connector protocol',
    summary: 'For `actionhost connector` (connector token): the results of operations it ran',
    body: ResultsRequest,
    bodyLimit: RESULTS_BODY_LIMIT,
    status: 204,
    handler: async ({ body, subject }) => {
      await connectors.results(subject!, body);
    },
  });
  table.add({
    method: 'POST',
    url: '/api/connector/disconnect',
    role: 'public',
    authenticate: asConnector,
    tag: 'connector protocol',
    summary: 'For `actionhost connector` (connector token): it is stopping; it shows offline at once',
    status: 204,
    handler: async ({ subject }) => {
      await connectors.leave(subject!);
    },
  });
}
