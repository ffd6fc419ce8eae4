// WorkflowService: drafts (validated on every save), publishing (resolve, check mappings, pin), Test Connection,
// and reading executions back. The engine (engine.ts) runs what this publishes.
import { randomUUID } from 'node:crypto';
import type { Json } from '@actionhost/sdk';
import type { Store } from '../store/index.ts';
import { TRIGGER_NODE_ID, isAction, type WorkflowDefinition } from './definition.ts';
import { WorkflowErrors } from './errors.ts';
import { readPath, renderValue } from './placeholders.ts';
import { openInputs, sealInputs, type SecretSealer } from './secret-inputs.ts';
import type { AppIntegrationResolver, PluginCatalog, PluginRunner, SecretValues } from './ports.ts';
import { resolveAction, resolveActions } from './publish.ts';
import { redactInputs, redactValues } from './redact.ts';
import { WorkflowRepository } from './repository.ts';
import type {
  Execution,
  ExecutionSummary,
  PinnedAction,
  TestConnectionResult,
  TestConnectionSample,
  WorkflowRecord,
  WorkflowView,
} from './records.ts';
import { DEFAULT_CUSTOM_FIELDS, readRequestPath, requestFieldCatalog } from './request-data.ts';
import { previewPublish, type PublishPreview } from './preview.ts';
import { dataSourceOf, parseDefinition, validateDefinition, type ValidationContext } from './validate.ts';

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
  clock?: () => Date;
}

/** What Test Connection reads when the caller gives no sample request. */
export const SAMPLE_REQUEST: Record<string, Json> = {
  internalId: 0,
  displayId: 'INC-0',
  kind: 'incident',
  subject: 'Sample request',
  description: 'Test Connection sample',
  category: 'Hardware',
  department: 'IT',
  status: 'Open',
  priority: 'Low',
  requester: { name: 'Sample Requester', email: 'requester@example.com', username: 'requester' },
  template: null,
  customFields: { ipAddress: '127.0.0.1' },
  createdAt: '1970-01-01T00:00:00.000Z',
  updatedAt: '1970-01-01T00:00:00.000Z',
};

export class WorkflowService {
  readonly repository: WorkflowRepository;
  readonly #options: WorkflowServiceOptions;
  readonly #context: ValidationContext;

  constructor(options: WorkflowServiceOptions) {
    this.#options = options;
    this.repository = new WorkflowRepository(options.store, options.clock);
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
    if (outcome === 'missing') throw WorkflowErrors.workflowNotFound(`workflow ${id} does not exist`, { id });
    if (outcome === 'published') {
      throw WorkflowErrors.workflowPublished(`workflow ${id} has been published: only a draft can be deleted`, { id });
    }
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
    const record = this.#record(id);
    const definition = parseDefinition(record.definition);
    const graph = validateDefinition(definition, this.#context);
    const resolved = await resolveActions(graph, this.#options);
    const outputSchemas = new Map([...resolved].map(([nodeId, action]) => [nodeId, action.plugin.manifest.output]));
    // Checked again with what will actually run: App Integration defaults merged in, upstream output schemas known.
    const effective = {
      ...definition,
      nodes: definition.nodes.map((node) =>
        resolved.has(node.id) ? { ...node, inputs: resolved.get(node.id)!.inputs } : node,
      ),
    };
    validateDefinition(effective, { ...this.#context, outputSchemas });
    const actions: Record<string, PinnedAction> = {};
    for (const [nodeId, { plugin: _plugin, ...pinned }] of resolved) actions[nodeId] = pinned;
    const previous = this.repository.getPublished(id);
    const owner = `workflow:${id}`;
    const { catalog } = this.#options;
    try {
      await catalog.unpin(owner);
      for (const action of new Set(Object.values(actions).map((a) => `${a.name}\u0000${a.version}`))) {
        const [name, version] = action.split('\u0000');
        await catalog.pin(name, version, owner);
      }
      this.repository.publish(id, definition, actions);
    } catch (error) {
      await this.#restorePins(owner, previous?.actions ?? {});
      throw error;
    }
    return this.get(id);
  }

  async #restorePins(owner: string, actions: Record<string, PinnedAction>): Promise<void> {
    try {
      await this.#options.catalog.unpin(owner);
      for (const action of Object.values(actions)) await this.#options.catalog.pin(action.name, action.version, owner);
    } catch {
      /* best effort: the original error is the one to report */
    }
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
    const record = this.#record(id);
    const graph = validateDefinition(parseDefinition(record.definition), this.#context);
    const entry = graph.byId.get(nodeId);
    if (!entry) throw WorkflowErrors.nodeNotFound(`workflow ${id} has no node "${nodeId}"`, { node: nodeId });
    if (!isAction(entry.node))
      throw WorkflowErrors.nodeNotAction(`node "${nodeId}" is a condition: only action nodes connect to anything`, {
        node: nodeId,
      });
    const node = entry.node;
    const action = await resolveAction(node, entry.index, this.#options);
    const plugin = `${action.name}@${action.version}`;
    if (!action.plugin.manifest.testConnection) {
      throw WorkflowErrors.testConnectionUnsupported(`${plugin} has no Test Connection`, { node: nodeId, plugin });
    }
    const request = { ...SAMPLE_REQUEST, ...(sample.request ?? {}) };
    const nodes = sample.nodes ?? {};
    const inputs = renderValue(
      action.inputs,
      (ref) => {
        if (ref.kind === 'node')
          return ref.part === 'path'
            ? (nodes[ref.node]?.path ?? null)
            : (readPath(nodes[ref.node]?.output ?? null, ref.path) ?? null);
        const from = dataSourceOf(graph, node.source);
        return from === TRIGGER_NODE_ID
          ? readRequestPath(request, ref.path)
          : (readPath(nodes[from]?.output ?? null, ref.path) ?? null);
      },
      `/nodes/${entry.index}/inputs`,
    );
    const secrets = [...((await this.#options.secrets?.secretValues()) ?? [])];
    const opened = openInputs(inputs, this.#options.sealer, secrets);
    const outcome = await this.#options.runner.run(
      { name: action.name, version: action.version, integrity: action.integrity },
      opened,
      {
        entry: 'testConnection',
        idempotencyKey: `test:${id}:${nodeId}:${randomUUID()}`,
        bindings: {
          workflowId: id,
          nodeId,
          testConnection: true,
          ...(action.applicationId !== undefined ? { applicationId: action.applicationId } : {}),
        },
        signal,
      },
    );
    return {
      plugin,
      integrity: action.integrity,
      inputs: redactInputs(inputs, action.inputSchema, secrets),
      path: outcome.path,
      output: redactValues(outcome.output, secrets),
      logs: (outcome.logs ?? []).map((log) => ({
        level: log.level,
        message: redactValues(log.message, secrets),
        at: log.at,
      })),
      durationMs: outcome.durationMs ?? null,
    };
  }

  getExecution(id: string): Execution {
    const execution = this.repository.getExecution(id);
    if (!execution) throw WorkflowErrors.executionNotFound(`execution ${id} does not exist`, { id });
    return execution;
  }

  listExecutions(filter: Parameters<WorkflowRepository['listExecutions']>[0] = {}): ExecutionSummary[] {
    return this.repository.listExecutions(filter);
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
    if (!record) throw WorkflowErrors.workflowNotFound(`workflow ${id} does not exist`, { id });
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
