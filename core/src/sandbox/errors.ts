// Every way a sandboxed invocation can fail, each with a stable code. A failure here is the plugin's own:
// the host and other invocations keep running. Codes, statuses and messages come from core's error table.
import { ActionhostError, type ErrorDetails } from '@actionhost/sdk';
import { CoreErrors } from '../errors/index.ts';

export const SandboxErrors = {
  inputInvalid: CoreErrors.AH_INPUT_INVALID,
  outputInvalid: CoreErrors.AH_OUTPUT_INVALID,
  pathUndeclared: CoreErrors.AH_PATH_UNDECLARED,
  pluginInvalid: CoreErrors.AH_PLUGIN_INVALID,
  timeout: CoreErrors.AH_PLUGIN_TIMEOUT,
  outOfMemory: CoreErrors.AH_PLUGIN_OUT_OF_MEMORY,
  crashed: CoreErrors.AH_PLUGIN_CRASHED,
  threw: CoreErrors.AH_PLUGIN_THREW,
  outputTooLarge: CoreErrors.AH_OUTPUT_TOO_LARGE,
  hostCallLimit: CoreErrors.AH_HOST_CALL_LIMIT,
  capabilityDenied: CoreErrors.AH_CAPABILITY_DENIED,
  capabilityUnavailable: CoreErrors.AH_CAPABILITY_UNAVAILABLE,
  capabilityFailed: CoreErrors.AH_CAPABILITY_FAILED,
  entryMissing: CoreErrors.AH_ENTRY_UNSUPPORTED,
  cancelled: CoreErrors.AH_INVOCATION_CANCELLED,
  busy: CoreErrors.AH_SANDBOX_BUSY,
  closed: CoreErrors.AH_SANDBOX_CLOSED,
} as const;

/** Rebuilds an error that crossed the worker boundary as plain JSON. */
export function errorFromWire(
  wire: { code: string; message: string; details?: ErrorDetails },
  status = 502,
): ActionhostError {
  return new ActionhostError(wire.code, wire.message, status, wire.details ?? {});
}
