// Service-desk records for agents: requests (a PATCH that changes fields fires update triggers through the
// outbox), their relations and audit trail, and configuration items.
import {
  AuditEntry,
  ConfigurationItem,
  ConfigurationItemCreate,
  ConfigurationItemFilter,
  FieldChange,
  Relation,
  Request,
  RequestCreate,
  RequestFilter,
  RequestPatch,
} from '../../itsm/index.ts';
import { z } from 'zod';
import { NumericId } from '../schemas.ts';
import type { ItsmPort } from '../ports.ts';
import type { RouteTable } from '../route.ts';

export function registerItsmRoutes(table: RouteTable, itsm: ItsmPort, onChange: () => void): void {
  table.add({
    method: 'POST',
    url: '/api/requests',
    role: 'agent',
    tag: 'requests',
    summary: 'Create an incident or a service request',
    body: RequestCreate,
    status: 201,
    response: Request,
    handler: async ({ body, actor }) => {
      const { request } = await itsm.createRequest(body, actor);
      onChange();
      return request;
    },
  });
  table.add({
    method: 'GET',
    url: '/api/requests',
    role: 'agent',
    tag: 'requests',
    summary: 'List requests, newest first',
    query: RequestFilter,
    response: z.array(Request),
    handler: ({ query }) => itsm.listRequests(query),
  });
  table.add({
    method: 'GET',
    url: '/api/requests/:id',
    role: 'agent',
    tag: 'requests',
    summary: 'Read a request',
    params: NumericId,
    response: Request,
    handler: ({ params }) => itsm.getRequest(params.id),
  });
  table.add({
    method: 'PATCH',
    url: '/api/requests/:id',
    role: 'agent',
    tag: 'requests',
    summary: 'Change fields of a request; changes fire "request updated" triggers',
    params: NumericId,
    body: RequestPatch,
    response: z.object({
      request: Request,
      changes: z.array(FieldChange),
    }),
    handler: async ({ params, body, actor }) => {
      const { request, changes } = await itsm.updateRequest(params.id, body, actor);
      if (changes.length > 0) onChange();
      return { request, changes };
    },
  });
  table.add({
    method: 'GET',
    url: '/api/requests/:id/relations',
    role: 'agent',
    tag: 'requests',
    summary: "The request's Relations tab",
    params: NumericId,
    response: z.array(Relation),
    handler: ({ params }) => itsm.listRelations(params.id),
  });
  table.add({
    method: 'GET',
    url: '/api/requests/:id/audit',
    role: 'agent',
    tag: 'requests',
    summary: "The request's Audit Trail",
    params: NumericId,
    response: z.array(AuditEntry),
    handler: ({ params }) => itsm.listAudit(params.id),
  });
  table.add({
    method: 'POST',
    url: '/api/cis',
    role: 'agent',
    tag: 'configuration items',
    summary: 'Create a configuration item',
    body: ConfigurationItemCreate,
    status: 201,
    response: ConfigurationItem,
    handler: ({ body, actor }) => itsm.createConfigurationItem(body, actor),
  });
  table.add({
    method: 'GET',
    url: '/api/cis',
    role: 'agent',
    tag: 'configuration items',
    summary: 'List configuration items',
    query: ConfigurationItemFilter,
    response: z.array(ConfigurationItem),
    handler: ({ query }) => itsm.listConfigurationItems(query),
  });
  table.add({
    method: 'GET',
    url: '/api/cis/:id',
    role: 'agent',
    tag: 'configuration items',
    summary: 'Read a configuration item',
    params: NumericId,
    response: ConfigurationItem,
    handler: ({ params }) => itsm.getConfigurationItem(params.id),
  });
}
