// The transactional outbox: request changes leave an event row in the same transaction, and the workflow engine
// claims and completes them. A claim is a lease, so events of a crashed engine are picked up again. On PostgreSQL,
// where several hosts share the outbox, a claim skips rows another host is claiming (FOR UPDATE SKIP LOCKED), names
// its host, and is timed by the database's clock, which every host agrees on.
import {
  WORK_CHANNEL,
  parseJsonColumn,
  queryAll,
  queryOne,
  type Database,
  type PgRow,
  type Queryable,
} from '../store/index.ts';
import type { FieldChange, OutboxEvent, OutboxEventType } from './schemas.ts';

export function eventFromRow(row: PgRow): OutboxEvent {
  return {
    id: Number(row.id),
    type: row.type as OutboxEventType,
    requestId: Number(row.request_id),
    changes: parseJsonColumn<FieldChange[]>(row.changes, []),
    actor: String(row.actor),
    createdAt: String(row.created_at),
    claimedAt: (row.claimed_at as string | null) ?? null,
    processedAt: (row.processed_at as string | null) ?? null,
  };
}

/** Writes the event in the change's transaction; on PostgreSQL a NOTIFY, sent when it commits, wakes every host. */
export async function insertEvent(
  tx: Queryable,
  db: Database,
  type: OutboxEventType,
  requestId: number,
  changes: FieldChange[],
  actor: string,
  now: string,
): Promise<OutboxEvent> {
  const row = await queryOne(
    tx,
    'INSERT INTO itsm_events (type, request_id, changes, actor, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *',
    [type, requestId, JSON.stringify(changes), actor, now],
  );
  if (db.dialect === 'postgres') await tx.query("SELECT pg_notify($1, '')", [WORK_CHANNEL]);
  return eventFromRow(row!);
}

export interface OutboxOptions {
  db: Database;
  clock: () => Date;
  /** How long a claim holds before the event is offered again. */
  leaseMs: number;
  /** The host named on PostgreSQL claims (and whose claims releaseAll gives back). */
  hostId: string;
}

/** The engine's side of the outbox, on either backend. */
export class Outbox {
  readonly #db: Database;
  readonly #clock: () => Date;
  readonly #leaseMs: number;
  readonly #hostId: string;
  readonly #postgres: boolean;

