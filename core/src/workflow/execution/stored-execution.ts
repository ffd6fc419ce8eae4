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
