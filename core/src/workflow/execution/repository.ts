// SQLite persistence of executions and their steps, on top of the definitions' drafts and published versions.
// The engine writes an execution step by step so that reading it back shows exactly how far a run got.
import { randomUUID } from 'node:crypto';
import type { Json } from '@actionhost/sdk';
import { DefinitionRepository, WorkflowErrors } from '../definition/index.ts';
import { errorSummary } from '../../errors/index.ts';
import type { InvocationLog } from '../../capabilities/index.ts';
import { parseJsonColumn, type Row } from '../../store/index.ts';
import { toExecution, toStep } from './rows.ts';
import type {
  ErrorSummary,
  Execution,
  ExecutionStatus,
  ExecutionSummary,
  ExecutionTrigger,
  Step,
} from './stored-execution.ts';

/** The step error of an attempt a crash or a stop cut short; the next run attempts it again with the same key. */
export const STEP_INTERRUPTED = WorkflowErrors.stepInterrupted.code;

/**
 * The workflow concern's whole persistence: what DefinitionRepository keeps (drafts, published versions), which
 * the engine reads to run, plus executions and steps. The engine, WorkflowService and the CLI open this one.
 */
export class WorkflowRepository extends DefinitionRepository {
  /** Creates a queued execution; null when this workflow already has one for this event (a replayed event). */
  createExecution(input: {
    workflowId: string;
    workflowVersion: number;
    requestId: number | null;
    eventId: string | null;
    trigger: ExecutionTrigger;
    retryOf?: string;
    /** The request as the trigger saw it; a resumed run reads this, not the request as it is by then. */
    request?: Json;
  }): string | null {
    const id = `ex_${randomUUID()}`;
    const result = this.store.db
      .prepare(
        "INSERT OR IGNORE INTO workflow_executions (id, workflow_id, workflow_version, request_id, event_id, trigger, retry_of, status, created_at, request_snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
      )
      .run(
        id,
        input.workflowId,
        input.workflowVersion,
        input.requestId,
        input.eventId,
        JSON.stringify(input.trigger),
        input.retryOf ?? null,
        this.at(),
        input.request === undefined ? null : JSON.stringify(input.request),
      );
    return result.changes === 0 ? null : id;
  }

  markRunning(id: string): void {
    this.store.db
      .prepare(
        "UPDATE workflow_executions SET status = 'running', started_at = COALESCE(started_at, ?), next_attempt_at = NULL WHERE id = ?",
      )
      .run(this.at(), id);
  }

  /** Takes a queued execution for this engine; false when it is not queued (any more). */
  claimExecution(id: string): boolean {
    return (
      Number(
        this.store.db
          .prepare(
            "UPDATE workflow_executions SET status = 'running', started_at = COALESCE(started_at, ?), next_attempt_at = NULL WHERE id = ? AND status = 'queued'",
          )
          .run(this.at(), id).changes,
      ) > 0
    );
  }

  /** Queued executions that are due, oldest first. */
  runnableExecutions(limit: number): string[] {
    return (
      this.store.db
        .prepare(
          "SELECT id FROM workflow_executions WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY COALESCE(next_attempt_at, created_at), rowid LIMIT ?",
        )
        .all(this.at(), limit) as { id: string }[]
    ).map((row) => row.id);
  }

  /** When the earliest scheduled retry is due; null when none waits. */
  nextScheduledAt(): string | null {
    const row = this.store.db
      .prepare(
        "SELECT MIN(next_attempt_at) AS at FROM workflow_executions WHERE status = 'queued' AND next_attempt_at IS NOT NULL",
      )
      .get() as { at: string | null };
    return row.at;
  }

  /** Executions waiting to run (now or at a scheduled retry). */
  queuedCount(): number {
    return Number(
      (
        this.store.db.prepare("SELECT COUNT(*) AS n FROM workflow_executions WHERE status = 'queued'").get() as {
          n: number;
        }
      ).n,
    );
  }

  /** Gives a running execution back to the queue (a retry is due at `at`, or the engine stopped: null = at once). */
  requeue(id: string, at: string | null): void {
    this.store.db
      .prepare(
        "UPDATE workflow_executions SET status = 'queued', next_attempt_at = ? WHERE id = ? AND status = 'running'",
      )
      .run(at, id);
  }

  /** The execution's status as stored (a CLI in another process may have cancelled it). */
  statusOf(id: string): ExecutionStatus | null {
    const row = this.store.db.prepare('SELECT status FROM workflow_executions WHERE id = ?').get(id) as
      { status: ExecutionStatus } | undefined;
    return row?.status ?? null;
  }

  /** The trigger's request as stored with the execution (null for executions created before it was kept). */
  requestSnapshot(id: string): Json | null {
    const row = this.store.db.prepare('SELECT request_snapshot FROM workflow_executions WHERE id = ?').get(id);
    return parseJsonColumn<Json | null>(row?.request_snapshot);
  }

