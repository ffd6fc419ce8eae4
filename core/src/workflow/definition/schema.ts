// The workflow definition: declared once here as zod schemas. The API validates bodies with them, the OpenAPI
// document is generated from them, and the engine trusts their inferred types.
import { z } from 'zod';
import { RequestKind } from '../../itsm/index.ts';

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export const JsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(JsonValue), z.record(z.string(), JsonValue)]),
);

/** Node ids are short words so they can appear in placeholders (`#nodes.<id>.output...#`) and JSON paths. */
export const NodeId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must start with a letter and use letters, digits, _ or -');
/** The trigger is a node too: other nodes name it as their source. */
export const TRIGGER_NODE_ID = 'trigger';

export const RequestCreatedTrigger = z
  .object({
    event: z.literal('request.created'),
    /** Only service requests, only incidents, or (absent) both. */
    kind: RequestKind.optional(),
  })
  .strict();

export const RequestUpdatedTrigger = z
  .object({
    event: z.literal('request.updated'),
    /** The field whose change fires the trigger, e.g. "category" or "customFields.ipAddress". */
    field: z.string().min(1).max(200),
    /** Value before the change; absent = any. null = was empty. */
    from: z.string().nullable().optional(),
    /** Value after the change; absent = any. */
    to: z.string().nullable().optional(),
    kind: RequestKind.optional(),
  })
  .strict();

export const Trigger = z.discriminatedUnion('event', [RequestCreatedTrigger, RequestUpdatedTrigger]);
export type Trigger = z.infer<typeof Trigger>;

export const ConditionOperator = z.enum([
  'contains',
  'not contains',
  'equals',
  'not equals',
  'starts with',
  'ends with',
  'in',
  'not in',
  'is empty',
  'is not empty',
  'changed',
]);
export type ConditionOperator = z.infer<typeof ConditionOperator>;

export const ConditionRule = z
  .object({
    /** A path into the source node's data, e.g. "subject", "requester.email", "nodes.lookup.output.count". */
    field: z.string().min(1).max(200),
    operator: ConditionOperator,
    /** Not used by is empty / is not empty / changed; a list (or comma-separated text) for in / not in. */
    value: z
      .union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number()]))])
      .optional(),
  })
  .strict();
export type ConditionRule = z.infer<typeof ConditionRule>;

export const ConditionNode = z
  .object({
    id: NodeId,
    kind: z.literal('condition'),
    title: z.string().max(200).optional(),
    /** Whose data the rules read; the trigger when absent. */
    source: NodeId.optional(),
    match: z.enum(['all', 'any']),
    rules: z.array(ConditionRule).min(1).max(50),
    next: z.object({ true: NodeId.optional(), false: NodeId.optional() }).strict().default({}),
  })
  .strict();
export type ConditionNode = z.infer<typeof ConditionNode>;

export const DEFAULT_RETRY_STATUSES = [429, 502, 503, 504] as const;

/** Retries of an action node, as the workflow author writes them on the node; each attempt is judged at run time. */
export const RetryPolicy = z
  .object({
    /** Attempts in all, the first included; 1 = never retry. */
    maxAttempts: z.number().int().min(1).max(20).default(3),
    /** Delay before the second attempt; doubles with every further attempt. */
    backoffMs: z.number().int().min(0).max(3_600_000).default(1000),
    /** Ceiling of the computed delay (a Retry-After answer may ask for longer, up to one hour). */
    maxBackoffMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /** HTTP statuses in a plugin's output (`output.status`, e.g. Run Webhook) that are worth another attempt. */
    onStatus: z
      .array(z.number().int().min(100).max(599))
      .max(50)
      .default([...DEFAULT_RETRY_STATUSES]),
  })
  .strict()
  .refine((policy) => policy.maxBackoffMs >= policy.backoffMs, {
    message: 'maxBackoffMs must be at least backoffMs',
    path: ['maxBackoffMs'],
  });
export type RetryPolicy = z.infer<typeof RetryPolicy>;

/** What an action node without `retry` gets. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = RetryPolicy.parse({});

/** "name@range", e.g. "@actionhost/ci-linking@^1.0.0"; a scoped name keeps its leading "@". */
export const PluginSpec = z
  .string()
  .min(3)
  .max(300)
  .regex(/^(?:@[^@/\s]+\/)?[^@\s]+@[^@]+$/, 'must be "name@range"');

export const ActionNode = z
  .object({
    id: NodeId,
    kind: z.literal('action'),
    title: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    /** Execute Plugin / Run Webhook: the plugin by name and semver range. */
    uses: PluginSpec.optional(),
    /** Execute App Integration: resolved at publish to an application, a plugin and default mappings. */
    appIntegration: z.string().min(1).max(200).optional(),
    /** Select Source Node: whose data `#field#` placeholders read. */
    source: NodeId.default(TRIGGER_NODE_ID),
    /** Input Mappings: plugin input key → value (placeholders allowed in any string, at any depth). */
    inputs: z.record(z.string().min(1).max(200), JsonValue).default({}),
    /** One edge per output path of the plugin (success, failure, ...). */
    next: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), NodeId).default({}),
    /** When a failed attempt is tried again (network errors, timeouts, crashed worker, onStatus); defaults when absent. */
    retry: RetryPolicy.optional(),
  })
  .strict()
  .refine((node) => (node.uses === undefined) !== (node.appIntegration === undefined), {
    message: 'an action node runs either a plugin ("uses") or an App Integration ("appIntegration"): give exactly one',
    path: ['uses'],
  });
export type ActionNode = z.infer<typeof ActionNode>;

export const WorkflowNode = z.discriminatedUnion('kind', [ConditionNode, ActionNode]);
export type WorkflowNode = z.infer<typeof WorkflowNode>;

export const WorkflowDefinition = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    module: z.literal('request'),
    trigger: Trigger,
    /** The node(s) right after the trigger. */
    start: z.union([NodeId, z.array(NodeId).max(20)]).optional(),
    nodes: z.array(WorkflowNode).max(200),
    /** Where the console's designer draws each node (and the trigger), by node id; the engine ignores it. */
    layout: z
      .record(
        z.string().max(64),
        z.object({ x: z.number().min(-1e6).max(1e6), y: z.number().min(-1e6).max(1e6) }).strict(),
      )
      .optional(),
  })
  .strict();
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;
export type WorkflowDefinitionInput = z.input<typeof WorkflowDefinition>;

export function isAction(node: WorkflowNode): node is ActionNode {
  return node.kind === 'action';
}

/** The node(s) after the trigger: `start`, or when it is absent every node no edge leads to. */
export function startNodes(definition: WorkflowDefinition): string[] {
  if (definition.start !== undefined) return Array.isArray(definition.start) ? definition.start : [definition.start];
  const targets = new Set(definition.nodes.flatMap((node) => edgesOf(node).map((edge) => edge.to)));
  return definition.nodes.map((node) => node.id).filter((id) => !targets.has(id));
}

/** The node ids a node leads to, with the edge label (path) each is taken on. */
export function edgesOf(node: WorkflowNode): { path: string; to: string }[] {
  return Object.entries(node.next as Record<string, string | undefined>)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([path, to]) => ({ path, to }));
}
