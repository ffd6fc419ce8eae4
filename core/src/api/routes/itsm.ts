// Service-desk records for agents: requests (a PATCH that changes fields fires update triggers through the
// outbox), their relations and audit trail, configuration items, and the request templates requests are raised from.
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
  RequestTemplate,
  RequestTemplateCreate,
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
    summary:
      'Create an incident or a service request; with `template` (and its `fields`) it is raised from that request template',
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
  const TemplateParams = z.object({ name: z.string().min(1).max(200) }).strict();
  table.add({
    method: 'POST',
    url: '/api/request-templates',
    role: 'admin',
    tag: 'request templates',
    summary: 'Create a request template: name, kind, subject, fields with types and defaults',
    body: RequestTemplateCreate,
    status: 201,
    response: RequestTemplate,
    handler: ({ body, actor }) => itsm.createTemplate(body, actor),
  });
  table.add({
    method: 'GET',
    url: '/api/request-templates',
    role: 'agent',
    tag: 'request templates',
    summary: 'List request templates (what a request may be raised from)',
    response: z.array(RequestTemplate),
    handler: () => itsm.listTemplates(),
  });
  table.add({
    method: 'GET',
    url: '/api/request-templates/:name',
    role: 'agent',
    tag: 'request templates',
    summary: 'Read a request template with its fields',
    params: TemplateParams,
    response: RequestTemplate,
    handler: ({ params }) => itsm.getTemplate(params.name),
  });
  table.add({
    method: 'DELETE',
    url: '/api/request-templates/:name',
    role: 'admin',
    tag: 'request templates',
    summary: 'Delete a request template (requests raised from it keep its name and values)',
    params: TemplateParams,
    status: 204,
    handler: async ({ params }) => {
      await itsm.deleteTemplate(params.name);
    },
  });
}
