// An execution as the store keeps it and the API answers with it: the run of one published workflow version for
// one event, step by step. Declared once as zod schemas (types and OpenAPI from them).
import { z } from 'zod';
import { InvocationLog } from '../../capabilities/index.ts';
import { FieldChange } from '../../itsm/index.ts';
import { JsonValue } from '../definition/index.ts';

export const ErrorSummary = z.object({ code: z.string(), message: z.string() });
export type ErrorSummary = z.infer<typeof ErrorSummary>;

export const ExecutionTrigger = z.object({
  type: z.string(),
  changes: z.array(FieldChange),
});
export type ExecutionTrigger = z.infer<typeof ExecutionTrigger>;

/** Where the engine is with an execution: waiting, running, or finished (failed = the run itself could not
 * finish: a step failed with no failure edge, the execution was cancelled, the store failed). */
export const ExecutionStatus = z.enum(['queued', 'running', 'succeeded', 'failed']);
export type ExecutionStatus = z.infer<typeof ExecutionStatus>;

/**
 * What the run achieved, apart from whether the engine finished it: `failure` when any action node ended failed
 * or took its failure path (Run Webhook answered 4xx/5xx, AD refused a password) — even if the workflow handled
 * it and the execution `succeeded`; `success` otherwise; null while it has not finished.
 */
export const ExecutionOutcome = z.enum(['success', 'failure']);
export type ExecutionOutcome = z.infer<typeof ExecutionOutcome>;

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
  logs: z.array(InvocationLog),
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
  /**
   * The host that ran this attempt (its id: hostname, process id and a random suffix). Several hosts sharing a
   * PostgreSQL database each record their own; null for steps stored before hosts were recorded.
   */
  host: z.string().nullable(),
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
  outcome: ExecutionOutcome.nullable(),
  /** Action nodes that ended failed or on their failure path (empty while running, and for old executions). */
  failedSteps: z.array(z.string()),
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

/** Which executions to list, newest first; `cursor` continues where the previous page ended. */
export const ExecutionFilter = z
  .object({
    requestId: z.coerce.number().int().positive().optional(),
    workflowId: z.string().min(1).max(100).optional(),
    status: ExecutionStatus.optional(),
    outcome: ExecutionOutcome.optional(),
    /** Created at or after this instant (ISO 8601). */
    since: z.iso.datetime({ offset: true }).optional(),
    /** Created before this instant (ISO 8601). */
    until: z.iso.datetime({ offset: true }).optional(),
    /** The `nextCursor` of the previous page. */
    cursor: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a nextCursor of an earlier page')
      .optional(),
    /** Page size, 1–500 (default 100). */
    limit: z.coerce.number().int().min(1).max(500).optional(),
    /** Skips this many of the matching executions first (the console pages by number; a cursor is steadier). */
    offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();
export type ExecutionFilter = z.infer<typeof ExecutionFilter>;

/** One page of executions; `nextCursor` is null on the last page. */
export const ExecutionPage = z.object({ executions: z.array(ExecutionSummary), nextCursor: z.string().nullable() });
export type ExecutionPage = z.infer<typeof ExecutionPage>;
