// Every error the workflow concern raises: definition problems (found on save or publish), plugin resolution,
// input mappings, placeholders and run-time failures. Each carries a stable code and, where it applies, a JSON path.
import { ActionhostError, type ErrorDetails } from '@actionhost/sdk';

const fail =
  (code: string, status: number) =>
  (message: string, details: ErrorDetails = {}) =>
    new ActionhostError(code, message, status, details);

export const WorkflowErrors = {
  /** The definition does not match the schema (zod). */
  definitionInvalid: fail('AH_VALIDATION_FAILED', 400),
  nodeIdDuplicate: fail('AH_NODE_ID_DUPLICATE', 400),
  nodeIdReserved: fail('AH_NODE_ID_RESERVED', 400),
  edgeUnknown: fail('AH_EDGE_TARGET_UNKNOWN', 400),
  cycle: fail('AH_WORKFLOW_CYCLE', 400),
  sourceUnknown: fail('AH_SOURCE_NODE_UNKNOWN', 400),
  sourceNotUpstream: fail('AH_SOURCE_NODE_NOT_UPSTREAM', 400),
  conditionValueRequired: fail('AH_CONDITION_VALUE_REQUIRED', 400),
  placeholderSyntax: fail('AH_PLACEHOLDER_SYNTAX', 400),
  placeholderUnknown: fail('AH_PLACEHOLDER_UNKNOWN', 400),
  /** A placeholder that was valid at publish time had nothing to read at run time (e.g. its node did not run). */
  placeholderUnresolved: fail('AH_PLACEHOLDER_UNRESOLVED', 422),
  pluginSpecInvalid: fail('AH_PLUGIN_SPEC_INVALID', 400),
  pluginNotFound: fail('AH_PLUGIN_NOT_FOUND', 404),
  pluginVersionNoMatch: fail('AH_PLUGIN_VERSION_NO_MATCH', 404),
  appIntegrationUnknown: fail('AH_APP_INTEGRATION_UNKNOWN', 404),
  outputPathUnknown: fail('AH_OUTPUT_PATH_UNKNOWN', 400),
  mappingKeyUnknown: fail('AH_MAPPING_KEY_UNKNOWN', 400),
  mappingType: fail('AH_MAPPING_TYPE', 400),
  mappingRequired: fail('AH_MAPPING_REQUIRED', 400),
  workflowNotFound: fail('AH_WORKFLOW_NOT_FOUND', 404),
  /** Only a draft that was never published may be deleted: executions and pins refer to published versions. */
  workflowPublished: fail('AH_WORKFLOW_PUBLISHED', 409),
  nodeNotFound: fail('AH_NODE_NOT_FOUND', 404),
  nodeNotAction: fail('AH_NODE_NOT_ACTION', 400),
  executionNotFound: fail('AH_EXECUTION_NOT_FOUND', 404),
  executionNotFinished: fail('AH_EXECUTION_NOT_FINISHED', 409),
  executionNotRunning: fail('AH_EXECUTION_NOT_RUNNING', 409),
  /** A user cancelled the execution (API, CLI) before it finished. */
  cancelled: fail('AH_EXECUTION_CANCELLED', 409),
  /** The backlog of events and queued executions passed the host's bound: the API refuses new work for a while. */
  hostBusy: fail('AH_HOST_BUSY', 503),
  testConnectionUnsupported: fail('AH_TEST_CONNECTION_UNSUPPORTED', 400),
  /** The engine caught something that is not an ActionhostError (a bug, or a port misbehaving). */
  internal: fail('AH_INTERNAL', 500),
} as const;

/** Returns `error` as an ActionhostError, keeping code/status/details when it already is one. */
export function asActionhostError(error: unknown): ActionhostError {
  if (error instanceof ActionhostError) return error;
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    String((error as { code: string }).code).startsWith('AH_')
  ) {
    const e = error as { code: string; message?: string; status?: number; details?: ErrorDetails };
    return new ActionhostError(e.code, e.message ?? e.code, e.status ?? 500, e.details ?? {});
  }
  return WorkflowErrors.internal(error instanceof Error ? error.message : String(error));
}

/** The same error with extra details (e.g. the JSON path of the node that caused it). */
export function withDetails(error: unknown, details: ErrorDetails): ActionhostError {
  const base = asActionhostError(error);
  return new ActionhostError(base.code, base.message, base.status, { ...base.details, ...details });
}
