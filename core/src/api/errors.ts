// Every error the HTTP API itself raises (codes from core's error table), and the one JSON error body all routes
// answer with: `{ "error": { "code", "message", "details" } }`.
import { isActionhostError, type ActionhostError, type ErrorDetails } from '@actionhost/sdk';
import type { ZodError } from 'zod';
import { CoreErrors, validationFailed } from '../errors/index.ts';
import { storeFaultOf } from '../store/index.ts';

export const ApiErrors = {
  unauthenticated: CoreErrors.AH_UNAUTHENTICATED,
  forbidden: CoreErrors.AH_FORBIDDEN,
  validation: CoreErrors.AH_VALIDATION_FAILED,
  bodyMalformed: CoreErrors.AH_BODY_MALFORMED,
  bodyTooLarge: CoreErrors.AH_BODY_TOO_LARGE,
  unsupportedMediaType: CoreErrors.AH_UNSUPPORTED_MEDIA_TYPE,
  routeNotFound: CoreErrors.AH_ROUTE_NOT_FOUND,
  badRequest: CoreErrors.AH_BAD_REQUEST,
  engineUnavailable: CoreErrors.AH_ENGINE_UNAVAILABLE,
  internal: CoreErrors.AH_INTERNAL,
} as const;

/** The only message a 5xx AH_INTERNAL leaves the process with. */
const PUBLIC_INTERNAL = 'internal error';

export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetails };
}

/** A zod failure as AH_VALIDATION_FAILED, pointing (RFC 6901) at the first offending value under `where`. */
export function validationError(error: ZodError, where: 'body' | 'query' | 'params'): ActionhostError {
  return validationFailed(where, error, { in: where });
}

function isZodError(error: unknown): error is ZodError {
  return (
    typeof error === 'object' &&
    error !== null &&
    Array.isArray((error as { issues?: unknown }).issues) &&
    ((error as { name?: string }).name === 'ZodError' || (error as { name?: string }).name === '$ZodError')
  );
}

/** Maps anything thrown inside a route (or by fastify itself) to an ActionhostError. Unknown → 500 without details. */
export function toActionhostError(error: unknown): ActionhostError {
  if (isActionhostError(error)) return error;
  if (isZodError(error)) return validationError(error, 'body');
  const storeFault = storeFaultOf(error);
  if (storeFault) return storeFault;
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: string;
    statusCode?: number;
    message?: string;
  };
  switch (e.code ?? '') {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return ApiErrors.bodyTooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return ApiErrors.unsupportedMediaType({ hint: 'send application/json' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return ApiErrors.bodyMalformed();
  }
  if (error instanceof SyntaxError || (e.statusCode === 400 && /JSON/i.test(e.message ?? ''))) {
    return ApiErrors.bodyMalformed();
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // fastify's own 4xx (its status kept): the one code whose status is not always the table's
    return ApiErrors.badRequest({ reason: e.message ?? 'refused' }, e.code ? { reason: e.code } : {}, {
      status: e.statusCode,
    });
  }
  return ApiErrors.internal({ cause: PUBLIC_INTERNAL });
}

/** What leaves the process for a 5xx: the code and a fixed message, never a cause's text or stack. */
export function publicError(error: ActionhostError): ActionhostError {
  return error.code === ApiErrors.internal.code && error.message !== PUBLIC_INTERNAL
    ? ApiErrors.internal({ cause: PUBLIC_INTERNAL })
    : error;
}

export function errorBody(error: ActionhostError): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details ?? {} } };
}
