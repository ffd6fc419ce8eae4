// Test Connection: an action node's plugin runs its `testConnection` entry with the node's mappings built against
// sample data, outside any execution, with what a publish would pin (the draft, the highest installed version).
// `sendRealRequest` is the explicit, side-effecting alternative: the plugin's `run` entry, once, as configured.
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
import { REDACTED } from '../../itsm/index.ts';
import { isSensitiveHeader } from '../../secrets/index.ts';

/** Sample data for Test Connection: a request for the trigger, outputs for upstream nodes. */
export const TestConnectionSample = z
  .object({
    request: z.record(z.string(), JsonValue).optional(),
    nodes: z
      .record(z.string(), z.object({ path: z.string().optional(), output: JsonValue.optional() }).strict())
      .optional(),
    /**
     * Send the real request: run the node's plugin once exactly as a workflow would (Run Webhook: the configured
     * method, headers, body and credential), with its side effects, instead of the safe probe. Default false.
     */
    sendRealRequest: z.boolean().optional(),
  })
  .strict();
export type TestConnectionSample = z.infer<typeof TestConnectionSample>;

export const TestConnectionResult = z.object({
  /** `probe`: the plugin's testConnection entry (no side effects); `real-request`: its run entry, sent once. */
  mode: z.enum(['probe', 'real-request']),
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
  const real = sample.sendRealRequest === true;
  if (!real && !action.plugin.manifest.testConnection) {
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
      binding: { workflowId, nodeId: node.id, inputs: node.inputs },
      opened: secrets,
    },
    `/nodes/${entry.index}/inputs`,
  );
  secrets.push(...secretInputValues(inputs, action.inputSchema));
  const outcome = await deps.runner.run(
    { name: action.name, version: action.version, integrity: action.integrity },
    inputs,
    {
      entry: real ? 'run' : 'testConnection',
      idempotencyKey: `test:${workflowId}:${nodeId}:${randomUUID()}`,
      bindings: {
        workflowId,
        nodeId,
        testConnection: true,
        ...(real ? { realRequest: true } : {}),
        ...(action.applicationId !== undefined ? { applicationId: action.applicationId } : {}),
      },
      signal,
    },
  );
  return {
    mode: real ? 'real-request' : 'probe',
    plugin,
    integrity: action.integrity,
    inputs: redactInputs(inputs, action.inputSchema, secrets),
    path: outcome.path,
    // A real answer may carry what a probe never sees: session cookies, tokens in the body, echoed credentials.
    output: real ? redactResponse(outcome.output, secrets) : redactValues(outcome.output, secrets),
    logs: (outcome.logs ?? []).map((log) => ({
      level: log.level,
      message: redactValues(log.message, secrets),
      at: log.at,
    })),
    durationMs: outcome.durationMs ?? null,
  };
}

/**
 * A real response as Test Connection shows it: secret values anywhere, values under secret-looking keys (a
 * `token` in the body, an echoed `authorization`), and session or credential headers, all [REDACTED].
 */
export function redactResponse(output: Json, secrets: readonly string[]): Json {
  const scrubbed = redactInputs(output, {}, secrets);
  if (typeof scrubbed !== 'object' || scrubbed === null || Array.isArray(scrubbed)) return scrubbed;
  const headers = scrubbed.headers;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return scrubbed;
  return {
    ...scrubbed,
    headers: Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, isSensitiveHeader(name) ? REDACTED : value]),
    ),
  };
}
