// The execution queue on PostgreSQL, shared by several hosts: a claim takes due executions with FOR UPDATE SKIP
// LOCKED (two hosts never take the same one), records this host and a lease, and reads the head of a partial index
// on the due time; queuing sends a NOTIFY that wakes every host's engine instead of polling.
import type { PostgresStore } from '../../store/index.ts';
import { WORK_CHANNEL } from '../../store/index.ts';
import { PostgresLeases, type PostgresLeaseOptions } from './postgres-leases.ts';
import { WORKFLOW_POSTGRES_MIGRATIONS } from './postgres-migrations.ts';
import type { ClaimedExecution, ExecutionQueue, NewExecution } from './ports.ts';
import { toClaimed } from './rows.ts';
import { executionId } from './sqlite-queue.ts';

const CLAIMED_COLUMNS = 'id, workflow_id, workflow_version, request_id, event_id, trigger, request_snapshot';
const TAKE = `status = 'running', started_at = COALESCE(started_at, $1), next_attempt_at = NULL, due_at = NULL,
  held_by = $2, lease_expires_at = now() + ${PostgresLeases.interval(3)}`;

export class PostgresExecutionQueue implements ExecutionQueue {
  readonly leases: PostgresLeases;
  readonly #store: PostgresStore;
  readonly #now: () => Date;

  constructor(leases: PostgresLeases, now: () => Date = () => new Date()) {
    this.leases = leases;
    this.#store = leases.store;
    this.#now = now;
  }

  /** Migrates the workflow tables (under the store's advisory lock) and makes this host's queue. */
  static async open(
    store: PostgresStore,
    options: PostgresLeaseOptions & { now?: () => Date } = {},
  ): Promise<PostgresExecutionQueue> {
    await store.migrate('workflow', WORKFLOW_POSTGRES_MIGRATIONS);
    return new PostgresExecutionQueue(new PostgresLeases(store, options), options.now);
  }

  get hostId(): string {
    return this.leases.hostId;
  }

  async enqueue(executions: readonly NewExecution[]): Promise<string[]> {
    if (executions.length === 0) return [];
    const at = this.#now().toISOString();
    return this.#store.withTransaction(async (client) => {
      const created: string[] = [];
      for (const execution of executions) {
        const { rows } = await client.query(
          `INSERT INTO workflow_executions (id, workflow_id, workflow_version, request_id, event_id, trigger, retry_of,
             status, created_at, due_at, request_snapshot)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $8, $9) ON CONFLICT DO NOTHING RETURNING id`,
          [
            executionId(),
            execution.workflowId,
            execution.workflowVersion,
            execution.requestId,
            execution.eventId,
            JSON.stringify(execution.trigger),
            execution.retryOf ?? null,
            at,
            execution.request === undefined ? null : JSON.stringify(execution.request),
          ],
        );
        if (rows[0]) created.push(String(rows[0].id));
      }
      if (created.length > 0) await client.query('SELECT pg_notify($1, $2)', [WORK_CHANNEL, 'queued']);
      return created;
    });
  }

  async claim(limit: number): Promise<ClaimedExecution[]> {
    if (limit <= 0) return [];
    // No heartbeat got through for half a lease: one more try, and while the database stays unreachable take
    // nothing new (what this host holds may be taken over soon).
    if (!this.leases.connected) await this.leases.beat();
    if (!this.leases.connected) return [];
    const at = this.#now().toISOString();
    const { rows } = await this.#store.query(
      `UPDATE workflow_executions e SET ${TAKE} FROM (
         SELECT id, due_at AS picked_due FROM workflow_executions WHERE status = 'queued' AND due_at <= $1
           AND NOT (id = ANY($5::text[]))
         ORDER BY due_at, queue_seq LIMIT $4 FOR UPDATE SKIP LOCKED) picked
       WHERE e.id = picked.id RETURNING ${CLAIMED_COLUMNS.replace(/(\w+)/g, 'e.$1')}, picked.picked_due, e.queue_seq`,
      // Not one this host still runs: after a cut, another host may have handed it back to the queue while this
      // host's own run of it has not noticed yet (two runs under one host id would pass the same fence).
      [at, this.leases.hostId, this.leases.leaseMs, limit, [...this.leases.held]],
    );
    // RETURNING gives no order: the queue's (due, then insertion) order is restored here.
    rows.sort(
      (a, b) => String(a.picked_due).localeCompare(String(b.picked_due)) || Number(a.queue_seq) - Number(b.queue_seq),
    );
    for (const row of rows) this.leases.held.add(String(row.id));
    return rows.map((row) => toClaimed(row));
  }

  async claimOne(id: string): Promise<ClaimedExecution | null> {
    if (this.leases.held.has(id)) return null;
    const at = this.#now().toISOString();
    const { rows } = await this.#store.query(
      `UPDATE workflow_executions SET ${TAKE} WHERE id = $4 AND status = 'queued' RETURNING ${CLAIMED_COLUMNS}`,
      [at, this.leases.hostId, this.leases.leaseMs, id],
    );
    if (!rows[0]) return null;
    this.leases.held.add(id);
    return toClaimed(rows[0]);
  }

  async requeue(id: string, at: string | null): Promise<void> {
    try {
      await this.#store.query(
        `UPDATE workflow_executions SET status = 'queued', next_attempt_at = $2, due_at = COALESCE($2, created_at),
           held_by = NULL, lease_expires_at = NULL
         WHERE id = $1 AND status = 'running' AND held_by = $3`,
        [id, at, this.leases.hostId],
      );
      // Due at once (a checkpoint of a stopping host): another host may take it now.
      if (at === null) await this.#store.query('SELECT pg_notify($1, $2)', [WORK_CHANNEL, 'requeued']);
    } finally {
      this.leases.held.delete(id);
    }
  }

  async nextDueAt(): Promise<string | null> {
    const { rows } = await this.#store.query(
      "SELECT MIN(due_at) AS at FROM workflow_executions WHERE status = 'queued'",
    );
    return (rows[0]?.at as string | null) ?? null;
  }

  async depth(): Promise<{ queued: number; oldestDueAt: string | null }> {
    const { rows } = await this.#store.query(
      "SELECT COUNT(*) AS n, MIN(due_at) AS at FROM workflow_executions WHERE status = 'queued'",
    );
    return { queued: Number(rows[0].n), oldestDueAt: (rows[0].at as string | null) ?? null };
  }

  /**
   * On PostgreSQL: takes over executions whose lease lapsed (not every running one: other hosts are alive), and
   * starts the heartbeat that renews this host's leases and repeats the takeover periodically.
   */
  async recoverInterrupted(): Promise<number> {
    this.leases.start();
    return this.leases.takeOver();
  }

  onLeasesLapsing(listener: () => void): () => void {
    return this.leases.onLapsing(listener);
  }

  /**
   * Calls `wake` on every NOTIFY of the work channel (an event written, an execution queued or taken over by any
   * host), and once after each (re)connection. Returns a function that stops listening.
   */
  listen(wake: () => void, onError?: (error: unknown) => void): () => Promise<void> {
    return this.#store.listen(WORK_CHANNEL, wake, onError);
  }

  async close(): Promise<void> {
    await this.leases.stop();
  }
}
