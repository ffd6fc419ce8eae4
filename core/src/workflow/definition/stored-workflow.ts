// The shapes the workflow concern stores and answers with (workflows, published versions, executions, steps),
// declared once as zod schemas: the types are z.infer of them, the OpenAPI responses too.
import { z } from 'zod';
import { JsonValue, WorkflowDefinition } from './schema.ts';

export const ErrorSummary = z.object({ code: z.string(), message: z.string() });
export type ErrorSummary = z.infer<typeof ErrorSummary>;

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

export const StepLog = z.object({ level: z.string(), message: z.string(), data: JsonValue.optional(), at: z.string() });
export type StepLog = z.infer<typeof StepLog>;

export const ExecutionTrigger = z.object({
  type: z.string(),
  changes: z.array(z.object({ field: z.string(), from: JsonValue, to: JsonValue })),
});
export type ExecutionTrigger = z.infer<typeof ExecutionTrigger>;

export const ExecutionStatus = z.enum(['queued', 'running', 'succeeded', 'failed']);
export type ExecutionStatus = z.infer<typeof ExecutionStatus>;

export const Step = z.object({
  seq: z.number().int(),
  nodeId: z.string(),
  kind: z.enum(['condition', 'action']),
  title: z.string().nullable(),
  /** name@version */
  plugin: z.string().nullable(),
  integrity: z.string().nullable(),
  /** Secrets redacted. */
  inputs: JsonValue.nullable(),
  path: z.string().nullable(),
  output: JsonValue.nullable(),
  error: ErrorSummary.nullable(),
  /** The plugin's log lines (secrets scrubbed). */
  logs: z.array(StepLog),
  status: z.enum(['running', 'succeeded', 'failed']),
  /** The logical attempt (1, 2, ...): part of the idempotency key `<execution>:<node>:<attempt>`. */
  attempt: z.number().int(),
  /**
   * Set when this attempt is not the node's last word: another attempt follows at that time (a retry), or, for
   * an attempt cut short by a crash or a stop (AH_STEP_INTERRUPTED), at once with the same attempt number.
   */
  retryAt: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
});
export type Step = z.infer<typeof Step>;

export const ExecutionSummary = z.object({
  id: z.string(),
  workflowId: z.string(),
  workflowVersion: z.number().int(),
  requestId: z.number().int().nullable(),
  eventId: z.string().nullable(),
  /** The event that fired it (type and field changes), kept so a retry sees what the first run saw. */
  trigger: ExecutionTrigger,
  /** The execution this one retries. */
  retryOf: z.string().nullable(),
  status: ExecutionStatus,
  error: ErrorSummary.nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** A queued execution waits until then (a scheduled retry); null = as soon as a slot is free. */
  nextAttemptAt: z.string().nullable(),
});
export type ExecutionSummary = z.infer<typeof ExecutionSummary>;

export const Execution = ExecutionSummary.extend({ steps: z.array(Step) });
export type Execution = z.infer<typeof Execution>;
