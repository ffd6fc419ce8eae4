// SQLite persistence of the workflow concern: drafts, published (pinned) versions, executions and their steps.
// The engine writes an execution step by step so that reading it back shows exactly how far a run got.
import { randomUUID } from 'node:crypto';
import type { Json } from '@actionhost/sdk';
import type { Store } from '../store/index.ts';
import type { WorkflowDefinition } from './definition.ts';
import type {
  ErrorSummary, Execution, ExecutionStatus, ExecutionSummary, ExecutionTrigger, PinnedAction, PublishedWorkflow, Step, StepLog, WorkflowRecord,
} from './records.ts';

export type {
  ErrorSummary, Execution, ExecutionStatus, ExecutionSummary, ExecutionTrigger, PinnedAction, PublishedWorkflow, Step, StepLog, WorkflowRecord,
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
];

type Row = Record<string, unknown>;
const json = <T>(text: unknown): T => (text === null || text === undefined ? null : JSON.parse(String(text))) as T;

export class WorkflowRepository {
  readonly store: Store;
  readonly now: () => Date;

  constructor(store: Store, now: () => Date = () => new Date()) {
    this.store = store;
    this.now = now;
    store.migrate('workflow', MIGRATIONS);
  }

  #at(): string { return this.now().toISOString(); }

  createWorkflow(definition: WorkflowDefinition): WorkflowRecord {
    const id = `wf_${randomUUID()}`;
    const at = this.#at();
    this.store.db.prepare('INSERT INTO workflows (id, name, definition, revision, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)')
      .run(id, definition.name, JSON.stringify(definition), at, at);
    return this.getWorkflow(id)!;
  }

