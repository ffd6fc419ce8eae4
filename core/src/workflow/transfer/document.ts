// The workflow export document: what moves a workflow from one environment to another. Self-contained — the
// definition, the exact plugin versions with their integrity, and the App Integrations and credentials it names —
// and never a secret: a password typed into a node is left out and listed, to be entered again.
import { z } from 'zod';
import { WorkflowDefinition, PublishProblem } from '../definition/index.ts';

export const EXPORT_FORMAT = 'actionhost.workflow';
export const EXPORT_FORMAT_VERSION = 1;

/** The plugin version a node runs, as it was pinned (or would be pinned) where the document was made. */
export const ExportedPlugin = z
  .object({
    node: z.string(),
    name: z.string(),
    version: z.string(),
    integrity: z.string(),
    /** Set when the node runs an App Integration: the plugin is the one the integration uses. */
    appIntegration: z.string().optional(),
  })
  .strict();
export type ExportedPlugin = z.infer<typeof ExportedPlugin>;

export const WorkflowExport = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    formatVersion: z.number().int().min(1),
    exportedAt: z.string(),
    source: z
      .object({
        workflowId: z.string(),
        /** The published version exported, or null for a draft. */
        version: z.number().int().nullable(),
        host: z.string(),
      })
      .strict(),
    workflow: WorkflowDefinition,
    plugins: z.array(ExportedPlugin),
    appIntegrations: z.array(z.object({ name: z.string(), plugin: z.string(), node: z.string() }).strict()),
    credentials: z.array(z.object({ name: z.string(), type: z.string() }).strict()),
    /** Literal secrets typed into Input Mappings: not in the document (their value is ""), to enter again. */
    secretInputs: z.array(z.object({ node: z.string(), path: z.string() }).strict()),
  })
  .strict();
export type WorkflowExport = z.infer<typeof WorkflowExport>;

/** POST /api/workflows/import's answer: the draft made (none on a dry run), what publishing would pin, warnings. */
export const WorkflowImportResult = z.object({
  /** The id of the workflow created or whose draft was replaced; null on a dry run. */
  workflowId: z.string().nullable(),
  replaced: z.boolean(),
  dryRun: z.boolean(),
  pins: z.array(ExportedPlugin.pick({ node: true, name: true, version: true, integrity: true })),
  warnings: z.array(PublishProblem),
});
export type WorkflowImportResult = z.infer<typeof WorkflowImportResult>;
