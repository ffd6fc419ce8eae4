// Errors of the service-desk records (requests, configuration items, relations, audit trail, outbox); codes,
// statuses and messages come from core's error table. The API maps `status` to the response and sends `details`.
import type { z } from 'zod';
import { CoreErrors, jsonPointer, validationFailed } from '../errors/index.ts';

export { jsonPointer };

export const ItsmErrors = {
  requestNotFound: (internalId: number) =>
    CoreErrors.AH_REQUEST_NOT_FOUND({ id: internalId }, { requestId: internalId }),
  ciNotFound: (ciId: number) => CoreErrors.AH_CI_NOT_FOUND({ id: ciId }, { ciId }),
  templateNotFound: (name: string, path?: string) =>
    CoreErrors.AH_TEMPLATE_NOT_FOUND({ name }, { template: name, ...(path ? { path } : {}) }),
  templateExists: (name: string) => CoreErrors.AH_TEMPLATE_EXISTS({ name }, { template: name, path: '/name' }),
  eventNotFound: (eventId: number) => CoreErrors.AH_EVENT_NOT_FOUND({ id: eventId }, { eventId }),
  /** The first zod issue names the path; all issues travel in details.issues. */
  validationFailed: (what: string, error: z.ZodError) => validationFailed(what, error),
} as const;

/** Parses with a zod schema or throws AH_VALIDATION_FAILED (status 400) naming the path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw ItsmErrors.validationFailed(what, result.error);
  return result.data;
}
