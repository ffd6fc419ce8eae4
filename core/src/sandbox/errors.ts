// Every way a sandboxed invocation can fail, each with a stable code. A failure here is the plugin's own:
// the host and other invocations keep running.
import { ActionhostError, type ErrorDetails, errorFactory } from '@actionhost/sdk';

const fail = errorFactory;

export const SandboxErrors = {
  inputInvalid: fail('AH_INPUT_INVALID', 400),
  outputInvalid: fail('AH_OUTPUT_INVALID', 502),
  pathUndeclared: fail('AH_PATH_UNDECLARED', 502),
  pluginInvalid: fail('AH_PLUGIN_INVALID', 502),
  timeout: fail('AH_PLUGIN_TIMEOUT', 504),
  outOfMemory: fail('AH_PLUGIN_OUT_OF_MEMORY', 502),
  crashed: fail('AH_PLUGIN_CRASHED', 502),
  threw: fail('AH_PLUGIN_THREW', 502),
  outputTooLarge: fail('AH_OUTPUT_TOO_LARGE', 502),
  hostCallLimit: fail('AH_HOST_CALL_LIMIT', 502),
  capabilityDenied: fail('AH_CAPABILITY_DENIED', 403),
  entryMissing: fail('AH_ENTRY_UNSUPPORTED', 400),
  cancelled: fail('AH_INVOCATION_CANCELLED', 499),
  closed: fail('AH_SANDBOX_CLOSED', 503),
} as const;

/** Rebuilds an error that crossed the worker boundary as plain JSON. */
export function errorFromWire(
  wire: { code: string; message: string; details?: ErrorDetails },
  status = 502,
): ActionhostError {
  return new ActionhostError(wire.code, wire.message, status, wire.details ?? {});
}
