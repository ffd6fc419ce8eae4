// Structural checks of a workflow definition, run on every save and again on publish: unique ids, edges to
// existing nodes, no cycles, sources upstream, condition rules complete, placeholders that name something real
// (an unknown one lists the valid names and suggests the nearest). Every problem is reported at once.
import type { ZodError } from 'zod';
import { ActionhostError, type Json } from '@actionhost/sdk';
import { WorkflowDefinition, TRIGGER_NODE_ID, edgesOf, isAction, startNodes, type WorkflowNode } from './schema.ts';
import { WorkflowErrors } from './errors.ts';
import { collectReferences, pointerEscape, type Reference } from './placeholders.ts';
import { schemaPaths } from './json-schema.ts';
import { aggregate, Problems } from './problems.ts';
import { isKnownRequestPath, requestFieldPaths } from './request-data.ts';
import { nearest } from './suggest.ts';
import { formProblem, valueFormOf } from './value-forms.ts';

export interface ValidationContext {
  customFieldNames: ReadonlySet<string>;
  /** Output JSON Schema per action node id; known only at publish, when plugins are resolved. */
  outputSchemas?: ReadonlyMap<string, Record<string, unknown>>;
  /**
   * When given, the problems of nodes (a source, a rule, a placeholder) are added here one by one instead of thrown
   * (the publish preview lists them per node); problems of the graph itself (ids, edges, cycles) still throw.
   */
  problems?: ActionhostError[];
}

export interface WorkflowGraph {
  definition: WorkflowDefinition;
  byId: Map<string, { node: WorkflowNode; index: number }>;
  /** node id → every node id upstream of it (the trigger is upstream of all). */
  ancestors: Map<string, Set<string>>;
}

/** Parses the definition with zod: AH_VALIDATION_FAILED with the JSON path of each issue (details.problems). */
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
  const problems = issues.map((issue) =>
    WorkflowErrors.definitionInvalid(
      { what: 'workflow definition', path: issue.path, problem: issue.message },
      { path: issue.path },
    ),
  );
  const aggregated = aggregate(problems);
  return new ActionhostError(aggregated.code, aggregated.message, aggregated.status, {
    ...aggregated.details,
    issues,
  });
}

/**
 * Checks a parsed definition and returns its graph; every problem found is reported at once (details.problems).
 * Ids and edges come first: the checks after them need a graph whose edges lead somewhere and have no cycle.
 */
export function validateDefinition(definition: WorkflowDefinition, context: ValidationContext): WorkflowGraph {
  const problems = new Problems();
  const byId = new Map<string, { node: WorkflowNode; index: number }>();
  definition.nodes.forEach((node, index) => {
    if (node.id === TRIGGER_NODE_ID) {
      problems.add(WorkflowErrors.nodeIdReserved({ node: TRIGGER_NODE_ID }, { path: `/nodes/${index}/id` }));
    } else if (byId.has(node.id)) {
      problems.add(WorkflowErrors.nodeIdDuplicate({ node: node.id }, { path: `/nodes/${index}/id`, node: node.id }));
    } else {
      byId.set(node.id, { node, index });
    }
  });
  startNodes(definition).forEach((id, position) => {
    if (!byId.has(id)) {
      const path = Array.isArray(definition.start) ? `/start/${position}` : '/start';
      problems.add(WorkflowErrors.edgeUnknown({ from: 'the start', node: id }, { path, node: id }));
    }
  });
  for (const { node, index } of byId.values()) {
    for (const edge of edgesOf(node)) {
      if (!byId.has(edge.to)) {
        problems.add(
          WorkflowErrors.edgeUnknown(
            { from: `node "${node.id}"`, node: edge.to },
            { path: `/nodes/${index}/next/${pointerEscape(edge.path)}`, node: node.id },
          ),
        );
      }
    }
  }
  problems.throwIfAny();
  problems.collect(() => checkCycles(byId));
  problems.throwIfAny();
  const ancestors = computeAncestors(byId);
  const graph: WorkflowGraph = { definition, byId, ancestors };
  if (
    definition.trigger.event === 'request.updated' &&
    !isKnownRequestPath(definition.trigger.field.split('.'), context.customFieldNames)
  ) {
    const field = definition.trigger.field;
    problems.add(
      unknownWithSuggestion(
        `the trigger field "${field}"`,
        field,
        'is no request field',
        requestFieldPaths(context.customFieldNames),
        { path: '/trigger/field' },
      ),
    );
  }
  for (const { node, index } of byId.values()) {
    const source = node.source ?? TRIGGER_NODE_ID;
    problems.collect(() => checkSource(graph, node, index, source));
    if (node.kind === 'condition') {
      node.rules.forEach((rule, ruleIndex) => {
        const at = `/nodes/${index}/rules/${ruleIndex}`;
        if (!['is empty', 'is not empty', 'changed'].includes(rule.operator) && rule.value === undefined) {
          problems.add(
            WorkflowErrors.conditionValueRequired({ operator: rule.operator }, { path: `${at}/value`, node: node.id }),
          );
        }
        if (rule.operator === 'changed' && source !== TRIGGER_NODE_ID) {
          problems.add(
            WorkflowErrors.placeholderUnknown(
              { placeholder: '"changed"', problem: "reads the trigger's event: the rule's source must be the trigger" },
              { path: `${at}/operator`, node: node.id },
            ),
          );
        }
        problems.collect(() =>
          checkReference(graph, context, node.id, source, parseFieldReference(rule.field), `${at}/field`),
        );
      });
    } else {
      for (const [key, value] of Object.entries(node.inputs)) {
        const at = `/nodes/${index}/inputs/${pointerEscape(key)}`;
        problems.collect(() => checkValueForms(value, at));
        for (const found of problems.collect(() => collectReferences(value, at)) ?? []) {
          problems.collect(() => checkReference(graph, context, node.id, source, found.ref, found.path));
        }
      }
    }
  }
  if (context.problems) context.problems.push(...problems.list);
  else problems.throwIfAny();
  return graph;
}

