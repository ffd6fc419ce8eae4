// The transactional outbox: request changes leave an event row in the same transaction, and the workflow
// engine claims and completes them. A claim is a lease, so events of a crashed engine are picked up again.
import type { DatabaseSync } from 'node:sqlite';
import type { FieldChange, OutboxEvent, OutboxEventType } from './schemas.ts';
import { parseJsonColumn, type Row } from '../store/index.ts';

export function eventFromRow(row: Row): OutboxEvent {
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

export function insertEvent(
  db: DatabaseSync,
  type: OutboxEventType,
  requestId: number,
  changes: FieldChange[],
  actor: string,
  now: string,
): OutboxEvent {
  const row = db
    .prepare(
      `INSERT INTO itsm_events (type, request_id, changes, actor, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *`,
    )
    .get(type, requestId, JSON.stringify(changes), actor, now) as Row;
  return eventFromRow(row);
}

/** Unprocessed events, oldest first, that nobody holds a live claim on. */
export function selectPending(db: DatabaseSync, limit: number, leaseCutoff: string): OutboxEvent[] {
  return (
    db
      .prepare(
        `SELECT * FROM itsm_events WHERE processed_at IS NULL AND (claimed_at IS NULL OR claimed_at < ?)
    ORDER BY id LIMIT ?`,
      )
      .all(leaseCutoff, limit) as Row[]
  ).map(eventFromRow);
}

/** Takes the claim if the event is unprocessed and unclaimed (or its claim expired); null otherwise. */
export function claim(db: DatabaseSync, id: number, now: string, leaseCutoff: string): OutboxEvent | null {
  const row = db
    .prepare(
      `UPDATE itsm_events SET claimed_at = ? WHERE id = ? AND processed_at IS NULL
    AND (claimed_at IS NULL OR claimed_at < ?) RETURNING *`,
    )
    .get(now, id, leaseCutoff);
  return row ? eventFromRow(row) : null;
}

export function selectEvent(db: DatabaseSync, id: number): OutboxEvent | null {
  const row = db.prepare('SELECT * FROM itsm_events WHERE id = ?').get(id);
  return row ? eventFromRow(row) : null;
}

export function setProcessed(db: DatabaseSync, id: number, now: string): boolean {
  return (
    Number(
      db.prepare('UPDATE itsm_events SET processed_at = COALESCE(processed_at, ?) WHERE id = ?').run(now, id).changes,
    ) > 0
  );
}

export function release(db: DatabaseSync, id: number): boolean {
  return (
    Number(
      db.prepare('UPDATE itsm_events SET claimed_at = NULL WHERE id = ? AND processed_at IS NULL').run(id).changes,
    ) > 0
  );
}

export function releaseAll(db: DatabaseSync): number {
  return Number(
    db.prepare('UPDATE itsm_events SET claimed_at = NULL WHERE processed_at IS NULL AND claimed_at IS NOT NULL').run()
      .changes,
  );
}

export function countUnprocessed(db: DatabaseSync): number {
  return Number(
    (db.prepare('SELECT COUNT(*) AS n FROM itsm_events WHERE processed_at IS NULL').get() as { n: number }).n,
  );
}

/** Claims up to `limit` unprocessed events nobody holds a live claim on, oldest first, in one statement. */
export function claimBatch(db: DatabaseSync, limit: number, now: string, leaseCutoff: string): OutboxEvent[] {
  const rows = db
    .prepare(
      `UPDATE itsm_events SET claimed_at = ? WHERE id IN (SELECT id FROM itsm_events WHERE processed_at IS NULL
    AND (claimed_at IS NULL OR claimed_at < ?) ORDER BY id LIMIT ?) RETURNING *`,
    )
    .all(now, leaseCutoff, limit) as Row[];
  return rows.map(eventFromRow).sort((a, b) => a.id - b.id);
}

/** Unprocessed events and the creation time of the oldest. */
export function lag(db: DatabaseSync): { pending: number; oldestCreatedAt: string | null } {
  const row = db
    .prepare('SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM itsm_events WHERE processed_at IS NULL')
    .get() as { n: number; oldest: string | null };
  return { pending: Number(row.n), oldestCreatedAt: row.oldest };
}