  /** Closes an execution unless it is already finished (a cancel from elsewhere wins); false when it was. */
  finishExecution(id: string, status: 'succeeded' | 'failed', error: ErrorSummary | null): boolean {
    return (
      Number(
        this.store.db
          .prepare(
            "UPDATE workflow_executions SET status = ?, error = ?, finished_at = ?, next_attempt_at = NULL WHERE id = ? AND status IN ('queued', 'running')",
          )
          .run(status, error ? JSON.stringify(error) : null, this.at(), id).changes,
      ) > 0
    );
  }

  /**
   * On start (one engine per store): executions a previous process left running go back to the queue and the
   * steps it had in flight are marked interrupted, so the resumed run attempts them again with the same key.
   */
  recoverInterrupted(): number {
    const error = JSON.stringify(errorSummary(WorkflowErrors.stepInterrupted()));
    const at = this.at();
    return this.store.transaction(() => {
      this.store.db
        .prepare(
          "UPDATE workflow_steps SET status = 'failed', error = ?, finished_at = ?, retry_at = ? WHERE status = 'running'",
        )
        .run(error, at, at);
      return Number(
        this.store.db
          .prepare("UPDATE workflow_executions SET status = 'queued', next_attempt_at = NULL WHERE status = 'running'")
          .run().changes,
      );
    });
  }

  /** Cancels an execution that is not finished; its running steps are closed too. False when it was finished. */
  cancelExecution(id: string, reason: ErrorSummary): boolean {
    const at = this.at();
    return this.store.transaction(() => {
      if (!this.finishExecution(id, 'failed', reason)) return false;
      this.store.db
        .prepare(
          "UPDATE workflow_steps SET status = 'failed', error = ?, finished_at = ? WHERE execution_id = ? AND status = 'running'",
        )
        .run(JSON.stringify(reason), at, id);
      return true;
    });
  }

  startStep(
    executionId: string,
    step: Pick<Step, 'nodeId' | 'kind' | 'title' | 'plugin' | 'integrity' | 'inputs'> & { attempt?: number },
  ): number {
    const next = this.store.db
      .prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM workflow_steps WHERE execution_id = ?')
      .get(executionId) as { seq: number };
    this.store.db
      .prepare(
        "INSERT INTO workflow_steps (execution_id, seq, node_id, kind, title, plugin, integrity, inputs, status, started_at, attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)",
      )
      .run(
        executionId,
        next.seq,
        step.nodeId,
        step.kind,
        step.title,
        step.plugin,
        step.integrity,
        step.inputs === null ? null : JSON.stringify(step.inputs),
        this.at(),
        step.attempt ?? 1,
      );
    return next.seq;
  }

  finishStep(
    executionId: string,
    seq: number,
    result: {
      status: 'succeeded' | 'failed';
      path: string | null;
      output: Json | null;
      error: ErrorSummary | null;
      durationMs: number;
      logs?: InvocationLog[];
      /** Another attempt of this node follows at that time. */
      retryAt?: string | null;
    },
  ): void {
    this.store.db
      .prepare(
        'UPDATE workflow_steps SET status = ?, path = ?, output = ?, error = ?, duration_ms = ?, finished_at = ?, logs = ?, retry_at = ? WHERE execution_id = ? AND seq = ?',
      )
      .run(
        result.status,
        result.path,
        result.output === null ? null : JSON.stringify(result.output),
        result.error ? JSON.stringify(result.error) : null,
        Math.round(result.durationMs),
        this.at(),
        result.logs?.length ? JSON.stringify(result.logs) : null,
        result.retryAt ?? null,
        executionId,
        seq,
      );
  }

  getExecution(id: string): Execution | null {
    const row = this.store.db.prepare('SELECT * FROM workflow_executions WHERE id = ?').get(id);
    if (!row) return null;
    const steps = (
      this.store.db.prepare('SELECT * FROM workflow_steps WHERE execution_id = ? ORDER BY seq').all(id) as Row[]
    ).map(toStep);
    return { ...toExecution(row), steps };
  }

  listExecutions(filter: {
    requestId?: number;
    workflowId?: string;
    status?: ExecutionStatus;
    since?: string;
    until?: string;
    limit?: number;
    offset?: number;
  }): ExecutionSummary[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.status !== undefined) {
      where.push('status = ?');
      args.push(filter.status);
    }
    if (filter.requestId !== undefined) {
      where.push('request_id = ?');
      args.push(filter.requestId);
    }
    if (filter.workflowId !== undefined) {
      where.push('workflow_id = ?');
      args.push(filter.workflowId);
    }
    // Stored times are ISO strings in UTC, so they compare as text once the bound is in the same form.
    if (filter.since !== undefined) {
      where.push('created_at >= ?');
      args.push(new Date(filter.since).toISOString());
    }
    if (filter.until !== undefined) {
      where.push('created_at < ?');
      args.push(new Date(filter.until).toISOString());
    }
    const sql = `SELECT * FROM workflow_executions ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`;
    return (this.store.db.prepare(sql).all(...args, filter.limit ?? 100, filter.offset ?? 0) as Row[]).map(toExecution);
  }
}
