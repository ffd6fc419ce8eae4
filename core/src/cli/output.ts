// How every actionhost command reports: results on stdout (JSON where scripts read them), progress and
// errors on stderr, exit 1 for a failed operation and 2 for a usage mistake.
import { isActionhostError } from '@actionhost/sdk';
import { CoreErrors } from '../errors/index.ts';

export class UsageError extends Error {}

export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints an error the way users and scripts expect, and returns the exit code. */
export function reportError(error: unknown, json: boolean): number {
  if (error instanceof UsageError) {
    process.stderr.write(`usage error: ${error.message}\n`);
    return 2;
  }
  if (isActionhostError(error)) {
    if (json) printJson({ error: error.toJSON() });
    else process.stderr.write(`error ${error.code}: ${error.message}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  const internal = CoreErrors.AH_INTERNAL({ cause: message });
  if (json) printJson({ error: internal.toJSON() });
  else process.stderr.write(`error ${internal.code}: ${internal.message}\n`);
  return 1;
}
