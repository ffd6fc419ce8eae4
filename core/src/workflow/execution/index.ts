// How a published workflow runs: intake of ITSM events, the queue and the engine, each execution walked step by
// step (retries, per-plugin limits, secrets redacted), executions and their steps in the store, Test Connection.
export { WorkflowEngine, type WorkflowEngineOptions } from './engine.ts';
export { WorkflowRepository, STEP_INTERRUPTED } from './repository.ts';
export {
  Execution,
  ExecutionSummary,
  Step,
  ExecutionStatus,
  ExecutionTrigger,
  ErrorSummary,
} from './stored-execution.ts';
export { enqueueRetry } from './retry-execution.ts';
export { RETRYABLE_CODES, judgeAttempt, retryDelayMs, readRetryAfter, type RetryVerdict } from './retry-policy.ts';
export { MAX_INTERRUPTIONS } from './run.ts';
export { triggerMatches } from './trigger.ts';
export { redactInputs, redactValues } from './redact.ts';
export {
  testNodeConnection,
  TestConnectionSample,
  TestConnectionResult,
  SAMPLE_REQUEST,
  type TestConnectionDeps,
} from './test-connection.ts';
export type {
  PluginRunner,
  PluginRef,
  PluginOutcome,
  RequestSource,
  RequestEvent,
  AuditSink,
  SecretValues,
} from './ports.ts';
