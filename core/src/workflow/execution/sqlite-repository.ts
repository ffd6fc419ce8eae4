// Executions and their steps on the embedded SQLite store: every write goes through the store's group commit (one
// transaction per turn of the event loop for all executions running at once), statements stay prepared, and a
// step's result commits with its Audit Trail entry. Published versions are immutable, so they are kept once read.
import type { Json } from '@actionhost/sdk';
import { CoreErrors } from '../../errors/index.ts';
import type { Row, Store } from '../../store/index.ts';
import { SqlitePublishedWorkflows, migrateWorkflowTables, type PublishedWorkflow } from '../definition/index.ts';
import { newHostId } from './host-id.ts';
import { migrateExecutions } from './migrations.ts';
import type { AuditSink, ExecutionEnd, ExecutionRepository, StepAudit, StepEnd, StepStart } from './ports.ts';
import { PublishedCache } from './published-cache.ts';
import { stepValues, toExecution, toStep } from './rows.ts';
import type {
  ErrorSummary,
  Execution,
  ExecutionFilter,
  ExecutionPage,
  ExecutionStatus,
  Step,
} from './stored-execution.ts';

const INSERT_STEP =
  'INSERT INTO workflow_steps (execution_id, seq, node_id, kind, title, plugin, integrity, inputs, status, started_at, attempt, path, output, error, duration_ms, finished_at, logs, retry_at, host_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const FINISH_STEP =
  'UPDATE workflow_steps SET status = ?, path = ?, output = ?, error = ?, duration_ms = ?, finished_at = ?, logs = ?, retry_at = ? WHERE execution_id = ? AND seq = ?';
const FINISH_EXECUTION =
  "UPDATE workflow_executions SET status = ?, error = ?, outcome = ?, failed_steps = ?, finished_at = ?, next_attempt_at = NULL, due_at = NULL WHERE id = ? AND status IN ('queued', 'running')";

export interface SqliteExecutionRepositoryOptions {
  /** Where plugin steps' Audit Trail entries go (ItsmService: it joins this store's transaction). */
  audit?: AuditSink;
  /** An Audit Trail write that failed (the step itself is kept). */
  onAuditError?: (error: unknown) => void;
  now?: () => Date;
  /** This host's id, recorded on the steps it runs (default: a new one, see newHostId). */
  hostId?: string;
}

export class SqliteExecutionRepository implements ExecutionRepository {
  readonly #store: Store;
  readonly #definitions: SqlitePublishedWorkflows;
  readonly #audit: AuditSink | undefined;
  readonly #onAuditError: (error: unknown) => void;
  readonly #now: () => Date;
  readonly #published = new PublishedCache();
  readonly hostId: string;

  constructor(store: Store, options: SqliteExecutionRepositoryOptions = {}) {
    this.#store = store;
    this.#now = options.now ?? (() => new Date());
    migrateWorkflowTables(store);
    this.#definitions = new SqlitePublishedWorkflows(store);
    this.#audit = options.audit;
    this.#onAuditError = options.onAuditError ?? (() => undefined);
    this.hostId = options.hostId ?? newHostId();
    migrateExecutions(store);
  }

