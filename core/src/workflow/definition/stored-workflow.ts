// A saved workflow as the store keeps it and the API answers with it: the draft, its published versions with
// the plugin versions they pin, and the view of both. Declared once as zod schemas (types and OpenAPI from them).
import { z } from 'zod';
import { JsonValue, WorkflowDefinition } from './schema.ts';

/** One pinned plugin version of a published workflow's action node. */
export const PinnedAction = z.object({
  name: z.string(),
  version: z.string(),
  integrity: z.string(),
  /** App Integrations run against an application (the LDAP directory...). */
  applicationId: z.string().optional(),
  /** The node's Input Mappings merged over the App Integration's defaults. */
  inputs: z.record(z.string(), JsonValue),
  /** The pinned version's input schema, kept for redaction (writeOnly) at run time. */
  inputSchema: z.record(z.string(), z.unknown()),
  paths: z.array(z.string()),
});
export type PinnedAction = z.infer<typeof PinnedAction>;

export const WorkflowRecord = z.object({
  id: z.string(),
  name: z.string(),
  /** The draft. */
  definition: WorkflowDefinition,
  /** Counts saves of the draft. */
  revision: z.number().int(),
  /** The current published version: the one that runs while the workflow is active. */
  publishedVersion: z.number().int().nullable(),
  /** Published and switched on: its trigger starts executions. A deactivated workflow triggers nothing. */
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WorkflowRecord = z.infer<typeof WorkflowRecord>;

export const PublishedWorkflow = z.object({
  workflowId: z.string(),
  version: z.number().int(),
  definition: WorkflowDefinition,
  actions: z.record(z.string(), PinnedAction),
  publishedAt: z.string(),
  /** Who published it (`token:<name>`); null for versions published before this was recorded. */
  publishedBy: z.string().nullable(),
});
export type PublishedWorkflow = z.infer<typeof PublishedWorkflow>;

export const PublishedSummary = z.object({
  version: z.number().int(),
  publishedAt: z.string(),
  publishedBy: z.string().nullable(),
  /** node id → the exact plugin version pinned for it. */
  plugins: z.record(z.string(), PinnedAction.pick({ name: true, version: true, integrity: true, applicationId: true })),
});
export type PublishedSummary = z.infer<typeof PublishedSummary>;

/** One entry of GET /api/workflows/:id/versions: a published version, and whether it is the current one. */
export const PublishedVersion = PublishedSummary.extend({
  /** The version the workflow runs while active (activate can make an older one current again). */
  current: z.boolean(),
  name: z.string(),
  trigger: WorkflowDefinition.shape.trigger,
});
export type PublishedVersion = z.infer<typeof PublishedVersion>;

/** What the API answers for a workflow: its draft and the current published version. */
export const WorkflowView = WorkflowRecord.extend({ published: PublishedSummary.nullable() });
export type WorkflowView = z.infer<typeof WorkflowView>;
