// Workflow routes for editors: drafts, publishing, Test Connection, and executions.
import { z } from 'zod';
import {
  Execution,
  ExecutionSummary,
  PublishedVersion,
  TestConnectionResult,
  WorkflowDefinition,
  WorkflowView,
  type WorkflowService,
} from '../../workflow/index.ts';
import {
  ActivateBody,
  ExecutionIdParams,
  ExecutionsQuery,
  NodeParams,
  PublishBody,
  TestConnectionBody,
  WorkflowIdParams,
} from '../schemas.ts';
import { roleAllows } from '../auth.ts';
import type { RouteTable } from '../route.ts';
import type { EnginePort } from '../ports.ts';
import { ApiErrors } from '../errors.ts';

export function registerWorkflowRoutes(table: RouteTable, workflows: WorkflowService, engine?: EnginePort): void {
  const running = (): EnginePort => {
    if (!engine) throw ApiErrors.engineUnavailable();
    return engine;
  };
  table.add({
    method: 'POST',
    url: '/api/workflows',
    role: 'editor',
    tag: 'workflows',
    summary: 'Create a workflow draft',
    body: WorkflowDefinition,
    status: 201,
    response: WorkflowView,
    handler: ({ body }) => workflows.create(body),
  });
  table.add({
    method: 'GET',
    url: '/api/workflows',
    role: 'editor',
    tag: 'workflows',
    summary: 'List workflows',
    response: z.array(WorkflowView),
    handler: () => workflows.list(),
  });
  table.add({
    method: 'GET',
    url: '/api/workflows/:id',
    role: 'editor',
    tag: 'workflows',
    summary: 'Read a workflow: its draft and its published version',
    params: WorkflowIdParams,
    response: WorkflowView,
    handler: ({ params }) => workflows.get(params.id),
  });
  table.add({
    method: 'PUT',
    url: '/api/workflows/:id',
    role: 'editor',
    tag: 'workflows',
    summary: 'Replace a workflow draft',
    params: WorkflowIdParams,
    body: WorkflowDefinition,
    response: WorkflowView,
    handler: ({ params, body }) => workflows.update(params.id, body),
  });
  table.add({
    method: 'POST',
    url: '/api/workflows/:id/publish',
    role: 'editor',
    tag: 'workflows',
    summary:
      'Publish the draft: resolve and pin plugin versions, check Input Mappings; the workflow becomes active. A version ' +
      'whose capabilities are not approved is refused (409 AH_CAPABILITIES_NOT_APPROVED) unless an admin sends ' +
      '{"acceptCapabilities": true}',
    params: WorkflowIdParams,
    body: PublishBody,
    response: WorkflowView,
    handler: ({ params, body, token, actor }) => {
      // Editors publish; approving what a plugin may reach is an admin's decision.
      if (body.acceptCapabilities && !(token && roleAllows(token.role, 'admin'))) {
        throw ApiErrors.forbidden(
          { role: 'admin' },
          { role: token?.role ?? 'none', needed: 'admin', path: '/acceptCapabilities' },
        );
      }
      return workflows.publish(params.id, {
        actor,
        ...(body.acceptCapabilities ? { approveCapabilitiesAs: actor } : {}),
      });
    },
  });
  table.add({
    method: 'GET',
    url: '/api/workflows/:id/versions',
    role: 'editor',
    tag: 'workflows',
    summary: 'The published versions, newest first: who published each and when, and which one is current',
    params: WorkflowIdParams,
    response: z.array(PublishedVersion),
    handler: ({ params }) => workflows.versions(params.id),
  });
  table.add({
    method: 'POST',
    url: '/api/workflows/:id/activate',
    role: 'editor',
    tag: 'workflows',
    summary: 'Switch the workflow on (optionally making an earlier published version current again)',
    params: WorkflowIdParams,
    body: ActivateBody,
    response: WorkflowView,
    handler: ({ params, body }) => workflows.activate(params.id, body.version),
  });
  table.add({
    method: 'POST',
    url: '/api/workflows/:id/deactivate',
    role: 'editor',
    tag: 'workflows',
    summary: 'Switch the workflow off: it triggers nothing; executions in flight finish',
    params: WorkflowIdParams,
    response: WorkflowView,
    handler: ({ params }) => workflows.deactivate(params.id),
  });
  table.add({
    method: 'DELETE',
    url: '/api/workflows/:id',
    role: 'editor',
    tag: 'workflows',
    summary: 'Delete a draft or an inactive workflow (its executions and Audit Trail entries stay)',
    params: WorkflowIdParams,
    status: 204,
    handler: async ({ params }) => {
      await workflows.delete(params.id);
    },
  });
  table.add({
    method: 'POST',
    url: '/api/workflows/:id/nodes/:nodeId/test-connection',
    role: 'editor',
    tag: 'workflows',
    summary: "Run the node plugin's Test Connection with its mappings against sample data",
    params: NodeParams,
    body: TestConnectionBody,
    response: TestConnectionResult,
    handler: ({ params, body, reply }) => {
      // A caller that hangs up cancels the plugin run.
      const abort = new AbortController();
      reply.raw.once('close', () => {
        if (!reply.raw.writableEnded) abort.abort();
      });
      return workflows.testConnection(params.id, params.nodeId, body, abort.signal);
    },
  });
  table.add({
    method: 'GET',
    url: '/api/executions',
    role: 'editor',
    tag: 'executions',
    summary:
      'List executions, newest first, filtered by status, outcome, workflow, request and creation time; a page holds ' +
      'at most `limit` (default 100, up to 500) and, when more follow, the X-Next-Cursor header gives the `cursor` ' +
      'of the next page (also as a Link header with rel="next")',
    query: ExecutionsQuery,
    response: z.array(ExecutionSummary),
    handler: async ({ query, request, reply }) => {
      const page = await workflows.listExecutions(query);
      if (page.nextCursor !== null) {
        const next = new URLSearchParams(request.query as Record<string, string>);
        next.set('cursor', page.nextCursor);
        void reply
          .header('x-next-cursor', page.nextCursor)
          .header('link', `</api/executions?${next.toString()}>; rel="next"`);
      }
      return page.executions;
    },
  });
  table.add({
    method: 'GET',
    url: '/api/executions/:id',
    role: 'editor',
    tag: 'executions',
    summary: 'Read an execution with its steps',
    params: ExecutionIdParams,
    response: Execution,
    handler: ({ params }) => workflows.getExecution(params.id),
  });
  table.add({
    method: 'POST',
    url: '/api/executions/:id/retry',
    role: 'editor',
    tag: 'executions',
    summary: 'Run a finished execution again (same pinned version and trigger, current request data)',
    params: ExecutionIdParams,
    status: 201,
    response: Execution,
    handler: async ({ params }) => workflows.getExecution(await running().retry(params.id)),
  });
  table.add({
    method: 'POST',
    url: '/api/executions/:id/cancel',
    role: 'editor',
    tag: 'executions',
    summary: 'Cancel a running execution',
    params: ExecutionIdParams,
    status: 202,
    handler: async ({ params }) => {
      await running().cancel(params.id);
      return { id: params.id, cancelling: true };
    },
  });
}