  #at(): string {
    return this.#now().toISOString();
  }

  async published(workflowId: string, version: number): Promise<PublishedWorkflow | null> {
    return this.#published.get(workflowId, version, () => this.#definitions.getPublished(workflowId, version));
  }

  async activeWorkflows(event: string): Promise<PublishedWorkflow[]> {
    return this.#definitions.listActive(event);
  }

  async steps(executionId: string): Promise<Step[]> {
    return (
      this.#store.db
        .prepare('SELECT * FROM workflow_steps WHERE execution_id = ? ORDER BY seq')
        .all(executionId) as Row[]
    ).map(toStep);
  }

  async startStep(executionId: string, step: StepStart): Promise<void> {
    const at = this.#at();
    await this.#store.write(() => this.#insertStep(executionId, step, 'running', at, null));
  }

  async recordStep(executionId: string, step: StepStart & StepEnd): Promise<void> {
    const at = this.#at();
    await this.#store.write(() => this.#insertStep(executionId, step, step.status, at, step));
  }

  #insertStep(executionId: string, step: StepStart, status: string, at: string, end: StepEnd | null): void {
    this.#store.db.prepare(INSERT_STEP).run(...stepValues(executionId, step, status, at, end), this.hostId);
  }

  async finishStep(executionId: string, seq: number, end: StepEnd, audit?: StepAudit): Promise<void> {
    const at = this.#at();
    await this.#store.write(() => {
      this.#store.db
        .prepare(FINISH_STEP)
        .run(
          end.status,
          end.path,
          end.output === null ? null : JSON.stringify(end.output),
          end.error ? JSON.stringify(end.error) : null,
          Math.round(end.durationMs),
          at,
          end.logs?.length ? JSON.stringify(end.logs) : null,
          end.retryAt ?? null,
          executionId,
          seq,
        );
      if (audit) this.#recordAudit(audit);
    });
  }

  /** Inside the step's transaction: the ITSM store writes synchronously and joins it. A failing audit write must
   * not fail the step (the execution record still holds it); an asynchronous sink is followed up on its own. */
  #recordAudit(audit: StepAudit): void {
    if (!this.#audit) return;
    try {
      const written = this.#audit.recordAudit(audit.requestId, audit.entry, { secrets: audit.secrets });
      if (written instanceof Promise) written.catch(this.#onAuditError);
    } catch (error) {
      this.#onAuditError(error);
    }
  }

  async finishExecution(id: string, end: ExecutionEnd): Promise<boolean> {
    const at = this.#at();
    return this.#store.write(
      () =>
        Number(
          this.#store.db
            .prepare(FINISH_EXECUTION)
            .run(
              end.status,
              end.error ? JSON.stringify(end.error) : null,
              end.outcome,
              JSON.stringify(end.failedSteps),
              at,
              id,
            ).changes,
        ) > 0,
    );
  }

  async statusOf(id: string): Promise<ExecutionStatus | null> {
    const row = this.#store.db.prepare('SELECT status FROM workflow_executions WHERE id = ?').get(id) as
      { status: ExecutionStatus } | undefined;
    return row?.status ?? null;
  }

  async cancelExecution(id: string, reason: ErrorSummary): Promise<boolean> {
    const at = this.#at();
    const error = JSON.stringify(reason);
    return this.#store.write(() => {
      const closed = this.#store.db
        .prepare(FINISH_EXECUTION)
        .run('failed', error, 'failure', JSON.stringify([]), at, id).changes;
      if (Number(closed) === 0) return false;
      this.#store.db
        .prepare(
          "UPDATE workflow_steps SET status = 'failed', error = ?, finished_at = ? WHERE execution_id = ? AND status = 'running'",
        )
        .run(error, at, id);
      return true;
    });
  }

  async getExecution(id: string): Promise<Execution | null> {
    const row = this.#store.db.prepare('SELECT * FROM workflow_executions WHERE id = ?').get(id);
    if (!row) return null;
    return { ...toExecution(row), steps: await this.steps(id) };
  }

  async listExecutions(filter: ExecutionFilter): Promise<ExecutionPage> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (clause: string, ...values: (string | number)[]) => {
      where.push(clause);
      args.push(...values);
    };
    if (filter.status !== undefined) add('status = ?', filter.status);
    if (filter.outcome !== undefined) add('outcome = ?', filter.outcome);
    if (filter.requestId !== undefined) add('request_id = ?', filter.requestId);
    if (filter.workflowId !== undefined) add('workflow_id = ?', filter.workflowId);
    if (filter.since !== undefined) add('created_at >= ?', new Date(filter.since).toISOString());
    if (filter.until !== undefined) add('created_at < ?', new Date(filter.until).toISOString());
    if (filter.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(filter.cursor);
      add('(created_at < ? OR (created_at = ? AND id < ?))', createdAt, createdAt, id);
    }
    const limit = filter.limit ?? 100;
    const sql = `SELECT * FROM workflow_executions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`;
    const rows = this.#store.db.prepare(sql).all(...args, limit + 1, filter.offset ?? 0) as Row[];
    const executions = rows.slice(0, limit).map(toExecution);
    const last = executions.at(-1);
    return {
      executions,
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }
}

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Json;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string')
      return [value[0], value[1]];
  } catch {
    /* refused below */
  }
  throw CoreErrors.AH_VALIDATION_FAILED(
    { what: 'executions query', path: '/cursor', problem: 'is not a cursor this API handed out' },
    { path: '/cursor' },
  );
}
