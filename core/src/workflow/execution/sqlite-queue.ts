// The execution queue on the embedded SQLite store. Queued rows carry `due_at` (created_at, or the time a retry is
// due) under a partial index, so a claim takes the head of the index in one UPDATE … RETURNING instead of sorting
// the queue; writes go through the store's group commit.
import { randomBytes } from 'node:crypto';
import { errorSummary } from '../../errors/index.ts';
import type { Row, Store } from '../../store/index.ts';
import { WorkflowErrors, migrateWorkflowTables } from '../definition/index.ts';
import { migrateExecutions } from './migrations.ts';
import type { ClaimedExecution, ExecutionQueue, NewExecution } from './ports.ts';
import { toClaimed } from './rows.ts';

const INSERT =
  "INSERT OR IGNORE INTO workflow_executions (id, workflow_id, workflow_version, request_id, event_id, trigger, retry_of, status, created_at, due_at, request_snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)";
/**
 * The due executions, head of the queue first: read off the partial index on due_at, never a sort of the queue.
 * INDEXED BY, because without statistics SQLite would rather filter the status index and sort what it found.
 */
export const PICK_DUE =
  "SELECT id FROM workflow_executions INDEXED BY workflow_executions_due WHERE status = 'queued' AND due_at <= ? ORDER BY due_at, rowid LIMIT ?";
const CLAIM = `UPDATE workflow_executions SET status = 'running', started_at = COALESCE(started_at, ?), next_attempt_at = NULL,
  due_at = NULL WHERE id IN (${PICK_DUE})
  RETURNING id, workflow_id, workflow_version, request_id, event_id, trigger, request_snapshot, due_at, rowid`;
const CLAIM_ONE = `UPDATE workflow_executions SET status = 'running', started_at = COALESCE(started_at, ?), next_attempt_at = NULL,
  due_at = NULL WHERE id = ? AND status = 'queued'
  RETURNING id, workflow_id, workflow_version, request_id, event_id, trigger, request_snapshot`;

export class SqliteExecutionQueue implements ExecutionQueue {
  readonly #store: Store;
  readonly #now: () => Date;

  constructor(store: Store, now: () => Date = () => new Date()) {
    this.#store = store;
    this.#now = now;
    migrateWorkflowTables(store);
    migrateExecutions(store);
  }

  async enqueue(executions: readonly NewExecution[]): Promise<string[]> {
    if (executions.length === 0) return [];
    const at = this.#now().toISOString();
    return this.#store.write(() => {
      const insert = this.#store.db.prepare(INSERT);
      const created: string[] = [];
      for (const execution of executions) {
        const id = executionId();
        const result = insert.run(
          id,
          execution.workflowId,
          execution.workflowVersion,
          execution.requestId,
          execution.eventId,
          JSON.stringify(execution.trigger),
          execution.retryOf ?? null,
          at,
          at,
          execution.request === undefined ? null : JSON.stringify(execution.request),
        );
        if (Number(result.changes) > 0) created.push(id);
      }
      return created;
    });
  }

  async claim(limit: number): Promise<ClaimedExecution[]> {
    if (limit <= 0) return [];
    const at = this.#now().toISOString();
    const rows = await this.#store.write(() => this.#store.db.prepare(CLAIM).all(at, at, limit) as Row[]);
    // RETURNING gives no order: the queue's (due, then insertion) order is restored here.
    rows.sort((a, b) => String(a.due_at).localeCompare(String(b.due_at)) || Number(a.rowid) - Number(b.rowid));
    return rows.map(toClaimed);
  }

  async claimOne(id: string): Promise<ClaimedExecution | null> {
    const at = this.#now().toISOString();
    const row = await this.#store.write(() => this.#store.db.prepare(CLAIM_ONE).get(at, id));
    return row ? toClaimed(row) : null;
  }

  async requeue(id: string, at: string | null): Promise<void> {
    await this.#store.write(() =>
      this.#store.db
        .prepare(
          "UPDATE workflow_executions SET status = 'queued', next_attempt_at = ?, due_at = COALESCE(?, created_at) WHERE id = ? AND status = 'running'",
        )
        .run(at, at, id),
    );
  }

  async nextDueAt(): Promise<string | null> {
    const row = this.#store.db
      .prepare(
        "SELECT MIN(due_at) AS at FROM workflow_executions INDEXED BY workflow_executions_due WHERE status = 'queued'",
      )
      .get() as { at: string | null };
    return row.at;
  }

  async depth(): Promise<{ queued: number; oldestDueAt: string | null }> {
    const row = this.#store.db
      .prepare(
        "SELECT COUNT(*) AS n, MIN(due_at) AS at FROM workflow_executions INDEXED BY workflow_executions_due WHERE status = 'queued'",
      )
      .get() as { n: number; at: string | null };
    return { queued: Number(row.n), oldestDueAt: row.at };
  }

  async recoverInterrupted(): Promise<number> {
    const error = JSON.stringify(errorSummary(WorkflowErrors.stepInterrupted()));
    const at = this.#now().toISOString();
    return this.#store.write(() => {
      this.#store.db
        .prepare(
          "UPDATE workflow_steps SET status = 'failed', error = ?, finished_at = ?, retry_at = ? WHERE status = 'running'",
        )
        .run(error, at, at);
      return Number(
        this.#store.db
          .prepare(
            "UPDATE workflow_executions SET status = 'queued', next_attempt_at = NULL, due_at = created_at WHERE status = 'running'",
          )
          .run().changes,
      );
    });
  }
}

let lastMs = 0;
let sequence = 0;

/**
 * `ex_` + a UUIDv7 (RFC 9562): time-ordered, with a counter within the millisecond, so that ordering executions by
 * (created_at, id) lists them in the order they were queued, on any store.
 */
export function executionId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    // More than 4096 in one millisecond: borrow the next one, so the order still holds.
    lastMs++;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  const ms = BigInt(lastMs);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | ((sequence >> 8) & 0x0f);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `ex_${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
