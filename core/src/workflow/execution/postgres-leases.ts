// What the PostgreSQL queue and repository of one host share: the host's id, the executions it holds, and their
// leases. A claim records the host and a lease expiry (the database's clock, so hosts' clocks need not agree); a
// heartbeat renews the leases of what this host runs and takes over executions whose lease lapsed; every write of
// a step or an end checks the lease (fencing), so a host cut off from the database cannot overwrite a takeover.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { CoreErrors, errorSummary } from '../../errors/index.ts';
import { WORK_CHANNEL, type PostgresStore, type Queryable, type SqlValue } from '../../store/index.ts';
import { WorkflowErrors } from '../definition/index.ts';

/**
 * The share of a lease after which a host that has not reached the database stops its in-flight steps: early
 * enough that they end before the lease runs out and another host may take the executions over (a heartbeat
 * tick later at most).
 */
const LAPSING_SHARE = 0.6;

export interface PostgresLeaseOptions {
  /** This host's id in claims and steps (default: hostname, pid and a random suffix: a restart is a new host). */
  hostId?: string;
  /** How long a claim holds without a heartbeat (default 30 s). */
  leaseMs?: number;
  /** How often leases are renewed and lapsed ones taken over (default 5 s); keep it well under leaseMs. */
  heartbeatMs?: number;
  /** A heartbeat that failed (the database is unreachable): for logs. */
  onError?: (error: unknown) => void;
}

export class PostgresLeases {
  readonly store: PostgresStore;
  readonly hostId: string;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  /** Executions this host runs now (claimed, not yet handed back or finished). */
  readonly held = new Set<string>();
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | null = null;
  #beating: Promise<void> | null = null;
  /** When the last heartbeat succeeded (this process's monotonic clock); claims stop when it is a lease ago. */
  #lastBeat = performance.now();
  readonly #lapsing = new Set<() => void>();
  /** Whether the listeners heard of the current lapse (reset by the next heartbeat that gets through). */
  #toldLapsing = false;

  constructor(store: PostgresStore, options: PostgresLeaseOptions = {}) {
    this.store = store;
    this.hostId = options.hostId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** The lease as an SQL interval from parameter `$n` (milliseconds). */
  static interval(parameter: number): string {
    return `make_interval(secs => $${parameter}::double precision / 1000.0)`;
  }

  /**
   * Whether this host may claim: its last heartbeat reached the database less than half a lease ago. A host cut
   * off stops taking work before its leases lapse, and starts again once a heartbeat gets through.
   */
  get connected(): boolean {
    return performance.now() - this.#lastBeat < this.leaseMs / 2;
  }

  /**
   * Calls `listener` once per outage, when the last heartbeat that got through is LAPSING_SHARE of a lease ago: the
   * leases this host holds run out soon after, and another host may take its executions over.
   */
  onLapsing(listener: () => void): () => void {
    this.#lapsing.add(listener);
    return () => this.#lapsing.delete(listener);
  }

  /** Tells the listeners when the leases are about to lapse (checked on every heartbeat tick). */
  checkLapsing(): void {
    if (this.#toldLapsing || performance.now() - this.#lastBeat < this.leaseMs * LAPSING_SHARE) return;
    this.#toldLapsing = true;
    for (const listener of this.#lapsing) {
      try {
        listener();
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  /** Starts the heartbeat (unref'd: it never keeps the process alive). */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.checkLapsing();
      void this.beat();
    }, this.heartbeatMs);
    this.#timer.unref();
  }

  /** One heartbeat: renews this host's leases, then takes over lapsed ones (waking every host when it did). */
  async beat(): Promise<void> {
    if (this.#beating) return this.#beating;
    this.#beating = (async () => {
      try {
        await this.renew();
        this.#lastBeat = performance.now();
        this.#toldLapsing = false;
        await this.takeOver();
      } catch (error) {
        this.#onError(error);
      }
    })();
    try {
      await this.#beating;
    } finally {
      this.#beating = null;
    }
  }

  /** Extends the lease of every execution this host holds and still runs. */
  async renew(): Promise<number> {
    if (this.held.size === 0) {
      await this.store.query('SELECT 1');
      return 0;
    }
    const { rowCount } = await this.store.query(
      `UPDATE workflow_executions SET lease_expires_at = now() + ${PostgresLeases.interval(3)}
       WHERE id = ANY($1::text[]) AND held_by = $2 AND status = 'running'`,
      [[...this.held], this.hostId, this.leaseMs],
    );
    return rowCount ?? 0;
  }

  /**
   * Executions whose lease lapsed (their host died, or was cut off) go back to the queue, due at once, and the
   * steps they had in flight are marked interrupted, so the resumed run attempts them again with the same key.
   * What this host still runs itself is left alone. Returns how many it took over.
   */
  async takeOver(client?: Queryable): Promise<number> {
    const error = JSON.stringify(errorSummary(WorkflowErrors.stepInterrupted()));
    const at = new Date().toISOString();
    const run = async (db: Queryable) => {
      const { rows } = await db.query(
        `WITH lapsed AS (
           SELECT id FROM workflow_executions
           WHERE status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < now())
             AND NOT (held_by IS NOT DISTINCT FROM $3 AND id = ANY($4::text[]))
           ORDER BY lease_expires_at NULLS FIRST LIMIT 1000 FOR UPDATE SKIP LOCKED),
         interrupted AS (
           UPDATE workflow_steps s SET status = 'failed', error = $1, finished_at = $2, retry_at = $2
           FROM lapsed WHERE s.execution_id = lapsed.id AND s.status = 'running')
         UPDATE workflow_executions e SET status = 'queued', next_attempt_at = NULL, due_at = e.created_at,
           held_by = NULL, lease_expires_at = NULL
         FROM lapsed WHERE e.id = lapsed.id RETURNING e.id`,
        [error, at, this.hostId, [...this.held]] as SqlValue[],
      );
      if (rows.length > 0) await db.query('SELECT pg_notify($1, $2)', [WORK_CHANNEL, 'takeover']);
      return rows.length;
    };
    return client ? run(client) : this.store.withTransaction(run);
  }

  /**
   * SQL that holds when this host has a live lease on execution `$n`: the fence of every step and end write. A
   * write that finds it false is refused (AH_STORE_LEASE_LOST).
   */
  fence(executionParameter: number, hostParameter: number): string {
    return `EXISTS (SELECT 1 FROM workflow_executions f WHERE f.id = $${executionParameter}
      AND f.held_by = $${hostParameter} AND f.lease_expires_at > now())`;
  }

  leaseLost(executionId: string): Error {
    return CoreErrors.AH_STORE_LEASE_LOST({ executionId }, { executionId });
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#beating;
  }
}
