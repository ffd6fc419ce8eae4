// Errors of the service-desk records (requests, configuration items, relations, audit trail, outbox).
// Stable codes; the API maps `status` to the HTTP response and serialises `details`.
import { ActionhostError } from '@actionhost/sdk';
import type { z } from 'zod';

/** "/customFields/ipAddress" from a zod issue path. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return '/' + path.map((part) => String(part).replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
}

export const ItsmErrors = {
  requestNotFound: (internalId: number) =>
    new ActionhostError('AH_REQUEST_NOT_FOUND', `request ${internalId} does not exist`, 404, { requestId: internalId }),
  ciNotFound: (ciId: number) =>
    new ActionhostError('AH_CI_NOT_FOUND', `configuration item ${ciId} does not exist`, 404, { ciId }),
  eventNotFound: (eventId: number) =>
    new ActionhostError('AH_EVENT_NOT_FOUND', `outbox event ${eventId} does not exist`, 404, { eventId }),
  /** The first zod issue names the path; all issues travel in details.issues. */
  validationFailed: (what: string, error: z.ZodError) => {
    const issues = error.issues.map((issue) => ({ path: jsonPointer(issue.path), message: issue.message }));
    const first = issues[0] ?? { path: '/', message: 'invalid' };
    return new ActionhostError(
      'AH_VALIDATION_FAILED',
      `invalid ${what}: ${first.path === '/' ? '' : first.path + ' '}${first.message}`,
      400,
      { path: first.path, issues },
    );
  },
} as const;

/** Parses with a zod schema or throws AH_VALIDATION_FAILED (status 400) naming the path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw ItsmErrors.validationFailed(what, result.error);
  return result.data;
}
