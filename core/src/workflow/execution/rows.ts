// How rows of workflow_executions and workflow_steps read back as the shapes the engine and the API use, and the
// values a step row is written with (the same columns, in the same order, on every store).
import type { InvocationLog } from '../../capabilities/index.ts';
import { parseJsonColumn, type Row } from '../../store/index.ts';
import type { ClaimedExecution, StepEnd, StepStart } from './ports.ts';
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
    host: (row.host_id as string | null | undefined) ?? null,
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

/**
 * A step row's values, in the column order (execution_id, seq, node_id, kind, title, plugin, integrity, inputs,
 * status, started_at, attempt, path, output, error, duration_ms, finished_at, logs, retry_at); `end` for a step
 * that starts and ends at once.
 */
export function stepValues(executionId: string, step: StepStart, status: string, at: string, end: StepEnd | null) {
  return [
    executionId,
    step.seq,
    step.nodeId,
    step.kind,
    step.title,
    step.plugin,
    step.integrity,
    step.inputs === null ? null : JSON.stringify(step.inputs),
    status,
    at,
    step.attempt,
    end?.path ?? null,
    end && end.output !== null ? JSON.stringify(end.output) : null,
    end?.error ? JSON.stringify(end.error) : null,
    end ? Math.round(end.durationMs) : null,
    end ? at : null,
    end?.logs?.length ? JSON.stringify(end.logs) : null,
    end?.retryAt ?? null,
  ];
}
