// Structural checks of a workflow definition, run on every save and again on publish: unique ids, edges to
// existing nodes, no cycles, sources upstream, condition rules complete, placeholders that name something real.
import type { ZodError } from 'zod';
import type { ActionhostError } from '@actionhost/sdk';
import { WorkflowDefinition, TRIGGER_NODE_ID, edgesOf, isAction, startNodes, type WorkflowNode } from './schema.ts';
import { WorkflowErrors, asActionhostError } from './errors.ts';
import { collectReferences, pointerEscape, type Reference } from './placeholders.ts';
import { isKnownRequestPath } from './request-data.ts';

export interface ValidationContext {
  customFieldNames: ReadonlySet<string>;
  /** Output JSON Schema per action node id; known only at publish, when plugins are resolved. */
  outputSchemas?: ReadonlyMap<string, Record<string, unknown>>;
  /**
   * When given, a problem of one node (its source, a rule, a placeholder) is added here and checking goes on with
   * the next, so the editor can show every node's problem at once; problems of the graph itself still throw.
   */
  problems?: ActionhostError[];
}

export interface WorkflowGraph {
  definition: WorkflowDefinition;
  byId: Map<string, { node: WorkflowNode; index: number }>;
  /** node id → every node id upstream of it (the trigger is upstream of all). */
  ancestors: Map<string, Set<string>>;
}

/** Parses the definition with zod and returns AH_VALIDATION_FAILED with the JSON path of the first issue. */
export function parseDefinition(input: unknown): WorkflowDefinition {
  const parsed = WorkflowDefinition.safeParse(input);
  if (!parsed.success) throw zodToError(parsed.error);
  return parsed.data;
}

export function zodToError(error: ZodError) {
  const issues = error.issues.map((issue) => ({
    path: '/' + issue.path.map((key) => pointerEscape(String(key))).join('/'),
    message: issue.message,
    code: issue.code,
  }));
  const first = issues[0];
  return WorkflowErrors.definitionInvalid(
    { what: 'workflow definition', path: first.path, problem: first.message },
    { path: first.path, issues },
  );
}

export function validateDefinition(definition: WorkflowDefinition, context: ValidationContext): WorkflowGraph {
  const byId = new Map<string, { node: WorkflowNode; index: number }>();
  definition.nodes.forEach((node, index) => {
    if (node.id === TRIGGER_NODE_ID)
      throw WorkflowErrors.nodeIdReserved({ node: TRIGGER_NODE_ID }, { path: `/nodes/${index}/id` });
    if (byId.has(node.id))
      throw WorkflowErrors.nodeIdDuplicate(
        { node: node.id },
        {
          path: `/nodes/${index}/id`,
          node: node.id,
        },
      );
    byId.set(node.id, { node, index });
  });
  startNodes(definition).forEach((id, position) => {
    if (!byId.has(id)) {
      const path = Array.isArray(definition.start) ? `/start/${position}` : '/start';
      throw WorkflowErrors.edgeUnknown({ from: 'the start', node: id }, { path, node: id });
    }
  });
  for (const { node, index } of byId.values()) {
    for (const edge of edgesOf(node)) {
      if (!byId.has(edge.to)) {
        throw WorkflowErrors.edgeUnknown(
          { from: `node "${node.id}"`, node: edge.to },
          {
            path: `/nodes/${index}/next/${pointerEscape(edge.path)}`,
            node: node.id,
          },
        );
      }
    }
  }
  checkCycles(byId);
  const ancestors = computeAncestors(byId);
  const graph: WorkflowGraph = { definition, byId, ancestors };
  if (
    definition.trigger.event === 'request.updated' &&
    !isKnownRequestPath(definition.trigger.field.split('.'), context.customFieldNames)
  ) {
    throw WorkflowErrors.placeholderUnknown(
      { placeholder: `the trigger field "${definition.trigger.field}"`, problem: 'is no request field' },
      { path: '/trigger/field' },
    );
  }
  const attempt = (check: () => void): void => {
    if (!context.problems) return check();
    try {
      check();
    } catch (error) {
      context.problems.push(asActionhostError(error));
    }
  };
  for (const { node, index } of byId.values()) {
    const source = node.source ?? TRIGGER_NODE_ID;
    attempt(() => checkSource(graph, node, index, source));
    if (node.kind === 'condition') {
      node.rules.forEach((rule, ruleIndex) =>
        attempt(() => {
          const at = `/nodes/${index}/rules/${ruleIndex}`;
          if (!['is empty', 'is not empty', 'changed'].includes(rule.operator) && rule.value === undefined) {
            throw WorkflowErrors.conditionValueRequired(
              { operator: rule.operator },
              {
                path: `${at}/value`,
                node: node.id,
              },
            );
          }
          if (rule.operator === 'changed' && source !== TRIGGER_NODE_ID) {
            throw WorkflowErrors.placeholderUnknown(
              { placeholder: '"changed"', problem: "reads the trigger's event: the rule's source must be the trigger" },
              { path: `${at}/operator`, node: node.id },
            );
          }
          checkReference(graph, context, node.id, source, parseFieldReference(rule.field), `${at}/field`);
        }),
      );
    } else {
      for (const [key, value] of Object.entries(node.inputs)) {
        attempt(() => {
          for (const found of collectReferences(value, `/nodes/${index}/inputs/${pointerEscape(key)}`)) {
            attempt(() => checkReference(graph, context, node.id, source, found.ref, found.path));
          }
        });
      }
    }
  }
  return graph;
}

