// How a published workflow runs: intake of ITSM events, the queue and the engine, each execution walked step by
// step (retries, per-plugin limits, secrets redacted), executions and their steps in the store, Test Connection.
export { WorkflowEngine, type WorkflowEngineOptions, type EngineStats } from './engine.ts';
export { SqliteExecutionQueue } from './sqlite-queue.ts';
export { SqliteExecutionRepository, type SqliteExecutionRepositoryOptions } from './sqlite-repository.ts';
// The same ports on PostgreSQL, for several hosts on one database (issue 14).
export { PostgresExecutionQueue } from './postgres-queue.ts';
export {
  PostgresExecutionRepository,
  type PostgresExecutionRepositoryOptions,
  type PostgresAuditSink,
} from './postgres-repository.ts';
export { PostgresLeases, type PostgresLeaseOptions } from './postgres-leases.ts';
export { newHostId } from './host-id.ts';
export { WORKFLOW_POSTGRES_MIGRATIONS } from './postgres-migrations.ts';
export {
  Execution,
  ExecutionSummary,
  Step,
  ExecutionStatus,
  ExecutionOutcome,
  ExecutionTrigger,
  ExecutionFilter,
  ExecutionPage,
  ErrorSummary,
} from './stored-execution.ts';
export { enqueueRetry } from './retry-execution.ts';
export { RETRYABLE_CODES, judgeAttempt, retryDelayMs, readRetryAfter, type RetryVerdict } from './retry-policy.ts';
export { MAX_INTERRUPTIONS, STEP_INTERRUPTED } from './run.ts';
export { MAX_OUTPUT_DEPTH } from './steps.ts';
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
  ExecutionQueue,
  ExecutionRepository,
  NewExecution,
  ClaimedExecution,
  StepStart,
  StepEnd,
  StepAudit,
  ExecutionEnd,
  EngineObserver,
} from './ports.ts';
