// Test Connection: an action node's plugin runs its `testConnection` entry with the node's mappings built against
// sample data, outside any execution, with what a publish would pin (the draft, the highest installed version).
import { randomUUID } from 'node:crypto';
import type { Json } from '@actionhost/sdk';
import { z } from 'zod';
import {
  JsonValue,
  TRIGGER_NODE_ID,
  WorkflowErrors,
  dataSourceOf,
  isAction,
  readPath,
  readRequestPath,
  renderInputs,
  resolveAction,
  type AppIntegrationResolver,
  type PluginCatalog,
  type SecretSealer,
  type WorkflowGraph,
} from '../definition/index.ts';
import { InvocationLog } from '../../capabilities/index.ts';
import type { PluginRunner, SecretValues } from './ports.ts';
import { redactInputs, redactValues, secretInputValues } from './redact.ts';

/** Sample data for Test Connection: a request for the trigger, outputs for upstream nodes. */
export const TestConnectionSample = z
  .object({
    request: z.record(z.string(), JsonValue).optional(),
    nodes: z
      .record(z.string(), z.object({ path: z.string().optional(), output: JsonValue.optional() }).strict())
      .optional(),
  })
  .strict();
export type TestConnectionSample = z.infer<typeof TestConnectionSample>;

export const TestConnectionResult = z.object({
  plugin: z.string(),
  integrity: z.string(),
  /** As built from the mappings, secrets redacted. */
  inputs: JsonValue,
  path: z.string(),
  output: JsonValue,
  logs: z.array(InvocationLog),
  durationMs: z.number().nullable(),
});
export type TestConnectionResult = z.infer<typeof TestConnectionResult>;

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

export interface TestConnectionDeps {
  catalog: PluginCatalog;
  appIntegrations?: AppIntegrationResolver;
  runner: PluginRunner;
  secrets?: SecretValues;
  /** Opens literal secrets sealed in the node's Input Mappings. */
  sealer?: SecretSealer;
}

/** Runs Test Connection of node `nodeId` of the workflow whose validated draft is `graph`. */
export async function testNodeConnection(
  deps: TestConnectionDeps,
  workflowId: string,
  graph: WorkflowGraph,
  nodeId: string,
  sample: TestConnectionSample,
  signal?: AbortSignal,
): Promise<TestConnectionResult> {
  const entry = graph.byId.get(nodeId);
  if (!entry) throw WorkflowErrors.nodeNotFound({ id: workflowId, node: nodeId }, { node: nodeId });
  if (!isAction(entry.node)) throw WorkflowErrors.nodeNotAction({ node: nodeId }, { node: nodeId });
  const node = entry.node;
  const action = await resolveAction(node, entry.index, deps);
  const plugin = `${action.name}@${action.version}`;
  if (!action.plugin.manifest.testConnection) {
    throw WorkflowErrors.testConnectionUnsupported({ plugin }, { node: nodeId, plugin });
  }
  const request = { ...SAMPLE_REQUEST, ...(sample.request ?? {}) };
  const samples = sample.nodes ?? {};
  // Own entries only: a node id such as "constructor" must not read Object.prototype.
  const nodes = (id: string) => (Object.hasOwn(samples, id) ? samples[id] : undefined);
  const secrets = [...((await deps.secrets?.secretValues()) ?? [])];
  const inputs = renderInputs(
    action.inputs,
    {
      resolve: (ref) => {
        if (ref.kind === 'node')
          return ref.part === 'path'
            ? (nodes(ref.node)?.path ?? null)
            : (readPath(nodes(ref.node)?.output ?? null, ref.path) ?? null);
        const from = dataSourceOf(graph, node.source);
        return from === TRIGGER_NODE_ID
          ? readRequestPath(request, ref.path)
          : (readPath(nodes(from)?.output ?? null, ref.path) ?? null);
      },
      schema: action.inputSchema,
      sealer: deps.sealer,
      opened: secrets,
    },
    `/nodes/${entry.index}/inputs`,
  );
  secrets.push(...secretInputValues(inputs, action.inputSchema));
  const outcome = await deps.runner.run(
    { name: action.name, version: action.version, integrity: action.integrity },
    inputs,
    {
      entry: 'testConnection',
      idempotencyKey: `test:${workflowId}:${nodeId}:${randomUUID()}`,
      bindings: {
        workflowId,
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
