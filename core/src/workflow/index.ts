// Workflows: the definition schema, the placeholder language, publishing with pinned plugin versions, the
// engine that runs published workflows on ITSM events, and executions. Neighbours are reached through ports.ts.
export {
  WorkflowDefinition,
  Trigger,
  WorkflowNode,
  ConditionNode,
  ActionNode,
  ConditionRule,
  ConditionOperator,
  NodeId,
  PluginSpec,
  JsonValue,
  TRIGGER_NODE_ID,
  type WorkflowDefinitionInput,
} from './definition.ts';
export { WorkflowErrors, asActionhostError } from './errors.ts';
export { parseTemplate, renderValue, collectReferences, type Reference } from './placeholders.ts';
export { evaluateCondition, evaluateRule } from './conditions.ts';
export { parseDefinition, validateDefinition, zodToError } from './validate.ts';
export { triggerMatches } from './trigger.ts';
export { parsePluginSpec, checkMappings } from './publish.ts';
export { redactInputs, redactValues, REDACTED } from './redact.ts';
export { WorkflowRepository } from './repository.ts';
export {
  WorkflowRecord,
  WorkflowView,
  PublishedWorkflow,
  PublishedSummary,
  PinnedAction,
  Execution,
  ExecutionSummary,
  Step,
  StepLog,
  ExecutionStatus,
  ExecutionTrigger,
  ErrorSummary,
  TestConnectionSample,
  TestConnectionResult,
} from './records.ts';
export { WorkflowService, SAMPLE_REQUEST, type WorkflowServiceOptions } from './service.ts';
export { PublishPreview, PublishProblem } from './preview.ts';
export { WorkflowEngine, type WorkflowEngineOptions } from './engine.ts';
export { enqueueRetry } from './retry-execution.ts';
export {
  RetryPolicy,
  DEFAULT_RETRY_POLICY,
  RETRYABLE_CODES,
  judgeAttempt,
  retryDelayMs,
  readRetryAfter,
  type RetryVerdict,
} from './retry-policy.ts';
export { STEP_INTERRUPTED } from './repository.ts';
export type {
  PluginCatalog,
  PluginRunner,
  PluginRef,
  PluginOutcome,
  ResolvedPlugin,
  RequestSource,
  RequestEvent,
  FieldChange,
  AuditSink,
  PluginExecutionAudit,
  AppIntegrationResolver,
  ResolvedAppIntegration,
  SecretValues,
} from './ports.ts';
export { createSandboxRunner, type InstalledPlugins, type PluginSandbox } from './sandbox-runner.ts';
export { EXAMPLE_WORKFLOWS, INCIDENT_CI_LINKING, EMPLOYEE_ONBOARDING } from './examples.ts';
export { sealInputs, openInputs, isSealed, type SecretSealer, type SealedInput } from './secret-inputs.ts';
