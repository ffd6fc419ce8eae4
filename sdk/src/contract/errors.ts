// The one error type every actionhost package raises: a stable code, an HTTP status, structured details.
// Tests assert on `code`; the API serialises `toJSON()`; the CLI prints `message` and exits non-zero.

export interface ErrorDetails {
  /** JSON path of the offending value, e.g. "/input/Request.Id" or "package/plugin.json#/version" */
  path?: string;
  /** name@version of the plugin concerned */
  plugin?: string;
  [key: string]: unknown;
}

export class ActionhostError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: ErrorDetails;

  constructor(code: string, message: string, status = 400, details: ErrorDetails = {}) {
    super(message);
    this.name = 'ActionhostError';
    this.code = code;
    this.status = status;
    this.details = details;
  }

  toJSON(): { code: string; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isActionhostError(value: unknown): value is ActionhostError {
  return (
    value instanceof ActionhostError ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'ActionhostError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}

/** The constructor of one error code, for a package's errors.ts: `notFound: errorFactory('AH_X_NOT_FOUND', 404)`. */
export function errorFactory(
  code: string,
  status: number,
): (message: string, details?: ErrorDetails) => ActionhostError {
  return (message, details = {}) => new ActionhostError(code, message, status, details);
}

/** Contract-level codes (manifest and ABI). Other packages keep their own in their own errors.ts. */
export const ContractErrors = {
  manifestInvalid: (message: string, path?: string) =>
    new ActionhostError('AH_MANIFEST_INVALID', message, 400, path ? { path } : {}),
  hostRangeUnsupported: (plugin: string, range: string, hostVersion: string) =>
    new ActionhostError(
      'AH_HOST_RANGE_UNSUPPORTED',
      `${plugin} needs host ${range}, this host's plugin ABI is ${hostVersion}`,
      400,
      { plugin, range, hostVersion },
    ),
} as const;