  constructor(options: OutboxOptions) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#leaseMs = options.leaseMs;
    this.#hostId = options.hostId;
    this.#postgres = options.db.dialect === 'postgres';
  }

  /**
   * The condition "nobody holds a live claim", with its parameter at $n: on SQLite against the service's clock, on
   * PostgreSQL against the database's.
   */
  #unclaimed(n: number): { sql: string; value: string | number } {
    return this.#postgres
      ? {
          sql: `(claimed_at IS NULL OR claimed_at < now() - make_interval(secs => $${n} / 1000.0))`,
          value: this.#leaseMs,
        }
      : {
          sql: `(claimed_at IS NULL OR claimed_at < $${n})`,
          value: new Date(this.#clock().getTime() - this.#leaseMs).toISOString(),
        };
  }

  #now(): string {
    return this.#clock().toISOString();
  }

  /** Unprocessed events, oldest first, that nobody holds a live claim on. */
  async pending(limit: number): Promise<OutboxEvent[]> {
    const unclaimed = this.#unclaimed(2);
    const rows = await queryAll(
      this.#db,
      `SELECT * FROM itsm_events WHERE processed_at IS NULL AND ${unclaimed.sql} ORDER BY id LIMIT $1`,
      [limit, unclaimed.value],
    );
    return rows.map(eventFromRow);
  }

  /** Takes the claim if the event is unprocessed and unclaimed (or its claim expired); null otherwise. */
  async claim(id: number): Promise<OutboxEvent | null> {
    const unclaimed = this.#unclaimed(2);
    const row = await queryOne(
      this.#db,
      this.#postgres
        ? `UPDATE itsm_events SET claimed_at = now(), claimed_by = $3 WHERE id = $1 AND processed_at IS NULL
           AND ${unclaimed.sql} RETURNING *`
        : `UPDATE itsm_events SET claimed_at = $3 WHERE id = $1 AND processed_at IS NULL AND ${unclaimed.sql} RETURNING *`,
      [id, unclaimed.value, this.#postgres ? this.#hostId : this.#now()],
    );
    return row ? eventFromRow(row) : null;
  }

  /** Claims up to `limit` unprocessed events nobody holds a live claim on, oldest first, in one statement. */
  async claimBatch(limit: number): Promise<OutboxEvent[]> {
    const unclaimed = this.#unclaimed(2);
    const rows = await queryAll(
      this.#db,
      this.#postgres
        ? `UPDATE itsm_events e SET claimed_at = now(), claimed_by = $3 FROM (
             SELECT id FROM itsm_events WHERE processed_at IS NULL AND ${unclaimed.sql}
             ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) picked
           WHERE e.id = picked.id RETURNING e.*`
        : `UPDATE itsm_events SET claimed_at = $3 WHERE id IN (SELECT id FROM itsm_events WHERE processed_at IS NULL
           AND ${unclaimed.sql} ORDER BY id LIMIT $1) RETURNING *`,
      [limit, unclaimed.value, this.#postgres ? this.#hostId : this.#now()],
    );
    return rows.map(eventFromRow).sort((a, b) => a.id - b.id);
  }

  async select(id: number): Promise<OutboxEvent | null> {
    const row = await queryOne(this.#db, 'SELECT * FROM itsm_events WHERE id = $1', [id]);
    return row ? eventFromRow(row) : null;
  }

  /** Marks an event done, keeping the first processedAt; null when there is no such event. */
  async markProcessed(id: number): Promise<OutboxEvent | null> {
    const row = await queryOne(
      this.#db,
      'UPDATE itsm_events SET processed_at = COALESCE(processed_at, $2) WHERE id = $1 RETURNING *',
      [id, this.#now()],
    );
    return row ? eventFromRow(row) : null;
  }

  /** Marks several events done in one statement; returns how many exist. */
  async markManyProcessed(ids: readonly number[]): Promise<number> {
    if (ids.length === 0) return 0;
    const { rowCount } = await this.#db.query(
      this.#postgres
        ? 'UPDATE itsm_events SET processed_at = COALESCE(processed_at, $2) WHERE id = ANY($1::bigint[])'
        : 'UPDATE itsm_events SET processed_at = COALESCE(processed_at, $2) WHERE id IN (SELECT value FROM json_each($1))',
      [ids, this.#now()],
    );
    return rowCount ?? 0;
  }

  /** Gives a claim back (on PostgreSQL only one this host holds); false when the event is processed or missing. */
  async release(id: number): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      this.#postgres
        ? 'UPDATE itsm_events SET claimed_at = NULL, claimed_by = NULL WHERE id = $1 AND processed_at IS NULL AND claimed_by = $2'
        : 'UPDATE itsm_events SET claimed_at = NULL WHERE id = $1 AND processed_at IS NULL',
      this.#postgres ? [id, this.#hostId] : [id],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * Gives back the claims on unprocessed events: on SQLite every one (one engine per file), on PostgreSQL this
   * host's only (the other hosts' claims are live; a dead host's lapse with their lease).
   */
  async releaseAll(): Promise<number> {
    const { rowCount } = await this.#db.query(
      this.#postgres
        ? 'UPDATE itsm_events SET claimed_at = NULL, claimed_by = NULL WHERE processed_at IS NULL AND claimed_by = $1'
        : 'UPDATE itsm_events SET claimed_at = NULL WHERE processed_at IS NULL AND claimed_at IS NOT NULL',
      this.#postgres ? [this.#hostId] : [],
    );
    return rowCount ?? 0;
  }

  /** Unprocessed events and the creation time of the oldest. */
  async lag(): Promise<{ pending: number; oldestCreatedAt: string | null }> {
    const row = await queryOne(
      this.#db,
      'SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM itsm_events WHERE processed_at IS NULL',
    );
    return { pending: Number(row!.n), oldestCreatedAt: (row!.oldest as string | null) ?? null };
  }
}
