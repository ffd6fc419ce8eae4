// Errors of the embedded store.
import { ActionhostError } from '@actionhost/sdk';

/** SQLite primary result codes that mean "the data folder cannot take writes now", as stable errors. */
const STORE_FAULTS: Record<number, { code: string; message: string }> = {
  13: { code: 'AH_STORE_FULL', message: "the data folder's file system is full: the change was not saved" },
  8: { code: 'AH_STORE_READ_ONLY', message: 'the data folder is read-only: the change was not saved' },
  10: { code: 'AH_STORE_IO', message: 'the data folder could not be written (I/O error): the change was not saved' },
  5: { code: 'AH_STORE_BUSY', message: 'the database is busy: try again' },
};

/** A node:sqlite failure of the data folder (disk full, read-only, I/O, busy) as a 503 with a stable code, or
 * null for anything else. SQLite has rolled the transaction back already, so nothing was half-saved. */
export function storeFaultOf(error: unknown): ActionhostError | null {
  const e = error as { code?: string; errcode?: number; errstr?: string } | null;
  if (e?.code !== 'ERR_SQLITE_ERROR' || typeof e.errcode !== 'number') return null;
  const fault = STORE_FAULTS[e.errcode & 0xff];
  return fault ? new ActionhostError(fault.code, fault.message, 503, { sqlite: e.errstr ?? String(e.errcode) }) : null;
}

export const StoreErrors = {
  unavailable: (file: string, cause: unknown) =>
    new ActionhostError(
      'AH_STORE_UNAVAILABLE',
      `cannot open the database ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
      503,
      { file },
    ),
  notFound: (what: string, id: string | number) =>
    new ActionhostError('AH_NOT_FOUND', `${what} ${id} does not exist`, 404, { what, id }),
} as const;