/** A condition's field is written without the `#` marks; it reads the same things a placeholder does. */
export function parseFieldReference(field: string): Reference {
  const parts = field.split('.');
  if (parts[0] === 'nodes' && parts.length >= 3 && (parts[2] === 'output' || parts[2] === 'path')) {
    return { kind: 'node', node: parts[1], part: parts[2], path: parts.slice(3), text: field };
  }
  return { kind: 'source', path: parts, text: field };
}

function checkSource(graph: WorkflowGraph, node: WorkflowNode, index: number, source: string): void {
  if (source === TRIGGER_NODE_ID) return;
  if (!graph.byId.has(source)) {
    throw WorkflowErrors.sourceUnknown(
      { source, node: node.id },
      {
        path: `/nodes/${index}/source`,
        node: node.id,
      },
    );
  }
  if (!graph.ancestors.get(node.id)?.has(source)) {
    throw WorkflowErrors.sourceNotUpstream(
      { source, node: node.id },
      {
        path: `/nodes/${index}/source`,
        node: node.id,
      },
    );
  }
}

/** Resolves a condition used as a source to the node whose data it passes on (conditions add no data). */
export function dataSourceOf(graph: Pick<WorkflowGraph, 'byId'>, source: string): string {
  let current = source;
  while (current !== TRIGGER_NODE_ID) {
    const entry = graph.byId.get(current);
    if (!entry) return current;
    const node = entry.node;
    if (isAction(node)) return current;
    current = node.source ?? TRIGGER_NODE_ID;
  }
  return current;
}

function checkReference(
  graph: WorkflowGraph,
  context: ValidationContext,
  nodeId: string,
  source: string,
  ref: Reference,
  path: string,
): void {
  const unknown = (why: string) =>
    WorkflowErrors.placeholderUnknown(
      { placeholder: `#${ref.text}#`, problem: why },
      { path, node: nodeId, placeholder: ref.text },
    );
  if (ref.kind === 'source') {
    const from = dataSourceOf(graph, source);
    if (from === TRIGGER_NODE_ID) {
      if (!isKnownRequestPath(ref.path, context.customFieldNames)) throw unknown('names no field of the request');
      return;
    }
    checkOutputPath(context, from, ref.path, unknown);
    return;
  }
  const target = graph.byId.get(ref.node);
  if (!target || !isAction(target.node))
    throw unknown(`names node "${ref.node}", which is no action node of this workflow`);
  if (!graph.ancestors.get(nodeId)?.has(ref.node))
    throw unknown(`reads node "${ref.node}", which is not upstream of "${nodeId}"`);
  if (ref.part === 'path') {
    if (ref.path.length > 0) throw unknown("reads below a node's path, which is a plain word");
    return;
  }
  checkOutputPath(context, ref.node, ref.path, unknown);
}

function checkOutputPath(
  context: ValidationContext,
  nodeId: string,
  path: string[],
  unknown: (why: string) => Error,
): void {
  // A failed invocation's output is `{ error: { code, message } }` whatever the plugin declares.
  if (path[0] === 'error') return;
  const schema = context.outputSchemas?.get(nodeId);
  if (schema && !schemaAllowsPath(schema, path)) throw unknown(`is not in the output schema of node "${nodeId}"`);
}

/** Whether a JSON Schema lets `path` exist. Unknown shapes ($ref, open objects) are given the benefit of the doubt. */
export function schemaAllowsPath(schema: unknown, path: readonly string[]): boolean {
  if (path.length === 0) return true;
  if (typeof schema !== 'object' || schema === null) return true;
  const s = schema as Record<string, unknown>;
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (Array.isArray(s[key])) return (s[key] as unknown[]).some((branch) => schemaAllowsPath(branch, path));
  }
  if (typeof s.$ref === 'string') return true;
  const [head, ...rest] = path;
  if (s.items !== undefined || s.prefixItems !== undefined) {
    if (!/^\d+$/.test(head)) return false;
    return schemaAllowsPath(s.items ?? true, rest);
  }
  const properties = s.properties as Record<string, unknown> | undefined;
  if (properties && Object.hasOwn(properties, head)) return schemaAllowsPath(properties[head], rest);
  if (typeof s.additionalProperties === 'object') return schemaAllowsPath(s.additionalProperties, rest);
  if (s.additionalProperties === true) return true;
  if (properties) return false;
  return s.type === undefined || s.type === 'object';
}

function checkCycles(byId: Map<string, { node: WorkflowNode; index: number }>): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(id)), id];
      throw WorkflowErrors.cycle(
        { cycle: cycle.join(' → ') },
        {
          path: `/nodes/${byId.get(id)!.index}/next`,
          cycle,
        },
      );
    }
    state.set(id, 'visiting');
    for (const edge of edgesOf(byId.get(id)!.node)) visit(edge.to, [...trail, id]);
    state.set(id, 'done');
  };
  for (const id of byId.keys()) visit(id, []);
}

function computeAncestors(byId: Map<string, { node: WorkflowNode; index: number }>): Map<string, Set<string>> {
  const parents = new Map<string, Set<string>>();
  for (const id of byId.keys()) parents.set(id, new Set([TRIGGER_NODE_ID]));
  for (const { node } of byId.values()) for (const edge of edgesOf(node)) parents.get(edge.to)!.add(node.id);
  const ancestors = new Map<string, Set<string>>();
  const resolve = (id: string): Set<string> => {
    const known = ancestors.get(id);
    if (known) return known;
    const all = new Set<string>([TRIGGER_NODE_ID]);
    for (const parent of parents.get(id) ?? []) {
      if (parent === TRIGGER_NODE_ID) continue;
      all.add(parent);
      for (const above of resolve(parent)) all.add(above);
    }
    ancestors.set(id, all);
    return all;
  };
  for (const id of byId.keys()) resolve(id);
  return ancestors;
}
