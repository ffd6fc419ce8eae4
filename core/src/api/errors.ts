// Every error the HTTP API itself raises, and the one JSON error body all routes answer with:
// `{ "error": { "code", "message", "details" } }`.
import { ActionhostError, isActionhostError, type ErrorDetails, errorFactory } from '@actionhost/sdk';
import type { ZodError } from 'zod';
import { storeFaultOf } from '../store/index.ts';

const fail = errorFactory;

export const ApiErrors = {
  unauthenticated: fail('AH_UNAUTHENTICATED', 401),
  forbidden: fail('AH_FORBIDDEN', 403),
  validation: fail('AH_VALIDATION_FAILED', 400),
  bodyMalformed: fail('AH_BODY_MALFORMED', 400),
  bodyTooLarge: fail('AH_BODY_TOO_LARGE', 413),
  unsupportedMediaType: fail('AH_UNSUPPORTED_MEDIA_TYPE', 415),
  routeNotFound: fail('AH_ROUTE_NOT_FOUND', 404),
  badRequest: fail('AH_BAD_REQUEST', 400),
  engineUnavailable: fail('AH_ENGINE_UNAVAILABLE', 503),
  internal: fail('AH_INTERNAL', 500),
} as const;

export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetails };
}

/** A zod failure as AH_VALIDATION_FAILED, pointing (RFC 6901) at the first offending value under `where`. */
export function validationError(error: ZodError, where: 'body' | 'query' | 'params'): ActionhostError {
  const issues = error.issues.map((issue) => ({
    path: '/' + issue.path.map((key) => String(key).replace(/~/g, '~0').replace(/\//g, '~1')).join('/'),
    message: issue.message,
  }));
  const first = issues[0] ?? { path: '/', message: 'is invalid' };
  return ApiErrors.validation(`${where} ${first.path}: ${first.message}`, { path: first.path, in: where, issues });
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
      return ApiErrors.bodyTooLarge('the request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return ApiErrors.unsupportedMediaType('this route does not take that Content-Type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return ApiErrors.bodyMalformed('the request body is not valid JSON');
  }
  if (error instanceof SyntaxError || (e.statusCode === 400 && /JSON/i.test(e.message ?? ''))) {
    return ApiErrors.bodyMalformed('the request body is not valid JSON');
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ActionhostError(
      'AH_BAD_REQUEST',
      e.message ?? 'bad request',
      e.statusCode,
      e.code ? { reason: e.code } : {},
    );
  }
  return ApiErrors.internal('internal error');
}

/** What leaves the process for a 5xx: the code and a fixed message, never a cause's text or stack. */
export function publicError(error: ActionhostError): ActionhostError {
  return error.code === 'AH_INTERNAL' && error.message !== 'internal error'
    ? ApiErrors.internal('internal error')
    : error;
}

export function errorBody(error: ActionhostError): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details ?? {} } };
}
