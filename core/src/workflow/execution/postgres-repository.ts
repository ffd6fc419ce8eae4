// Executions and their steps on PostgreSQL, shared by several hosts. Every write of a step or of an execution's end
// is fenced: it commits only while this host holds a live lease on the execution (AH_STORE_LEASE_LOST otherwise),
// so a host that was cut off cannot write over the run another host took over. Writes of one execution are made
// one after the other, so they commit in the order they were made (the ports' promise), on a pool of connections.
import type { Json } from '@actionhost/sdk';
import { CoreErrors } from '../../errors/index.ts';
import type { PgRow, PostgresStore, Queryable, SqlValue } from '../../store/index.ts';
import { parseJsonColumn } from '../../store/index.ts';
import type { PinnedAction, PublishedWorkflow, WorkflowDefinition } from '../definition/index.ts';
import type { PostgresLeases } from './postgres-leases.ts';
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

const CURRENT_VERSIONS =
  'SELECT v.* FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id AND w.published_version = v.version';

/** An Audit Trail that can write inside the step's transaction (ItsmService.recordAudit with its client argument). */
export interface PostgresAuditSink extends AuditSink {
  recordAudit(
    requestId: number,
    entry: StepAudit['entry'],
    options?: { secrets?: readonly string[] },
    client?: Queryable,
  ): Promise<unknown>;
}

export interface PostgresExecutionRepositoryOptions {
  /** Where plugin steps' Audit Trail entries go, in the step result's transaction. */
  audit?: PostgresAuditSink;
  /** An Audit Trail write that failed (the step itself is kept). */
  onAuditError?: (error: unknown) => void;
  now?: () => Date;
}

export class PostgresExecutionRepository implements ExecutionRepository {
  readonly #store: PostgresStore;
  readonly #leases: PostgresLeases;
  readonly #audit: PostgresAuditSink | undefined;
  readonly #onAuditError: (error: unknown) => void;
  readonly #now: () => Date;
  readonly #published = new PublishedCache();
  /** The last write of each execution with one in flight: the next one waits for it. */
  readonly #writes = new Map<string, Promise<unknown>>();

  /** The queue's leases: `PostgresExecutionQueue.open` has migrated the tables. */
  constructor(leases: PostgresLeases, options: PostgresExecutionRepositoryOptions = {}) {
    this.#leases = leases;
    this.#store = leases.store;
    this.#audit = options.audit;
    this.#onAuditError = options.onAuditError ?? (() => undefined);
    this.#now = options.now ?? (() => new Date());
  }

