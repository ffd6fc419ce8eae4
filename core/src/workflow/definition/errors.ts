// Every error the workflow concern raises: definition problems (found on save or publish), plugin resolution,
// input mappings, placeholders and run-time failures. Codes, statuses and messages come from core's error table.
import { ActionhostError, type ErrorDetails } from '@actionhost/sdk';
import { CoreErrors } from '../../errors/index.ts';

export const WorkflowErrors = {
  /** The definition does not match the schema (zod). */
  definitionInvalid: CoreErrors.AH_VALIDATION_FAILED,
  nodeIdDuplicate: CoreErrors.AH_NODE_ID_DUPLICATE,
  nodeIdReserved: CoreErrors.AH_NODE_ID_RESERVED,
  edgeUnknown: CoreErrors.AH_EDGE_TARGET_UNKNOWN,
  cycle: CoreErrors.AH_WORKFLOW_CYCLE,
  sourceUnknown: CoreErrors.AH_SOURCE_NODE_UNKNOWN,
  sourceNotUpstream: CoreErrors.AH_SOURCE_NODE_NOT_UPSTREAM,
  conditionValueRequired: CoreErrors.AH_CONDITION_VALUE_REQUIRED,
  placeholderSyntax: CoreErrors.AH_PLACEHOLDER_SYNTAX,
  placeholderUnknown: CoreErrors.AH_PLACEHOLDER_UNKNOWN,
  /** A placeholder that was valid at publish time had nothing to read at run time (e.g. its node did not run). */
  placeholderUnresolved: CoreErrors.AH_PLACEHOLDER_UNRESOLVED,
  pluginSpecInvalid: CoreErrors.AH_PLUGIN_SPEC_INVALID,
  pluginNotFound: CoreErrors.AH_PLUGIN_NOT_FOUND,
  pluginVersionNoMatch: CoreErrors.AH_PLUGIN_VERSION_NO_MATCH,
  /** The pinned version is installed with other bytes than were pinned. */
  pluginIntegrityMismatch: CoreErrors.AH_PLUGIN_INTEGRITY_MISMATCH,
  appIntegrationUnknown: CoreErrors.AH_APP_INTEGRATION_UNKNOWN,
  outputPathUnknown: CoreErrors.AH_OUTPUT_PATH_UNKNOWN,
  mappingKeyUnknown: CoreErrors.AH_MAPPING_KEY_UNKNOWN,
  mappingType: CoreErrors.AH_MAPPING_TYPE,
  mappingRequired: CoreErrors.AH_MAPPING_REQUIRED,
  workflowNotFound: CoreErrors.AH_WORKFLOW_NOT_FOUND,
  /** Only a draft that was never published may be deleted. */
  workflowPublished: CoreErrors.AH_WORKFLOW_PUBLISHED,
  nodeNotFound: CoreErrors.AH_NODE_NOT_FOUND,
  nodeNotAction: CoreErrors.AH_NODE_NOT_ACTION,
  executionNotFound: CoreErrors.AH_EXECUTION_NOT_FOUND,
  executionNotFinished: CoreErrors.AH_EXECUTION_NOT_FINISHED,
  executionNotRunning: CoreErrors.AH_EXECUTION_NOT_RUNNING,
  /** A user cancelled the execution (API, CLI) before it finished. */
  cancelled: CoreErrors.AH_EXECUTION_CANCELLED,
  /** Recorded on a step a crash or a stop cut short. */
  stepInterrupted: CoreErrors.AH_STEP_INTERRUPTED,
  stepInterruptedTooOften: CoreErrors.AH_STEP_INTERRUPTED_TOO_OFTEN,
  /** The backlog of events and queued executions passed the host's bound: the API refuses new work for a while. */
  hostBusy: CoreErrors.AH_HOST_BUSY,
  testConnectionUnsupported: CoreErrors.AH_TEST_CONNECTION_UNSUPPORTED,
  /** The engine caught something that is not an ActionhostError (a bug, or a port misbehaving). */
  internal: CoreErrors.AH_INTERNAL,
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
  return WorkflowErrors.internal({ cause: error instanceof Error ? error.message : String(error) });
}

/** The same error with extra details (e.g. the JSON path of the node that caused it). */
export function withDetails(error: unknown, details: ErrorDetails): ActionhostError {
  const base = asActionhostError(error);
  return new ActionhostError(base.code, base.message, base.status, { ...base.details, ...details });
}
