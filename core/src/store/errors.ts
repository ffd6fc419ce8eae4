// Errors of the embedded store.
import { ActionhostError } from '@actionhost/sdk';

export const StoreErrors = {
  unavailable: (file: string, cause: unknown) =>
    new ActionhostError('AH_STORE_UNAVAILABLE',
      `cannot open the database ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, 503, { file }),
  notFound: (what: string, id: string | number) =>
    new ActionhostError('AH_NOT_FOUND', `${what} ${id} does not exist`, 404, { what, id }),
} as const;
