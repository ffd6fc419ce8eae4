// What the workflow designer needs besides the drafts themselves: deleting a draft, a publish preview (every
// problem at once, the versions it would pin, what changed), and read-only lookups for its dropdowns — the
// request fields placeholders may name, credential names and App Integrations. No lookup ever carries a secret.
import { z } from 'zod';
import { PublishPreview, type WorkflowService } from '../../workflow/index.ts';
import { AppIntegration } from '../../applications/index.ts';
import { CredentialSummary } from '../../credentials/index.ts';
import { WorkflowIdParams } from '../schemas.ts';
import type { ApplicationsPort, CredentialsPort } from '../ports.ts';
import type { RouteTable } from '../route.ts';

export const RequestFields = z.object({
  /** Every field a `#placeholder#` or an If Else rule may read from the trigger's request. */
  fields: z.array(z.string()),
  /** Any name below these is valid too (`customFields.` + any custom field). */
  openPrefixes: z.array(z.string()),
});

const CredentialName = CredentialSummary.pick({ name: true, type: true });
const AppIntegrationName = AppIntegration.pick({
  name: true,
  application: true,
  action: true,
  plugin: true,
  mappings: true,
});

export function registerWorkflowEditingRoutes(
  table: RouteTable,
  workflows: WorkflowService,
  credentials: CredentialsPort,
  applications: ApplicationsPort | undefined,
): void {
  table.add({
    method: 'DELETE',
    url: '/api/workflows/:id',
    role: 'editor',
    tag: 'workflows',
    summary: 'Delete a draft that was never published (409 AH_WORKFLOW_PUBLISHED otherwise)',
    params: WorkflowIdParams,
    status: 204,
    handler: ({ params }) => {
      workflows.delete(params.id);
    },
  });
  table.add({
    method: 'POST',
    url: '/api/workflows/:id/preview',
    role: 'editor',
    tag: 'workflows',
    summary:
      'What publishing would do: every problem at once, the versions it would pin, what changed since the published version. The body (optional) is a definition to check instead of the stored draft; nothing is stored.',
    params: WorkflowIdParams,
    // Not parsed here: a definition with schema problems is an answer (problems), not a 400.
    body: z.unknown(),
    response: PublishPreview,
    handler: ({ params, body }) => workflows.preview(params.id, body ?? undefined),
  });
  table.add({
    method: 'GET',
    url: '/api/lookups/request-fields',
    role: 'editor',
    tag: 'lookups',
    summary: "The request fields a workflow's placeholders and conditions may read (the same list publishing checks)",
    response: RequestFields,
    handler: () => workflows.requestFields(),
  });
  table.add({
    method: 'GET',
    url: '/api/lookups/credentials',
    role: 'editor',
    tag: 'lookups',
    summary: 'Credential names and types, for Run Webhook\'s "By Credentials" (never a secret)',
    response: z.array(CredentialName),
    handler: async () => z.array(CredentialName).parse(await credentials.list()),
  });
  table.add({
    method: 'GET',
    url: '/api/lookups/app-integrations',
    role: 'editor',
    tag: 'lookups',
    summary: 'App Integrations by name with their application, action, plugin and default mappings',
    response: z.array(AppIntegrationName),
    handler: async () => z.array(AppIntegrationName).parse((await applications?.listAppIntegrations()) ?? []),
  });
}
