// SQLite persistence of the workflow concern: drafts, published (pinned) versions, executions and their steps.
// The engine writes an execution step by step so that reading it back shows exactly how far a run got.
import { randomUUID } from 'node:crypto';
import type { Json } from '@actionhost/sdk';
import type { Store } from '../store/index.ts';
import type { WorkflowDefinition } from './definition.ts';
import type {
  ErrorSummary,
  Execution,
  ExecutionStatus,
  ExecutionSummary,
  ExecutionTrigger,
  PinnedAction,
  PublishedWorkflow,
  Step,
  StepLog,
  WorkflowRecord,
} from './records.ts';

export type {
  ErrorSummary,
  Execution,
  ExecutionStatus,
  ExecutionSummary,
  ExecutionTrigger,
  PinnedAction,
  PublishedWorkflow,
  Step,
  StepLog,
  WorkflowRecord,
};

const MIGRATIONS = [
  `CREATE TABLE workflows (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, definition TEXT NOT NULL, revision INTEGER NOT NULL,
     published_version INTEGER, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE TABLE workflow_versions (
     workflow_id TEXT NOT NULL REFERENCES workflows(id), version INTEGER NOT NULL, definition TEXT NOT NULL,
     actions TEXT NOT NULL, trigger_event TEXT NOT NULL, published_at TEXT NOT NULL, PRIMARY KEY (workflow_id, version));
   CREATE TABLE workflow_executions (
     id TEXT PRIMARY KEY, workflow_id TEXT NOT NULL, workflow_version INTEGER NOT NULL, request_id INTEGER,
     event_id TEXT, trigger TEXT NOT NULL, retry_of TEXT, status TEXT NOT NULL, error TEXT, created_at TEXT NOT NULL,
     started_at TEXT, finished_at TEXT, UNIQUE (workflow_id, event_id));
   CREATE INDEX workflow_executions_request ON workflow_executions(request_id);
   CREATE TABLE workflow_steps (
     execution_id TEXT NOT NULL REFERENCES workflow_executions(id), seq INTEGER NOT NULL, node_id TEXT NOT NULL,
     kind TEXT NOT NULL, title TEXT, plugin TEXT, integrity TEXT, inputs TEXT, path TEXT, output TEXT, error TEXT, logs TEXT,
     status TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, duration_ms INTEGER,
     PRIMARY KEY (execution_id, seq));`,
  // Durable executions (issue 5): a queue in SQLite (queued + next_attempt_at), the request as the trigger saw
  // it (so a resumed run reads the same data), and logical attempts per step.
  `ALTER TABLE workflow_executions ADD COLUMN next_attempt_at TEXT;
   ALTER TABLE workflow_executions ADD COLUMN request_snapshot TEXT;
   ALTER TABLE workflow_steps ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE workflow_steps ADD COLUMN retry_at TEXT;
   CREATE INDEX workflow_executions_queue ON workflow_executions(status, next_attempt_at);`,
];

/** The step error of an attempt a crash or a stop cut short; the next run attempts it again with the same key. */
export const STEP_INTERRUPTED = 'AH_STEP_INTERRUPTED';

type Row = Record<string, unknown>;
const json = <T>(text: unknown): T => (text === null || text === undefined ? null : JSON.parse(text as string)) as T;

export class WorkflowRepository {
  readonly store: Store;
  readonly now: () => Date;

  constructor(store: Store, now: () => Date = () => new Date()) {
    this.store = store;
    this.now = now;
    store.migrate('workflow', MIGRATIONS);
  }

