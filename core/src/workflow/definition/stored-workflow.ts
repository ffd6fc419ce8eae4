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
  publishedVersion: z.number().int().nullable(),
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
});
export type PublishedWorkflow = z.infer<typeof PublishedWorkflow>;

export const PublishedSummary = z.object({
  version: z.number().int(),
  publishedAt: z.string(),
  /** node id → the exact plugin version pinned for it. */
  plugins: z.record(z.string(), PinnedAction.pick({ name: true, version: true, integrity: true, applicationId: true })),
});
export type PublishedSummary = z.infer<typeof PublishedSummary>;

/** What the API answers for a workflow: its draft and the active published version. */
export const WorkflowView = WorkflowRecord.extend({ published: PublishedSummary.nullable() });
export type WorkflowView = z.infer<typeof WorkflowView>;
