// What a publish would do, without doing it: every problem of the draft at once (each with the node it belongs
// to), the plugin version and integrity each action node would pin, and what changed since the last published
// version. The designer shows it before the author confirms Publish.
import { z } from 'zod';
import type { ActionhostError } from '@actionhost/sdk';
import { WorkflowDefinition, type WorkflowNode } from './schema.ts';
import { asActionhostError } from './errors.ts';
import { resolveActions, type ResolveDeps } from './publish.ts';
import type { PublishedWorkflow } from './stored-workflow.ts';
import { pointerEscape } from './placeholders.ts';
import { validateDefinition, type ValidationContext } from './validate.ts';

export const PublishProblem = z.object({
  code: z.string(),
  message: z.string(),
  /** JSON pointer into the definition, e.g. /nodes/0/inputs/Request.Id. */
  path: z.string().nullable(),
  /** The node it belongs to ("trigger" for the trigger), null for the workflow as a whole. */
  node: z.string().nullable(),
});
export type PublishProblem = z.infer<typeof PublishProblem>;

const PinView = z.object({ name: z.string(), version: z.string(), integrity: z.string() });

export const PublishPreview = z.object({
  /** True when publishing now would succeed. */
  ready: z.boolean(),
  problems: z.array(PublishProblem),
  pins: z.array(PinView.extend({ node: z.string(), title: z.string(), previous: PinView.nullable() })),
  /** The active published version this is compared with, or null when none. */
  publishedVersion: z.number().int().nullable(),
  changes: z.array(
    z.object({ change: z.enum(['added', 'removed', 'changed']), what: z.string(), fields: z.array(z.string()) }),
  ),
});
export type PublishPreview = z.infer<typeof PublishPreview>;

export async function previewPublish(
  input: unknown,
  context: ValidationContext,
  deps: ResolveDeps,
  published: PublishedWorkflow | null,
): Promise<PublishPreview> {
  const base = { pins: [], publishedVersion: published?.version ?? null, changes: [] };
  const parsed = WorkflowDefinition.safeParse(input);
  const rawNodes = (input as { nodes?: { id?: unknown }[] } | null)?.nodes;
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = '/' + issue.path.map((key) => pointerEscape(String(key))).join('/');
      return { code: 'AH_VALIDATION_FAILED', message: issue.message, path, node: nodeAt(path, rawNodes) };
    });
    return { ready: false, problems, ...base };
  }
  const definition = parsed.data;
  const found: ActionhostError[] = [];
  const problems = (): PublishProblem[] => found.map((error) => problemOf(error, definition.nodes));
  let graph;
  try {
    graph = validateDefinition(definition, { ...context, problems: found });
  } catch (error) {
    found.push(asActionhostError(error));
    return { ready: false, problems: problems(), ...base };
  }
  const resolved = await resolveActions(graph, deps, found);
  if (found.length === 0) {
    const outputSchemas = new Map([...resolved].map(([nodeId, action]) => [nodeId, action.plugin.manifest.output]));
    const effective = {
      ...definition,
      nodes: definition.nodes.map((node) =>
        resolved.has(node.id) ? { ...node, inputs: resolved.get(node.id)!.inputs } : node,
      ),
    };
    try {
      validateDefinition(effective, { ...context, outputSchemas, problems: found });
    } catch (error) {
      found.push(asActionhostError(error));
    }
  }
  const pins = [...resolved].map(([nodeId, action]) => {
    const before = published?.actions[nodeId];
    const node = definition.nodes.find((candidate) => candidate.id === nodeId);
    return {
      node: nodeId,
      title: node?.title ?? nodeId,
      name: action.name,
      version: action.version,
      integrity: action.integrity,
      previous: before ? { name: before.name, version: before.version, integrity: before.integrity } : null,
    };
  });
  return {
    ready: found.length === 0,
    problems: problems(),
    pins,
    publishedVersion: published?.version ?? null,
    changes: published ? changesSince(published.definition, definition) : [],
  };
}

function nodeAt(path: string, nodes: readonly { id?: unknown }[] | undefined): string | null {
  if (path.startsWith('/trigger')) return 'trigger';
  const index = /^\/nodes\/(\d+)(?:\/|$)/.exec(path)?.[1];
  if (index === undefined) return null;
  const id = nodes?.[Number(index)]?.id;
  return typeof id === 'string' ? id : null;
}

function problemOf(error: ActionhostError, nodes: readonly WorkflowNode[]): PublishProblem {
  const details = error.details ?? {};
  const path = typeof details.path === 'string' ? details.path : null;
  const node = typeof details.node === 'string' ? details.node : path ? nodeAt(path, nodes) : null;
  return { code: error.code, message: error.message, path, node };
}

/** The workflow's own fields and its nodes, compared field by field (the designer's layout is not a change). */
function changesSince(before: WorkflowDefinition, after: WorkflowDefinition): PublishPreview['changes'] {
  const changes: PublishPreview['changes'] = [];
  const differing = (a: Record<string, unknown>, b: Record<string, unknown>, skip: string[] = []) =>
    [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .filter((key) => !skip.includes(key) && JSON.stringify(a[key]) !== JSON.stringify(b[key]))
      .sort();
  const workflowFields = differing(before, after, ['nodes', 'layout']);
  if (workflowFields.length > 0) changes.push({ change: 'changed', what: 'workflow', fields: workflowFields });
  const beforeNodes = new Map(before.nodes.map((node) => [node.id, node]));
  const afterNodes = new Map(after.nodes.map((node) => [node.id, node]));
  for (const [id, node] of afterNodes) {
    const old = beforeNodes.get(id);
    if (!old) changes.push({ change: 'added', what: id, fields: [] });
    else {
      const fields = differing(old, node);
      if (fields.length > 0) changes.push({ change: 'changed', what: id, fields });
    }
  }
  for (const id of beforeNodes.keys())
    if (!afterNodes.has(id)) changes.push({ change: 'removed', what: id, fields: [] });
  return changes;
}