  #at(): string {
    return this.now().toISOString();
  }

  createWorkflow(definition: WorkflowDefinition): WorkflowRecord {
    const id = `wf_${randomUUID()}`;
    const at = this.#at();
    this.store.db
      .prepare(
        'INSERT INTO workflows (id, name, definition, revision, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)',
      )
      .run(id, definition.name, JSON.stringify(definition), at, at);
    return this.getWorkflow(id)!;
  }

  updateWorkflow(id: string, definition: WorkflowDefinition): WorkflowRecord | null {
    const result = this.store.db
      .prepare('UPDATE workflows SET name = ?, definition = ?, revision = revision + 1, updated_at = ? WHERE id = ?')
      .run(definition.name, JSON.stringify(definition), this.#at(), id);
    return result.changes === 0 ? null : this.getWorkflow(id);
  }

  getWorkflow(id: string): WorkflowRecord | null {
    const row = this.store.db.prepare('SELECT * FROM workflows WHERE id = ?').get(id) as Row | undefined;
    return row ? toWorkflow(row) : null;
  }

  /**
   * Deletes a workflow that was never published; answers 'published' (and deletes nothing) for one that was,
   * 'missing' when there is none.
   */
  deleteDraft(id: string): 'deleted' | 'published' | 'missing' {
    return this.store.transaction(() => {
      const row = this.store.db.prepare('SELECT published_version FROM workflows WHERE id = ?').get(id) as
        { published_version: number | null } | undefined;
      if (!row) return 'missing';
      const versions = this.store.db
        .prepare('SELECT COUNT(*) AS n FROM workflow_versions WHERE workflow_id = ?')
        .get(id) as { n: number };
      if (row.published_version !== null || versions.n > 0) return 'published';
      this.store.db.prepare('DELETE FROM workflows WHERE id = ?').run(id);
      return 'deleted';
    });
  }

  listWorkflows(): WorkflowRecord[] {
    return (this.store.db.prepare('SELECT * FROM workflows ORDER BY created_at, id').all() as Row[]).map(toWorkflow);
  }

  /** Stores a new published version and makes it the active one; returns its number. */
  publish(id: string, definition: WorkflowDefinition, actions: Record<string, PinnedAction>): PublishedWorkflow {
    return this.store.transaction(() => {
      const current = this.store.db
        .prepare('SELECT MAX(version) AS v FROM workflow_versions WHERE workflow_id = ?')
        .get(id) as { v: number | null };
      const version = (current.v ?? 0) + 1;
      const at = this.#at();
      this.store.db
        .prepare(
          'INSERT INTO workflow_versions (workflow_id, version, definition, actions, trigger_event, published_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(id, version, JSON.stringify(definition), JSON.stringify(actions), definition.trigger.event, at);
      this.store.db.prepare('UPDATE workflows SET published_version = ? WHERE id = ?').run(version, id);
      return { workflowId: id, version, definition, actions, publishedAt: at };
    });
  }

  getPublished(id: string, version?: number): PublishedWorkflow | null {
    const row = (
      version === undefined
        ? this.store.db
            .prepare(
              'SELECT v.* FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id AND w.published_version = v.version WHERE w.id = ?',
            )
            .get(id)
        : this.store.db
            .prepare('SELECT * FROM workflow_versions WHERE workflow_id = ? AND version = ?')
            .get(id, version)
    ) as Row | undefined;
    return row ? toPublished(row) : null;
  }

  /** The active published version of every workflow whose trigger listens to `event`. */
  listActive(event: string): PublishedWorkflow[] {
    return (
      this.store.db
        .prepare(
          'SELECT v.* FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id AND w.published_version = v.version WHERE v.trigger_event = ? ORDER BY w.created_at, w.id',
        )
        .all(event) as Row[]
    ).map(toPublished);
  }

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
        this.#at(),
        input.request === undefined ? null : JSON.stringify(input.request),
      );
    return result.changes === 0 ? null : id;
  }

  markRunning(id: string): void {
    this.store.db
      .prepare(
        "UPDATE workflow_executions SET status = 'running', started_at = COALESCE(started_at, ?), next_attempt_at = NULL WHERE id = ?",
      )
      .run(this.#at(), id);
  }

  /** Takes a queued execution for this engine; false when it is not queued (any more). */
  claimExecution(id: string): boolean {
    return (
      Number(
        this.store.db
          .prepare(
            "UPDATE workflow_executions SET status = 'running', started_at = COALESCE(started_at, ?), next_attempt_at = NULL WHERE id = ? AND status = 'queued'",
          )
          .run(this.#at(), id).changes,
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
        .all(this.#at(), limit) as { id: string }[]
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
    const row = this.store.db.prepare('SELECT request_snapshot FROM workflow_executions WHERE id = ?').get(id) as
      Row | undefined;
    return json<Json | null>(row?.request_snapshot);
  }

  /** Closes an execution unless it is already finished (a cancel from elsewhere wins); false when it was. */
  finishExecution(id: string, status: 'succeeded' | 'failed', error: ErrorSummary | null): boolean {
    return (
      Number(
        this.store.db
          .prepare(
            "UPDATE workflow_executions SET status = ?, error = ?, finished_at = ?, next_attempt_at = NULL WHERE id = ? AND status IN ('queued', 'running')",
          )
          .run(status, error ? JSON.stringify(error) : null, this.#at(), id).changes,
      ) > 0
    );
  }

  /**
   * On start (one engine per store): executions a previous process left running go back to the queue and the
   * steps it had in flight are marked interrupted, so the resumed run attempts them again with the same key.
   */
  recoverInterrupted(): number {
    const error = JSON.stringify({
      code: STEP_INTERRUPTED,
      message: 'the host stopped while this step was running; it is attempted again',
    });
    const at = this.#at();
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
    const at = this.#at();
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
        this.#at(),
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
      logs?: StepLog[];
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
        this.#at(),
        result.logs?.length ? JSON.stringify(result.logs) : null,
        result.retryAt ?? null,
        executionId,
        seq,
      );
  }

  getExecution(id: string): Execution | null {
    const row = this.store.db.prepare('SELECT * FROM workflow_executions WHERE id = ?').get(id) as Row | undefined;
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

function toWorkflow(row: Row): WorkflowRecord {
  return {
    id: String(row.id),
    name: String(row.name),
    definition: json(row.definition),
    revision: Number(row.revision),
    publishedVersion: row.published_version === null ? null : Number(row.published_version),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

function toPublished(row: Row): PublishedWorkflow {
  return {
    workflowId: String(row.workflow_id),
    version: Number(row.version),
    definition: json(row.definition),
    actions: json(row.actions),
    publishedAt: String(row.published_at),
  };
}

function toExecution(row: Row): ExecutionSummary {
  return {
    id: String(row.id),
    workflowId: String(row.workflow_id),
    workflowVersion: Number(row.workflow_version),
    requestId: row.request_id === null ? null : Number(row.request_id),
    eventId: row.event_id === null ? null : (row.event_id as string),
    trigger: json(row.trigger),
    retryOf: (row.retry_of as string | null) ?? null,
    status: row.status as ExecutionStatus,
    error: json(row.error),
    createdAt: String(row.created_at),
    startedAt: (row.started_at as string | null) ?? null,
    finishedAt: (row.finished_at as string | null) ?? null,
    nextAttemptAt: (row.next_attempt_at as string | null) ?? null,
  };
}

function toStep(row: Row): Step {
  return {
    seq: Number(row.seq),
    nodeId: String(row.node_id),
    kind: row.kind as Step['kind'],
    title: (row.title as string | null) ?? null,
    plugin: (row.plugin as string | null) ?? null,
    integrity: (row.integrity as string | null) ?? null,
    inputs: json(row.inputs),
    path: (row.path as string | null) ?? null,
    output: json(row.output),
    error: json(row.error),
    logs: json<StepLog[] | null>(row.logs) ?? [],
    status: row.status as Step['status'],
    attempt: Number(row.attempt ?? 1),
    retryAt: (row.retry_at as string | null) ?? null,
    startedAt: String(row.started_at),
    finishedAt: (row.finished_at as string | null) ?? null,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
  };
}
