// What a workflow is: the definition schema, the placeholder language, conditions, validation, publishing with
// pinned plugin versions, sealed secrets in Input Mappings, and the drafts and published versions in the store.
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
  RetryPolicy,
  DEFAULT_RETRY_POLICY,
  TRIGGER_NODE_ID,
  isAction,
  startNodes,
  type WorkflowDefinitionInput,
} from './schema.ts';
export { WorkflowErrors, asActionhostError } from './errors.ts';
export {
  parseTemplate,
  collectReferences,
  readPath,
  defineKey,
  hasPlaceholder,
  pointerEscape,
  type Reference,
} from './placeholders.ts';
export { renderInputs, renderValue, type RenderOptions } from './render.ts';
export { valueFormOf, isSealed, type ValueForm, type SealedInput } from './value-forms.ts';
export { evaluateCondition, evaluateRule } from './conditions.ts';
export {
  REQUEST_FIELDS,
  DEFAULT_CUSTOM_FIELDS,
  readRequestPath,
  isRequestField,
  requestFieldCatalog,
} from './request-data.ts';
export {
  parseDefinition,
  validateDefinition,
  zodToError,
  dataSourceOf,
  parseFieldReference,
  type ValidationContext,
  type WorkflowGraph,
} from './validate.ts';
export { propertySchemas } from './json-schema.ts';
export { checkMappings } from './mappings.ts';
export { parsePluginSpec, resolveAction, resolveActions, publishWorkflow } from './publish.ts';
export { previewPublish, PublishPreview, PublishProblem } from './preview.ts';
export { sealInputs, destinationOf, type SealBinding, type SecretSealer } from './secret-inputs.ts';
export { Problems } from './problems.ts';
export { DefinitionRepository, SqlitePublishedWorkflows } from './repository.ts';
export { WORKFLOW_MIGRATIONS, migrateWorkflowTables } from './migrations.ts';
export {
  WorkflowRecord,
  WorkflowView,
  PublishedWorkflow,
  PublishedSummary,
  PublishedVersion,
  PinnedAction,
} from './stored-workflow.ts';
export type { PluginCatalog, ResolvedPlugin, AppIntegrationResolver, ResolvedAppIntegration } from './ports.ts';
export { EXAMPLE_WORKFLOWS, INCIDENT_CI_LINKING, EMPLOYEE_ONBOARDING } from './examples.ts';
