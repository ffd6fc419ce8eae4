// WorkflowService: the editors' door to the workflow concern. It saves drafts (validated, secrets sealed) and
// publishes them (definition/), runs Test Connection and reads executions back (execution/). The engine runs
// what it publishes.
import { randomUUID } from 'node:crypto';
import { PostgresStore, SqliteDatabase, type Database } from '../store/index.ts';
import {
  DEFAULT_CUSTOM_FIELDS,
  DefinitionRepository,
  Problems,
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
  type PublishedVersion,
  type PublishedWorkflow,
  type ValidationContext,
  type WorkflowDefinition,
  type WorkflowRecord,
  type WorkflowView,
} from './definition/index.ts';
import {
  PostgresExecutionQueue,
  PostgresExecutionRepository,
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
import {
  exportWorkflow,
  planImport,
  type CapabilityApprovals,
  type CredentialDirectory,
  type ExportFrom,
  type ImportOptions,
  type TransferDeps,
  type WorkflowExport,
  type WorkflowImportResult,
} from './transfer/index.ts';

export interface WorkflowServiceOptions {
  db: Database;
  catalog: PluginCatalog;
  runner: PluginRunner;
  appIntegrations?: AppIntegrationResolver;
  secrets?: SecretValues;
  /** Seals literal secrets in Input Mappings when a workflow is saved (the credential store). */
  sealer?: SecretSealer;
  /** Custom fields placeholders may name without the `customFields.` prefix (default: the CI identifier fields). */
  customFieldNames?: readonly string[];
  /** The fields of the request templates (ItsmService.templateFieldNames): named like custom fields too. */
  templateFieldNames?: () => readonly string[] | Promise<readonly string[]>;
  /** Credential names and types, for export and import (never a secret; the credential store fits). */
  credentials?: CredentialDirectory;
  /** Capability approvals, checked by import when the host has them. */
  approvals?: CapabilityApprovals;
  /** Written into exports (`source.host`). */
  hostVersion?: string;
  /** Where executions are read (default: the database's, read through the engine's repository for it). */
  executions?: ExecutionRepository;
  clock?: () => Date;
}

export class WorkflowService {
  readonly repository: DefinitionRepository;
  readonly executions: ExecutionRepository;
  readonly #options: WorkflowServiceOptions;

  private constructor(
    options: WorkflowServiceOptions,
    repository: DefinitionRepository,
    executions: ExecutionRepository,
  ) {
    this.#options = options;
    this.repository = repository;
    this.executions = executions;
  }

  static async open(options: WorkflowServiceOptions): Promise<WorkflowService> {
    const { db, clock } = options;
    const repository = await DefinitionRepository.open(db, clock);
    return new WorkflowService(options, repository, options.executions ?? (await defaultExecutions(db, clock)));
  }

  /** Read when a workflow is checked: a template created since adds the custom fields placeholders may name. */
  async #context(): Promise<ValidationContext> {
    const { customFieldNames = DEFAULT_CUSTOM_FIELDS, templateFieldNames } = this.#options;
    return { customFieldNames: new Set([...customFieldNames, ...((await templateFieldNames?.()) ?? [])]) };
  }

  /** Validates and stores a new draft. */
  async create(input: unknown): Promise<WorkflowView> {
    // The id is chosen first: the node secrets sealed on this save are bound to it.
    const id = `wf_${randomUUID()}`;
    const definition = await this.#validate(input, id);
    return this.#view(await this.repository.createWorkflow(definition, id));
  }

  /** Replaces a draft; the published version (if any) keeps running until the next publish. */
  async update(id: string, input: unknown): Promise<WorkflowView> {
    await this.#record(id);
    const definition = await this.#validate(input, id);
    return this.#view((await this.repository.updateWorkflow(id, definition))!);
  }

  async get(id: string): Promise<WorkflowView> {
    return this.#view(await this.#record(id));
  }

  async list(): Promise<WorkflowView[]> {
    const views: WorkflowView[] = [];
    for (const record of await this.repository.listWorkflows()) views.push(await this.#view(record));
    return views;
  }

  /**
   * What publishing would do with `input` (default: the stored draft): every problem at once, the versions it
   * would pin and what changed since the active published version. Stores and pins nothing.
   */
  async preview(id: string, input?: unknown): Promise<PublishPreview> {
    const record = await this.#record(id);
    const published = await this.repository.getPublished(id);
    return previewPublish(input ?? record.definition, await this.#context(), this.#options, published);
  }

  /** The request fields placeholders and conditions may read (the placeholder picker's list). */
  async requestFields(): Promise<{ fields: string[]; openPrefixes: string[] }> {
    return requestFieldCatalog((await this.#context()).customFieldNames);
  }

  /**
   * Resolves every plugin to the highest installed version, checks Input Mappings against its input schema,
   * checks placeholders against upstream output schemas, pins the versions and stores a new published version.
   * Nothing is stored or pinned when any check fails. A version whose capabilities nobody approved is refused
   * (AH_CAPABILITIES_NOT_APPROVED) unless `approveCapabilitiesAs` names the admin approving it (the caller checks
   * the role).
   */
  async publish(id: string, options: { actor?: string; approveCapabilitiesAs?: string } = {}): Promise<WorkflowView> {
    const { catalog, appIntegrations } = this.#options;
    const record = await this.#record(id);
    // Every sealed value must open for its node here too (one sealed before values were bound does not).
    await this.#validate(record.definition, id);
    await publishWorkflow(record, {
      repository: this.repository,
      context: await this.#context(),
      catalog,
      appIntegrations,
      ...(options.actor !== undefined ? { actor: options.actor } : {}),
      approveAs: options.approveCapabilitiesAs,
    });
    return this.get(id);
  }

  /** Every published version, newest first, with who published it and when. */
  async versions(id: string): Promise<PublishedVersion[]> {
    const record = await this.#record(id);
    return (await this.repository.listPublished(id)).map((published) => ({
      ...summaryOf(published),
      current: published.version === record.publishedVersion,
      name: published.definition.name,
      trigger: published.definition.trigger,
    }));
  }

  /**
   * Switches the workflow on: its current published version (or `version`, to go back to an earlier one) runs on
   * the next matching event.
   */
  async activate(id: string, version?: number): Promise<WorkflowView> {
    const record = await this.#record(id);
    if (record.publishedVersion === null) throw WorkflowErrors.workflowNotPublished({ id }, { id });
    if (version !== undefined && !(await this.repository.getPublished(id, version)))
      throw WorkflowErrors.versionNotFound({ id, version }, { id, version, path: '/version' });
    await this.repository.setActive(id, true, version);
    return this.get(id);
  }

  /** Switches the workflow off: no new executions; those already queued or running finish. */
  async deactivate(id: string): Promise<WorkflowView> {
    await this.#record(id);
    await this.repository.setActive(id, false);
    return this.get(id);
  }

  /**
   * Deletes a draft or an inactive workflow. A draft that was never published goes for good; one that was is
   * hidden from editors and the engine and its plugin pins are released, while its versions, executions, their
   * steps and the requests' Audit Trail entries stay.
   */
  async delete(id: string): Promise<void> {
    const record = await this.#record(id);
    if ((await this.repository.deleteDraft(id)) === 'deleted') return;
    if (record.active) throw WorkflowErrors.workflowActive({ id }, { id });
    const count = await this.repository.unfinishedExecutions(id);
    if (count > 0) throw WorkflowErrors.workflowRunning({ id, count }, { id, count });
    await this.repository.markDeleted(id);
    await this.#options.catalog.unpin(`workflow:${id}`);
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
    const record = await this.#record(id);
    const graph = validateDefinition(parseDefinition(record.definition), await this.#context());
    return testNodeConnection(this.#options, id, graph, nodeId, sample, signal);
  }

  /**
   * The self-contained export document of a workflow: its published version (default, when there is one) or its
   * draft with the versions a publish would pin; the App Integrations and credentials it names; no secret.
   */
  async export(id: string, from?: ExportFrom): Promise<WorkflowExport> {
    const record = await this.#record(id);
    return exportWorkflow(record, await this.repository.getPublished(id), from, await this.#transferDeps());
  }

  /**
   * Checks an export document against this host — every problem at once (AH_WORKFLOW_IMPORT_INVALID) — and only
   * then creates a draft, or replaces the draft of `options.replace` (its published version keeps running).
   */
  async import(input: unknown, options: ImportOptions = {}): Promise<WorkflowImportResult> {
    const plan = await planImport(input, options, await this.#transferDeps(), {
      byName: async (name) => (await this.repository.listWorkflows()).filter((record) => record.name === name),
      exists: async (id) => (await this.repository.getWorkflow(id)) !== null,
    });
    const result = { pins: plan.pins, warnings: plan.warnings, dryRun: options.dryRun ?? false };
    if (options.dryRun) return { ...result, workflowId: null, replaced: false };
    if (options.replace !== undefined) {
      await this.update(options.replace, plan.definition);
      return { ...result, workflowId: options.replace, replaced: true };
    }
    return { ...result, workflowId: (await this.create(plan.definition)).id, replaced: false };
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

  async #transferDeps(): Promise<TransferDeps> {
    const { catalog, appIntegrations, credentials, approvals } = this.#options;
    return {
      catalog,
      context: await this.#context(),
      hostVersion: this.#options.hostVersion ?? 'unknown',
      clock: this.#options.clock ?? (() => new Date()),
      ...(appIntegrations ? { appIntegrations } : {}),
      ...(credentials ? { credentials } : {}),
      ...(approvals ? { approvals } : {}),
    };
  }

  /**
   * Parses, checks and seals a definition saved as workflow `id`. Each node's secrets are bound to the workflow, the
   * node, their path and the node's URL origin; a sealed value passed back that does not open for that place (copied
   * from elsewhere, or its node's URL moved to another origin) is refused here, every one at once.
   */
  async #validate(input: unknown, workflowId: string): Promise<WorkflowDefinition> {
    const definition = parseDefinition(input);
    validateDefinition(definition, await this.#context());
    const { sealer } = this.#options;
    if (!sealer) return definition;
    const problems = new Problems();
    const sealed = {
      ...definition,
      nodes: definition.nodes.map((node, index) =>
        isAction(node)
          ? {
              ...node,
              inputs: sealInputs(
                node.inputs,
                sealer,
                `/nodes/${index}/inputs`,
                { workflowId, nodeId: node.id, inputs: node.inputs },
                problems,
              ),
            }
          : node,
      ),
    };
    problems.throwIfAny();
    return sealed;
  }

  async #record(id: string): Promise<WorkflowRecord> {
    const record = await this.repository.getWorkflow(id);
    if (!record) throw WorkflowErrors.workflowNotFound({ id }, { id });
    return record;
  }

  async #view(record: WorkflowRecord): Promise<WorkflowView> {
    const published = await this.repository.getPublished(record.id);
    return { ...record, published: published && summaryOf(published) };
  }
}

/** The engine's repository for the database: executions are read through it. */
async function defaultExecutions(db: Database, clock?: () => Date): Promise<ExecutionRepository> {
  if (db instanceof SqliteDatabase) return new SqliteExecutionRepository(db.store, { now: clock });
  if (db instanceof PostgresStore)
    return new PostgresExecutionRepository((await PostgresExecutionQueue.open(db, { now: clock })).leases, {
      now: clock,
    });
  throw new TypeError(`WorkflowService: no execution repository for a ${db.dialect} database`);
}

function summaryOf(published: PublishedWorkflow): WorkflowView['published'] & object {
  return {
    version: published.version,
    publishedAt: published.publishedAt,
    publishedBy: published.publishedBy,
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
  };
}