  #at(): string {
    return this.#now().toISOString();
  }

  /** Runs the write after the execution's earlier ones settled. */
  #serial<T>(executionId: string, write: () => Promise<T>): Promise<T> {
    const before = this.#writes.get(executionId) ?? Promise.resolve();
    const result = before.then(write, write);
    const settled = result.catch(() => undefined);
    this.#writes.set(executionId, settled);
    void settled.then(() => {
      if (this.#writes.get(executionId) === settled) this.#writes.delete(executionId);
    });
    return result;
  }

  /**
   * Stores a published version (and its workflow row, when new) and makes it the current, active one: how the
   * definitions reach PostgreSQL until publishing runs there (issue 14's next phase), and what `migrate --to` uses.
   */
  async savePublished(published: PublishedWorkflow, name: string = published.definition.name): Promise<void> {
    await this.#store.withTransaction(async (client) => {
      const at = this.#at();
      await client.query(
        `INSERT INTO workflows (id, name, definition, revision, published_version, created_at, updated_at)
         VALUES ($1, $2, $3, 1, $4, $5, $5) ON CONFLICT (id) DO NOTHING`,
        [published.workflowId, name, JSON.stringify(published.definition), published.version, at],
      );
      await client.query(
        `INSERT INTO workflow_versions (workflow_id, version, definition, actions, trigger_event, published_at, published_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [
          published.workflowId,
          published.version,
          JSON.stringify(published.definition),
          JSON.stringify(published.actions),
          published.definition.trigger.event,
          published.publishedAt,
          published.publishedBy,
        ],
      );
      await client.query('UPDATE workflows SET published_version = $2, active = 1 WHERE id = $1', [
        published.workflowId,
        published.version,
      ]);
    });
  }

  async published(workflowId: string, version: number): Promise<PublishedWorkflow | null> {
    return this.#published.get(workflowId, version, async () => {
      const { rows } = await this.#store.query(
        'SELECT * FROM workflow_versions WHERE workflow_id = $1 AND version = $2',
        [workflowId, version],
      );
      return rows[0] ? toPublished(rows[0]) : null;
    });
  }

  async activeWorkflows(event: string): Promise<PublishedWorkflow[]> {
    const { rows } = await this.#store.query(
      `${CURRENT_VERSIONS} WHERE v.trigger_event = $1 AND w.active = 1 AND w.deleted_at IS NULL ORDER BY w.created_at, w.id`,
      [event],
    );
    return rows.map(toPublished);
  }

  async steps(executionId: string): Promise<Step[]> {
    const { rows } = await this.#store.query('SELECT * FROM workflow_steps WHERE execution_id = $1 ORDER BY seq', [
      executionId,
    ]);
    return rows.map((row) => toStep(row));
  }

  async startStep(executionId: string, step: StepStart): Promise<void> {
    const at = this.#at();
    await this.#serial(executionId, () => this.#insertStep(this.#store, executionId, step, 'running', at, null));
  }

  async recordStep(executionId: string, step: StepStart & StepEnd): Promise<void> {
    const at = this.#at();
    await this.#serial(executionId, () => this.#insertStep(this.#store, executionId, step, step.status, at, step));
  }

  async #insertStep(
    db: Queryable,
    executionId: string,
    step: StepStart,
    status: string,
    at: string,
    end: StepEnd | null,
  ): Promise<void> {
    const { rowCount } = await db.query(
      `INSERT INTO workflow_steps (execution_id, seq, node_id, kind, title, plugin, integrity, inputs, status, started_at,
         attempt, path, output, error, duration_ms, finished_at, logs, retry_at, host_id)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19
       WHERE ${this.#leases.fence(1, 19)}`,
      [...stepValues(executionId, step, status, at, end), this.#leases.hostId],
    );
    if (!rowCount) throw this.#leases.leaseLost(executionId);
  }

  async finishStep(executionId: string, seq: number, end: StepEnd, audit?: StepAudit): Promise<void> {
    const at = this.#at();
    await this.#serial(executionId, () =>
      this.#store.withTransaction(async (client) => {
        const { rowCount } = await client.query(
          `UPDATE workflow_steps SET status = $3, path = $4, output = $5, error = $6, duration_ms = $7, finished_at = $8,
             logs = $9, retry_at = $10
           WHERE execution_id = $1 AND seq = $2 AND ${this.#leases.fence(1, 11)}`,
          [
            executionId,
            seq,
            end.status,
            end.path,
            end.output === null ? null : JSON.stringify(end.output),
            end.error ? JSON.stringify(end.error) : null,
            Math.round(end.durationMs),
            at,
            end.logs?.length ? JSON.stringify(end.logs) : null,
            end.retryAt ?? null,
            this.#leases.hostId,
          ],
        );
        if (!rowCount) throw this.#leases.leaseLost(executionId);
        if (audit) await this.#recordAudit(client, audit);
      }),
    );
  }

  /** In the step's transaction, behind a savepoint: a failing audit write must not fail the step. */
  async #recordAudit(client: Queryable, audit: StepAudit): Promise<void> {
    if (!this.#audit) return;
    await client.query('SAVEPOINT audit');
    try {
      await this.#audit.recordAudit(audit.requestId, audit.entry, { secrets: audit.secrets }, client);
      await client.query('RELEASE SAVEPOINT audit');
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT audit');
      this.#onAuditError(error);
    }
  }

  async finishExecution(id: string, end: ExecutionEnd): Promise<boolean> {
    const at = this.#at();
    try {
      return await this.#serial(id, async () => {
        const { rowCount } = await this.#store.query(
          `UPDATE workflow_executions SET status = $2, error = $3, outcome = $4, failed_steps = $5, finished_at = $6,
             next_attempt_at = NULL, due_at = NULL, lease_expires_at = NULL
           WHERE id = $1 AND (status = 'queued' OR (status = 'running' AND ${this.#leases.fence(1, 7)}))`,
          [
            id,
            end.status,
            end.error ? JSON.stringify(end.error) : null,
            end.outcome,
            JSON.stringify(end.failedSteps),
            at,
            this.#leases.hostId,
          ],
        );
        if (rowCount) return true;
        // Finished already (a cancel won), or running under a lease this host no longer holds.
        const status = await this.statusOf(id);
        if (status === 'queued' || status === 'running') throw this.#leases.leaseLost(id);
        return false;
      });
    } finally {
      this.#leases.held.delete(id);
    }
  }

  async statusOf(id: string): Promise<ExecutionStatus | null> {
    const { rows } = await this.#store.query('SELECT status FROM workflow_executions WHERE id = $1', [id]);
    return (rows[0]?.status as ExecutionStatus | undefined) ?? null;
  }

  /** A cancel (an operator, the CLI) is not fenced: it wins over whichever host runs the execution. */
  async cancelExecution(id: string, reason: ErrorSummary): Promise<boolean> {
    const at = this.#at();
    const error = JSON.stringify(reason);
    return this.#store.withTransaction(async (client) => {
      const { rowCount } = await client.query(
        `UPDATE workflow_executions SET status = 'failed', error = $2, outcome = 'failure', failed_steps = '[]',
           finished_at = $3, next_attempt_at = NULL, due_at = NULL, lease_expires_at = NULL
         WHERE id = $1 AND status IN ('queued', 'running')`,
        [id, error, at],
      );
      if (!rowCount) return false;
      await client.query(
        "UPDATE workflow_steps SET status = 'failed', error = $2, finished_at = $3 WHERE execution_id = $1 AND status = 'running'",
        [id, error, at],
      );
      return true;
    });
  }

  async getExecution(id: string): Promise<Execution | null> {
    const { rows } = await this.#store.query('SELECT * FROM workflow_executions WHERE id = $1', [id]);
    if (!rows[0]) return null;
    return { ...toExecution(rows[0]), steps: await this.steps(id) };
  }

  async listExecutions(filter: ExecutionFilter): Promise<ExecutionPage> {
    const where: string[] = [];
    const args: SqlValue[] = [];
    const add = (clause: (...n: string[]) => string, ...values: SqlValue[]) => {
      const placeholders = values.map((value) => {
        args.push(value);
        return `$${args.length}`;
      });
      where.push(clause(...placeholders));
    };
    if (filter.status !== undefined) add((p) => `status = ${p}`, filter.status);
    if (filter.outcome !== undefined) add((p) => `outcome = ${p}`, filter.outcome);
    if (filter.requestId !== undefined) add((p) => `request_id = ${p}`, filter.requestId);
    if (filter.workflowId !== undefined) add((p) => `workflow_id = ${p}`, filter.workflowId);
    if (filter.since !== undefined) add((p) => `created_at >= ${p}`, new Date(filter.since).toISOString());
    if (filter.until !== undefined) add((p) => `created_at < ${p}`, new Date(filter.until).toISOString());
    if (filter.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(filter.cursor);
      add(
        (at, at2, last) => `(created_at < ${at} OR (created_at = ${at2} AND id < ${last}))`,
        createdAt,
        createdAt,
        id,
      );
    }
    const limit = filter.limit ?? 100;
    args.push(limit + 1, filter.offset ?? 0);
    // COLLATE "C": ids compare byte by byte, as SQLite compares them (the database's collation may not).
    const sql = `SELECT * FROM workflow_executions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT $${args.length - 1} OFFSET $${args.length}`;
    const { rows } = await this.#store.query(sql, args);
    const executions = rows.slice(0, limit).map((row) => toExecution(row));
    const last = executions.at(-1);
    return {
      executions,
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }
}

function toPublished(row: PgRow): PublishedWorkflow {
  return {
    workflowId: String(row.workflow_id),
    version: Number(row.version),
    definition: parseJsonColumn<WorkflowDefinition>(row.definition),
    actions: parseJsonColumn<Record<string, PinnedAction>>(row.actions),
    publishedAt: String(row.published_at),
    publishedBy: row.published_by === null || row.published_by === undefined ? null : String(row.published_by),
  };
}

// The same cursor as the SQLite repository's: a page's last (createdAt, id), so a cursor is valid on either store.
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