  updateWorkflow(id: string, definition: WorkflowDefinition): WorkflowRecord | null {
    const result = this.store.db.prepare('UPDATE workflows SET name = ?, definition = ?, revision = revision + 1, updated_at = ? WHERE id = ?')
      .run(definition.name, JSON.stringify(definition), this.#at(), id);
    return result.changes === 0 ? null : this.getWorkflow(id);
  }

  getWorkflow(id: string): WorkflowRecord | null {
    const row = this.store.db.prepare('SELECT * FROM workflows WHERE id = ?').get(id) as Row | undefined;
    return row ? toWorkflow(row) : null;
  }

  listWorkflows(): WorkflowRecord[] {
    return (this.store.db.prepare('SELECT * FROM workflows ORDER BY created_at, id').all() as Row[]).map(toWorkflow);
  }

  /** Stores a new published version and makes it the active one; returns its number. */
  publish(id: string, definition: WorkflowDefinition, actions: Record<string, PinnedAction>): PublishedWorkflow {
    return this.store.transaction(() => {
      const current = this.store.db.prepare('SELECT MAX(version) AS v FROM workflow_versions WHERE workflow_id = ?').get(id) as { v: number | null };
      const version = (current.v ?? 0) + 1;
      const at = this.#at();
      this.store.db.prepare('INSERT INTO workflow_versions (workflow_id, version, definition, actions, trigger_event, published_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, version, JSON.stringify(definition), JSON.stringify(actions), definition.trigger.event, at);
      this.store.db.prepare('UPDATE workflows SET published_version = ? WHERE id = ?').run(version, id);
      return { workflowId: id, version, definition, actions, publishedAt: at };
    });
  }

  getPublished(id: string, version?: number): PublishedWorkflow | null {
    const row = (version === undefined
      ? this.store.db.prepare('SELECT v.* FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id AND w.published_version = v.version WHERE w.id = ?').get(id)
      : this.store.db.prepare('SELECT * FROM workflow_versions WHERE workflow_id = ? AND version = ?').get(id, version)) as Row | undefined;
    return row ? toPublished(row) : null;
  }

  /** The active published version of every workflow whose trigger listens to `event`. */
  listActive(event: string): PublishedWorkflow[] {
    return (this.store.db.prepare(
      'SELECT v.* FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id AND w.published_version = v.version WHERE v.trigger_event = ? ORDER BY w.created_at, w.id',
    ).all(event) as Row[]).map(toPublished);
  }

  /** Creates a queued execution; null when this workflow already has one for this event (a replayed event). */
  createExecution(input: {
    workflowId: string; workflowVersion: number; requestId: number | null; eventId: string | null; trigger: ExecutionTrigger; retryOf?: string;
  }): string | null {
    const id = `ex_${randomUUID()}`;
    const result = this.store.db.prepare(
      "INSERT OR IGNORE INTO workflow_executions (id, workflow_id, workflow_version, request_id, event_id, trigger, retry_of, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?)",
    ).run(id, input.workflowId, input.workflowVersion, input.requestId, input.eventId, JSON.stringify(input.trigger), input.retryOf ?? null, this.#at());
    return result.changes === 0 ? null : id;
  }

  markRunning(id: string): void {
    this.store.db.prepare("UPDATE workflow_executions SET status = 'running', started_at = ? WHERE id = ?").run(this.#at(), id);
  }

  finishExecution(id: string, status: 'succeeded' | 'failed', error: ErrorSummary | null): void {
    this.store.db.prepare('UPDATE workflow_executions SET status = ?, error = ?, finished_at = ? WHERE id = ?')
      .run(status, error ? JSON.stringify(error) : null, this.#at(), id);
  }

  /** Closes executions a previous process left queued or running (it died mid-run); returns how many. */
  failInterrupted(): number {
    const error = JSON.stringify({ code: 'AH_EXECUTION_INTERRUPTED', message: 'the host stopped while this execution was running' });
    const at = this.#at();
    return this.store.transaction(() => {
      this.store.db.prepare("UPDATE workflow_steps SET status = 'failed', error = ?, finished_at = ? WHERE status = 'running'").run(error, at);
      return Number(this.store.db.prepare("UPDATE workflow_executions SET status = 'failed', error = ?, finished_at = ? WHERE status IN ('queued', 'running')")
        .run(error, at).changes);
    });
  }

  startStep(executionId: string, step: Pick<Step, 'nodeId' | 'kind' | 'title' | 'plugin' | 'integrity' | 'inputs'>): number {
    const next = this.store.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM workflow_steps WHERE execution_id = ?').get(executionId) as { seq: number };
    this.store.db.prepare(
      "INSERT INTO workflow_steps (execution_id, seq, node_id, kind, title, plugin, integrity, inputs, status, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)",
    ).run(executionId, next.seq, step.nodeId, step.kind, step.title, step.plugin, step.integrity,
      step.inputs === null ? null : JSON.stringify(step.inputs), this.#at());
    return next.seq;
  }

  finishStep(executionId: string, seq: number, result: { status: 'succeeded' | 'failed'; path: string | null; output: Json | null; error: ErrorSummary | null; durationMs: number; logs?: StepLog[] }): void {
    this.store.db.prepare(
      'UPDATE workflow_steps SET status = ?, path = ?, output = ?, error = ?, duration_ms = ?, finished_at = ?, logs = ? WHERE execution_id = ? AND seq = ?',
    ).run(result.status, result.path, result.output === null ? null : JSON.stringify(result.output),
      result.error ? JSON.stringify(result.error) : null, Math.round(result.durationMs), this.#at(),
      result.logs?.length ? JSON.stringify(result.logs) : null, executionId, seq);
  }

  getExecution(id: string): Execution | null {
    const row = this.store.db.prepare('SELECT * FROM workflow_executions WHERE id = ?').get(id) as Row | undefined;
    if (!row) return null;
    const steps = (this.store.db.prepare('SELECT * FROM workflow_steps WHERE execution_id = ? ORDER BY seq').all(id) as Row[]).map(toStep);
    return { ...toExecution(row), steps };
  }

  listExecutions(filter: { requestId?: number; workflowId?: string; limit?: number }): ExecutionSummary[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.requestId !== undefined) { where.push('request_id = ?'); args.push(filter.requestId); }
    if (filter.workflowId !== undefined) { where.push('workflow_id = ?'); args.push(filter.workflowId); }
    const sql = `SELECT * FROM workflow_executions ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, rowid DESC LIMIT ?`;
    return (this.store.db.prepare(sql).all(...args, filter.limit ?? 100) as Row[]).map(toExecution);
  }
}

function toWorkflow(row: Row): WorkflowRecord {
  return {
    id: String(row.id), name: String(row.name), definition: json(row.definition), revision: Number(row.revision),
    publishedVersion: row.published_version === null ? null : Number(row.published_version),
    createdAt: String(row.created_at), updatedAt: String(row.updated_at),
  };
}

function toPublished(row: Row): PublishedWorkflow {
  return {
    workflowId: String(row.workflow_id), version: Number(row.version), definition: json(row.definition),
    actions: json(row.actions), publishedAt: String(row.published_at),
  };
}

function toExecution(row: Row): ExecutionSummary {
  return {
    id: String(row.id), workflowId: String(row.workflow_id), workflowVersion: Number(row.workflow_version),
    requestId: row.request_id === null ? null : Number(row.request_id),
    eventId: row.event_id === null ? null : String(row.event_id),
    trigger: json(row.trigger), retryOf: (row.retry_of as string | null) ?? null,
    status: row.status as ExecutionStatus, error: json(row.error), createdAt: String(row.created_at),
    startedAt: (row.started_at as string | null) ?? null, finishedAt: (row.finished_at as string | null) ?? null,
  };
}

function toStep(row: Row): Step {
  return {
    seq: Number(row.seq), nodeId: String(row.node_id), kind: row.kind as Step['kind'], title: (row.title as string | null) ?? null,
    plugin: (row.plugin as string | null) ?? null, integrity: (row.integrity as string | null) ?? null,
    inputs: json(row.inputs), path: (row.path as string | null) ?? null, output: json(row.output), error: json(row.error),
    logs: json<StepLog[] | null>(row.logs) ?? [],
    status: row.status as Step['status'], startedAt: String(row.started_at), finishedAt: (row.finished_at as string | null) ?? null,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
  };
}