/** `{ "$literal": 5 }` and the like: a value form whose inner value is no string. */
function checkValueForms(value: Json, path: string): void {
  const problem = formProblem(value);
  if (problem) {
    throw WorkflowErrors.definitionInvalid(
      { what: 'workflow definition', path, problem },
      { path, issues: [{ path, message: problem, code: 'invalid_value_form' }] },
    );
  }
  if (Array.isArray(value)) value.forEach((item, i) => checkValueForms(item, `${path}/${i}`));
  else if (value !== null && typeof value === 'object' && !valueFormOf(value)) {
    for (const [key, item] of Object.entries(value)) checkValueForms(item, `${path}/${pointerEscape(key)}`);
  }
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
  const details = { path, node: nodeId, placeholder: ref.text };
  const unknown = (why: string, valid: readonly string[]) =>
    unknownWithSuggestion(`#${ref.text}#`, ref.text, why, valid, details, '#');
  if (ref.kind === 'source') {
    const from = dataSourceOf(graph, source);
    if (from === TRIGGER_NODE_ID) {
      if (!isKnownRequestPath(ref.path, context.customFieldNames)) {
        throw unknown('names no field of the request', requestFieldPaths(context.customFieldNames));
      }
      return;
    }
    checkOutputPath(context, from, ref.path, (why, valid) => unknown(why, valid));
    return;
  }
  const upstream = [...(graph.ancestors.get(nodeId) ?? [])].filter(
    (id) => id !== TRIGGER_NODE_ID && isAction(graph.byId.get(id)!.node),
  );
  const upstreamOutputs = upstream.map((id) => `nodes.${id}.output`);
  const target = graph.byId.get(ref.node);
  if (!target || !isAction(target.node))
    throw unknown(`names node "${ref.node}", which is no action node of this workflow`, upstreamOutputs);
  if (!graph.ancestors.get(nodeId)?.has(ref.node))
    throw unknown(`reads node "${ref.node}", which is not upstream of "${nodeId}"`, upstreamOutputs);
  if (ref.part === 'path') {
    if (ref.path.length > 0)
      throw unknown("reads below a node's path, which is a plain word", [`nodes.${ref.node}.path`]);
    return;
  }
  checkOutputPath(context, ref.node, ref.path, (why, valid) =>
    unknown(
      why,
      valid.map((field) => `nodes.${ref.node}.output.${field}`),
    ),
  );
}

function checkOutputPath(
  context: ValidationContext,
  nodeId: string,
  path: string[],
  unknown: (why: string, valid: string[]) => Error,
): void {
  // A failed invocation's output is `{ error: { code, message } }` whatever the plugin declares.
  if (path[0] === 'error') return;
  const schema = context.outputSchemas?.get(nodeId);
  if (schema && !schemaAllowsPath(schema, path)) {
    throw unknown(`is not in the output schema of node "${nodeId}"`, [
      ...schemaPaths(schema),
      'error.code',
      'error.message',
    ]);
  }
}

/**
 * AH_PLACEHOLDER_UNKNOWN that lists the valid names (details.validFields) and suggests the nearest one
 * (details.suggestion, and in the message) when it is close enough to be a typo.
 */
function unknownWithSuggestion(
  what: string,
  name: string,
  why: string,
  valid: readonly string[],
  details: Record<string, unknown>,
  marks = '',
) {
  const suggestion = nearest(name, valid);
  const shown = valid.slice(0, 20).map((field) => `${marks}${field}${marks}`);
  const more = valid.length > shown.length ? `, … (${valid.length - shown.length} more)` : '';
  const problem =
    valid.length === 0
      ? why
      : `${why}${suggestion ? `; did you mean ${marks}${suggestion}${marks}?` : ''} (valid: ${shown.join(', ')}${more})`;
  return WorkflowErrors.placeholderUnknown(
    { placeholder: what, problem },
    { ...details, validFields: [...valid], ...(suggestion ? { suggestion: `${marks}${suggestion}${marks}` } : {}) },
  );
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
