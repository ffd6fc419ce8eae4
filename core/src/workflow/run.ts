// Runs one published workflow for one event as an execution: walks the graph from the start node(s), records
// every step before and after it runs, and never lets one failing node take down anything but its own execution.
import { performance } from 'node:perf_hooks';
import type { Json } from '@actionhost/sdk';
import { TRIGGER_NODE_ID, startNodes, type ActionNode, type ConditionNode, type WorkflowNode } from './definition.ts';
import { evaluateCondition } from './conditions.ts';
import { WorkflowErrors, asActionhostError } from './errors.ts';
import { readPath, renderValue, type Reference } from './placeholders.ts';
import type { AuditSink, PluginRunner, RequestEvent } from './ports.ts';
import { redactInputs, redactText, redactValues } from './redact.ts';
import type { ErrorSummary, PublishedWorkflow, StepLog, WorkflowRepository } from './repository.ts';
import { readRequestPath } from './request-data.ts';
import { changeFieldName } from './trigger.ts';
import { dataSourceOf, parseFieldReference } from './validate.ts';

export interface ExecutionContext {
  repository: WorkflowRepository;
  runner: PluginRunner;
  audit?: AuditSink;
  secrets: readonly string[];
  published: PublishedWorkflow;
  executionId: string;
  request: Record<string, Json>;
  event: RequestEvent;
  signal?: AbortSignal;
  onAuditError?: (error: unknown) => void;
}

interface NodeResult { path: string; output: Json }

/** What placeholders and condition fields read while a run is under way. */
export class RunData {
  readonly byId: Map<string, { node: WorkflowNode; index: number }>;
  readonly request: Record<string, Json>;
  readonly results = new Map<string, NodeResult>();

  constructor(nodes: WorkflowNode[], request: Record<string, Json>) {
    this.byId = new Map(nodes.map((node, index) => [node.id, { node, index }]));
    this.request = request;
  }

  resolve(ref: Reference, source: string, path: string): Json {
    if (ref.kind === 'source') {
      const from = dataSourceOf(this, source);
      if (from === TRIGGER_NODE_ID) return readRequestPath(this.request, ref.path);
      return readPath(this.#result(from, ref, path).output, ref.path) ?? null;
    }
    const result = this.#result(ref.node, ref, path);
    return ref.part === 'path' ? result.path : readPath(result.output, ref.path) ?? null;
  }

  #result(nodeId: string, ref: Reference, path: string): NodeResult {
    const result = this.results.get(nodeId);
    if (!result) throw WorkflowErrors.placeholderUnresolved(`#${ref.text}# reads node "${nodeId}", which did not run in this execution`, { path, node: nodeId });
    return result;
  }
}

export async function runExecution(context: ExecutionContext): Promise<{ status: 'succeeded' | 'failed'; error: ErrorSummary | null }> {
  const { repository, published, executionId } = context;
  repository.markRunning(executionId);
  const data = new RunData(published.definition.nodes, context.request);
  let failure: ErrorSummary | null = null;
  const queue = [...startNodes(published.definition)];
  const visited = new Set<string>();
  while (queue.length > 0) {
    if (context.signal?.aborted) {
      failure ??= { code: 'AH_EXECUTION_CANCELLED', message: 'the execution was cancelled (or the engine stopped) before it finished' };
      break;
    }
    const id = queue.shift()!;
    if (visited.has(id)) continue;
    visited.add(id);
    const entry = data.byId.get(id);
    if (!entry) continue;
    const step = entry.node.kind === 'condition'
      ? runCondition(context, data, entry.node)
      : await runAction(context, data, entry.node);
    if (step.error) failure ??= step.error;
    if (step.next) queue.push(step.next);
  }
  const status = failure ? 'failed' : 'succeeded';
  repository.finishExecution(executionId, status, failure);
  return { status, error: failure };
}

function runCondition(context: ExecutionContext, data: RunData, node: ConditionNode): { next?: string; error?: ErrorSummary } {
  const seq = context.repository.startStep(context.executionId, {
    nodeId: node.id, kind: 'condition', title: node.title ?? null, plugin: null, integrity: null, inputs: null,
  });
  const started = performance.now();
  const source = node.source ?? TRIGGER_NODE_ID;
  try {
    const changedFields = new Set((context.event.changes ?? []).map((change) => changeFieldName(change.field)));
    const outcome = evaluateCondition(node,
      (field) => data.resolve(parseFieldReference(field), source, `/nodes/${node.id}`),
      (field) => changedFields.has(changeFieldName(field)));
    const path = outcome.result ? 'true' : 'false';
    context.repository.finishStep(context.executionId, seq, {
      status: 'succeeded', path, output: outcome as unknown as Json, error: null, durationMs: performance.now() - started,
    });
    return { next: node.next[path] };
  } catch (caught) {
    const error = summarize(caught, context.secrets);
    context.repository.finishStep(context.executionId, seq, { status: 'failed', path: null, output: null, error, durationMs: performance.now() - started });
    return { error };
  }
}

