// How rows of workflow_executions and workflow_steps read back as the shapes the engine and the API use.
import type { InvocationLog } from '../../capabilities/index.ts';
import { parseJsonColumn, type Row } from '../../store/index.ts';
import type { ClaimedExecution } from './ports.ts';
import type { ExecutionOutcome, ExecutionStatus, ExecutionSummary, Step } from './stored-execution.ts';

export function toExecution(row: Row): ExecutionSummary {
  return {
    id: String(row.id),
    workflowId: String(row.workflow_id),
    workflowVersion: Number(row.workflow_version),
    requestId: row.request_id === null ? null : Number(row.request_id),
    eventId: row.event_id === null ? null : (row.event_id as string),
    trigger: parseJsonColumn(row.trigger),
    retryOf: (row.retry_of as string | null) ?? null,
    status: row.status as ExecutionStatus,
    outcome: (row.outcome as ExecutionOutcome | null) ?? null,
    failedSteps: parseJsonColumn<string[]>(row.failed_steps, []),
    error: parseJsonColumn(row.error),
    createdAt: String(row.created_at),
    startedAt: (row.started_at as string | null) ?? null,
    finishedAt: (row.finished_at as string | null) ?? null,
    nextAttemptAt: (row.next_attempt_at as string | null) ?? null,
  };
}

export function toStep(row: Row): Step {
  return {
    seq: Number(row.seq),
    nodeId: String(row.node_id),
    kind: row.kind as Step['kind'],
    title: (row.title as string | null) ?? null,
    plugin: (row.plugin as string | null) ?? null,
    integrity: (row.integrity as string | null) ?? null,
    inputs: parseJsonColumn(row.inputs),
    path: (row.path as string | null) ?? null,
    output: parseJsonColumn(row.output),
    error: parseJsonColumn(row.error),
    logs: parseJsonColumn<InvocationLog[] | null>(row.logs) ?? [],
    status: row.status as Step['status'],
    attempt: Number(row.attempt ?? 1),
    retryAt: (row.retry_at as string | null) ?? null,
    startedAt: String(row.started_at),
    finishedAt: (row.finished_at as string | null) ?? null,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
  };
}

export function toClaimed(row: Row): ClaimedExecution {
  return {
    id: String(row.id),
    workflowId: String(row.workflow_id),
    workflowVersion: Number(row.workflow_version),
    requestId: row.request_id === null ? null : Number(row.request_id),
    eventId: row.event_id === null ? null : (row.event_id as string),
    trigger: parseJsonColumn(row.trigger),
    request: parseJsonColumn(row.request_snapshot),
  };
}
