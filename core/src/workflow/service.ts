// WorkflowService: the editors' door to the workflow concern. It saves drafts (validated, secrets sealed) and
// publishes them (definition/), runs Test Connection and reads executions back (execution/). The engine runs
// what it publishes.
import type { Store } from '../store/index.ts';
import {
  DEFAULT_CUSTOM_FIELDS,
  DefinitionRepository,
  WorkflowErrors,
  isAction,
  parseDefinition,
  previewPublish,
  publishWorkflow,
  requestFieldCatalog,
  sealInputs,
  validateDefinition,
  type AppIntegrationResolver,
  type PluginCatalog,
  type PublishPreview,
  type SecretSealer,
  type ValidationContext,
  type WorkflowDefinition,
  type WorkflowRecord,
  type WorkflowView,
} from './definition/index.ts';
import {
  SqliteExecutionRepository,
  testNodeConnection,
  type Execution,
  type ExecutionFilter,
  type ExecutionPage,
  type ExecutionRepository,
  type PluginRunner,
  type SecretValues,
  type TestConnectionResult,
  type TestConnectionSample,
} from './execution/index.ts';

export interface WorkflowServiceOptions {
  store: Store;
  catalog: PluginCatalog;
  runner: PluginRunner;
  appIntegrations?: AppIntegrationResolver;
  secrets?: SecretValues;
  /** Seals literal secrets in Input Mappings when a workflow is saved (the credential store). */
  sealer?: SecretSealer;
  /** Custom fields placeholders may name without the `customFields.` prefix (default: the CI identifier fields). */
  customFieldNames?: readonly string[];
  /** Where executions are read (default: the SQLite store's). */
  executions?: ExecutionRepository;
  clock?: () => Date;
}

export class WorkflowService {
  readonly repository: DefinitionRepository;
  readonly executions: ExecutionRepository;
  readonly #options: WorkflowServiceOptions;
  readonly #context: ValidationContext;

  constructor(options: WorkflowServiceOptions) {
    this.#options = options;
    this.repository = new DefinitionRepository(options.store, options.clock);
    this.executions = options.executions ?? new SqliteExecutionRepository(options.store, { now: options.clock });
    this.#context = { customFieldNames: new Set(options.customFieldNames ?? DEFAULT_CUSTOM_FIELDS) };
  }

  /** Validates and stores a new draft. */
  create(input: unknown): WorkflowView {
    const definition = this.#validate(input);
    return this.#view(this.repository.createWorkflow(definition));
  }

  /** Replaces a draft; the published version (if any) keeps running until the next publish. */
  update(id: string, input: unknown): WorkflowView {
    this.#record(id);
    const definition = this.#validate(input);
    return this.#view(this.repository.updateWorkflow(id, definition)!);
  }

  get(id: string): WorkflowView {
    return this.#view(this.#record(id));
  }

  list(): WorkflowView[] {
    return this.repository.listWorkflows().map((record) => this.#view(record));
  }

  /** Deletes a draft that was never published (AH_WORKFLOW_PUBLISHED for one that was). */
  delete(id: string): void {
    const outcome = this.repository.deleteDraft(id);
    if (outcome === 'missing') throw WorkflowErrors.workflowNotFound({ id }, { id });
    if (outcome === 'published') throw WorkflowErrors.workflowPublished({ id }, { id });
  }

  /**
   * What publishing would do with `input` (default: the stored draft): every problem at once, the versions it
   * would pin and what changed since the active published version. Stores and pins nothing.
   */
  async preview(id: string, input?: unknown): Promise<PublishPreview> {
    const record = this.#record(id);
    return previewPublish(input ?? record.definition, this.#context, this.#options, this.repository.getPublished(id));
  }

  /** The request fields placeholders and conditions may read (the placeholder picker's list). */
  requestFields(): { fields: string[]; openPrefixes: string[] } {
    return requestFieldCatalog(this.#context.customFieldNames);
  }

  /**
   * Resolves every plugin to the highest installed version, checks Input Mappings against its input schema,
   * checks placeholders against upstream output schemas, pins the versions and stores a new published version.
   * Nothing is stored or pinned when any check fails.
   */
  async publish(id: string): Promise<WorkflowView> {
    const { catalog, appIntegrations } = this.#options;
    await publishWorkflow(this.#record(id), {
      repository: this.repository,
      context: this.#context,
      catalog,
      appIntegrations,
    });
    return this.get(id);
  }

  /**
   * Runs the node's plugin `testConnection` entry with the node's mappings built against sample data, without
   * running the workflow. Uses the draft and the highest installed version (what a publish would pin).
   */
  async testConnection(
    id: string,
    nodeId: string,
    sample: TestConnectionSample = {},
    signal?: AbortSignal,
  ): Promise<TestConnectionResult> {
    const graph = validateDefinition(parseDefinition(this.#record(id).definition), this.#context);
    return testNodeConnection(this.#options, id, graph, nodeId, sample, signal);
  }

  async getExecution(id: string): Promise<Execution> {
    const execution = await this.executions.getExecution(id);
    if (!execution) throw WorkflowErrors.executionNotFound({ id, problem: 'does not exist' }, { id });
    return execution;
  }

  /** One page of executions, newest first (`nextCursor` continues it). */
  async listExecutions(filter: ExecutionFilter = {}): Promise<ExecutionPage> {
    return this.executions.listExecutions(filter);
  }

  #validate(input: unknown): WorkflowDefinition {
    const definition = parseDefinition(input);
    validateDefinition(definition, this.#context);
    const { sealer } = this.#options;
    if (!sealer) return definition;
    return {
      ...definition,
      nodes: definition.nodes.map((node) =>
        isAction(node) ? { ...node, inputs: sealInputs(node.inputs, sealer) } : node,
      ),
    };
  }

  #record(id: string): WorkflowRecord {
    const record = this.repository.getWorkflow(id);
    if (!record) throw WorkflowErrors.workflowNotFound({ id }, { id });
    return record;
  }

  #view(record: WorkflowRecord): WorkflowView {
    const published = this.repository.getPublished(record.id);
    return {
      ...record,
      published: published && {
        version: published.version,
        publishedAt: published.publishedAt,
        plugins: Object.fromEntries(
          Object.entries(published.actions).map(([nodeId, a]) => [
            nodeId,
            {
              name: a.name,
              version: a.version,
              integrity: a.integrity,
              ...(a.applicationId !== undefined ? { applicationId: a.applicationId } : {}),
            },
          ]),
        ),
      },
    };
  }
}
