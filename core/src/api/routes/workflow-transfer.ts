// Workflows between environments over HTTP: the export document of a workflow, and an import that checks
// everything first (every problem at once) and creates a draft — or replaces one named draft, never silently.
import { z } from 'zod';
import { WorkflowExport, WorkflowImportResult, type WorkflowService } from '../../workflow/index.ts';
import { WorkflowIdParams } from '../schemas.ts';
import type { RouteTable } from '../route.ts';

const ExportQuery = z
  .object({
    /** The active published version (default when there is one) or the draft, with the versions it would pin. */
    from: z.enum(['published', 'draft']).optional(),
  })
  .strict();

const ImportQuery = z
  .object({
    /** Replace this workflow's draft instead of creating a new workflow; its published version keeps running. */
    replace: z.string().min(1).max(100).optional(),
    /** Check only: answer with the problems or the warnings, create nothing. */
    dryRun: z.enum(['true', 'false']).optional(),
  })
  .strict();

export function registerWorkflowTransferRoutes(table: RouteTable, workflows: WorkflowService): void {
  table.add({
    method: 'GET',
    url: '/api/workflows/:id/export',
    role: 'editor',
    tag: 'workflows',
    summary:
      'The workflow as a self-contained export document: definition, pinned plugin versions with integrity, the App Integrations and credentials it names (never a secret)',
    params: WorkflowIdParams,
    query: ExportQuery,
    response: WorkflowExport,
    handler: async ({ params, query, reply }) => {
      const document = await workflows.export(params.id, query.from);
      const file = document.workflow.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'workflow';
      void reply.header('content-disposition', `attachment; filename="${file}.workflow.json"`);
      return document;
    },
  });
  table.add({
    method: 'POST',
    url: '/api/workflows/import',
    role: 'editor',
    tag: 'workflows',
    summary:
      'Import an export document: checks plugin versions and integrity, capability approvals, App Integrations, credentials and the name, all at once (422 AH_WORKFLOW_IMPORT_INVALID lists every problem), then creates a draft (201) or replaces the draft of ?replace=<id> (200)',
    query: ImportQuery,
    // Read by the import itself: a document of a newer format is named as such, not as a schema violation.
    body: z.unknown(),
    response: WorkflowImportResult,
    status: (result) => {
      const { workflowId, replaced } = result as WorkflowImportResult;
      return workflowId !== null && !replaced ? 201 : 200;
    },
    handler: ({ query, body }) =>
      workflows.import(body, {
        ...(query.replace === undefined ? {} : { replace: query.replace }),
        dryRun: query.dryRun === 'true',
      }),
  });
}