async function runAction(context: ExecutionContext, data: RunData, node: ActionNode): Promise<{ next?: string; error?: ErrorSummary }> {
  const { repository, executionId, published, secrets } = context;
  const pinned = published.actions[node.id];
  const plugin = `${pinned.name}@${pinned.version}`;
  const started = performance.now();
  let inputs: Json = null;
  let stored: Json = null;
  let buildError: unknown = null;
  try {
    inputs = renderValue(pinned.inputs, (ref, path) => data.resolve(ref, node.source, path), `/nodes/${node.id}/inputs`);
    stored = redactInputs(inputs, pinned.inputSchema, secrets);
  } catch (caught) {
    buildError = caught;
  }
  const seq = repository.startStep(executionId, {
    nodeId: node.id, kind: 'action', title: node.title, plugin, integrity: pinned.integrity, inputs: stored,
  });
  const attempt = 1;
  let path: string | null = null;
  let output: Json = null;
  let error: ErrorSummary | null = null;
  let logs: StepLog[] = [];
  try {
    if (buildError) throw buildError;
    const outcome = await context.runner.run({ name: pinned.name, version: pinned.version, integrity: pinned.integrity }, inputs, {
      entry: 'run',
      idempotencyKey: `${executionId}:${node.id}:${attempt}`,
      bindings: {
        requestId: context.request.internalId as number, executionId, workflowId: published.workflowId, nodeId: node.id,
        ...(pinned.applicationId !== undefined ? { applicationId: pinned.applicationId } : {}),
      },
      signal: context.signal,
    });
    path = outcome.path;
    logs = redactValues((outcome.logs ?? []) as unknown as Json, secrets) as unknown as StepLog[];
    data.results.set(node.id, { path: outcome.path, output: outcome.output });
    output = redactValues(outcome.output, secrets);
  } catch (caught) {
    error = summarize(caught, secrets);
    // A thrown invocation may still be handled by the workflow: its failure edge gets `{ error }` as output.
    output = { error: { code: error.code, message: error.message } };
    if (node.next.failure) path = 'failure';
    data.results.set(node.id, { path: 'failure', output });
  }
  const durationMs = performance.now() - started;
  repository.finishStep(executionId, seq, { status: error ? 'failed' : 'succeeded', path, output, error, durationMs, logs });
  await recordAudit(context, node, { plugin, integrity: pinned.integrity, inputs: stored, path, output, error, durationMs });
  return { next: path ? node.next[path] : undefined, ...(error ? { error } : {}) };
}

async function recordAudit(context: ExecutionContext, node: ActionNode,
  step: { plugin: string; integrity: string; inputs: Json; path: string | null; output: Json; error: ErrorSummary | null; durationMs: number }): Promise<void> {
  if (!context.audit) return;
  const requestId = context.request.internalId;
  if (typeof requestId !== 'number') return;
  try {
    await context.audit.recordAudit(requestId, {
      kind: 'plugin.execution',
      actor: `workflow:${context.published.workflowId}`,
      data: {
        workflow: { id: context.published.workflowId, name: context.published.definition.name, version: context.published.version },
        node: { id: node.id, title: node.title },
        executionId: context.executionId,
        plugin: step.plugin,
        integrity: step.integrity,
        inputs: step.inputs ?? {},
        path: step.path,
        outputSummary: JSON.stringify(step.output),
        durationMs: Math.round(step.durationMs),
        errorCode: step.error?.code ?? null,
        errorMessage: step.error?.message ?? null,
      },
    }, { secrets: context.secrets });
  } catch (error) {
    // The execution record still holds the step; a full or broken audit trail must not fail the workflow.
    context.onAuditError?.(error);
  }
}

function summarize(caught: unknown, secrets: readonly string[]): ErrorSummary {
  const error = asActionhostError(caught);
  return { code: error.code, message: redactText(error.message, secrets) };
}
