// Errors of the embedded store; codes, statuses and messages come from core's error table.
import type { ActionhostError, ErrorDetails } from '@actionhost/sdk';
import { CoreErrors } from '../errors/index.ts';

/** SQLite primary result codes that mean "the data folder cannot take writes now", as stable errors. */
const STORE_FAULTS: Record<number, (details: ErrorDetails) => ActionhostError> = {
  13: CoreErrors.AH_STORE_FULL,
  8: CoreErrors.AH_STORE_READ_ONLY,
  10: CoreErrors.AH_STORE_IO,
  5: CoreErrors.AH_STORE_BUSY,
};

/** A node:sqlite failure of the data folder (disk full, read-only, I/O, busy) as a 503 with a stable code, or
 * null for anything else. SQLite has rolled the transaction back already, so nothing was half-saved. */
export function storeFaultOf(error: unknown): ActionhostError | null {
  const e = error as { code?: string; errcode?: number; errstr?: string } | null;
  if (e?.code !== 'ERR_SQLITE_ERROR' || typeof e.errcode !== 'number') return null;
  const fault = STORE_FAULTS[e.errcode & 0xff];
  return fault ? fault({ sqlite: e.errstr ?? String(e.errcode) }) : null;
}

/** node-postgres and socket errors that mean "the database cannot be reached now" (not a refused statement). */
const PG_OUTAGE_CLASSES = ['08', '57P', '53'];
/** The store's own codes for "cannot take this now" (not AH_STORE_SCHEMA_NEWER: that one waits for an upgrade). */
const STORE_OUTAGE_CODES = new Set([
  'AH_STORE_FULL',
  'AH_STORE_READ_ONLY',
  'AH_STORE_IO',
  'AH_STORE_BUSY',
  'AH_STORE_UNAVAILABLE',
  'AH_STORE_LEASE_LOST',
]);
const SOCKET_OUTAGES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * Whether a failure is the store's, not the work's: the data folder cannot take writes (disk full, read-only,
 * I/O, busy), the database is unreachable or refused the connection, or this host no longer holds the lease it
 * wrote under. Work that met one should be handed back and tried again once the store answers, never failed by it.
 */
export function isStoreOutage(error: unknown): boolean {
  if (storeFaultOf(error)) return true;
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (STORE_OUTAGE_CODES.has(code)) return true;
  if (SOCKET_OUTAGES.has(code)) return true;
  if (/^[0-9A-Z]{5}$/.test(code)) return PG_OUTAGE_CLASSES.some((prefix) => code.startsWith(prefix));
  return (
    typeof e?.message === 'string' &&
    /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e.message)
  );
}

export const StoreErrors = {
  unavailable: (file: string, cause: unknown) =>
    CoreErrors.AH_STORE_UNAVAILABLE({ file, reason: cause instanceof Error ? cause.message : String(cause) }, { file }),
  notFound: (what: string, id: string | number) => CoreErrors.AH_NOT_FOUND({ what, id }, { what, id }),
} as const;
