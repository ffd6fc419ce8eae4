// The designer's model: pure functions over a workflow definition (the API's own shape), so the canvas, the
// settings panel, undo/redo and saving all work on one value. Edges are not stored apart: the trigger's exits are
// `start`, an If Else's are `next.true/false`, an action's are `next[path]`.
import type { ActionNode, ConditionNode, WorkflowDefinition, WorkflowNode } from '@actionhost/core';

export type Definition = WorkflowDefinition;
export type { ActionNode, ConditionNode, WorkflowNode };
export type Position = { x: number; y: number };

export const TRIGGER = 'trigger';

/** The palette's node kinds, as the seed names them. */
export type NodeKind = 'If Else' | 'Execute Plugin' | 'Run Webhook' | 'Execute App Integration';

export interface PluginSummary {
  name: string;
  version: string;
  integrity: string;
  manifest: {
    title: string;
    description?: string;
    category: string;
    paths: string[];
    testConnection?: boolean;
    capabilities?: Record<string, unknown>;
    limits?: Record<string, unknown>;
    input?: Record<string, unknown>;
    output?: Record<string, unknown>;
  };
}

export function startList(definition: Definition): string[] {
  if (definition.start === undefined) {
    const targets = new Set(definition.nodes.flatMap((node) => Object.values(node.next ?? {}).filter(isString)));
    return definition.nodes.map((node) => node.id).filter((id) => !targets.has(id));
  }
  return Array.isArray(definition.start) ? [...definition.start] : [definition.start];
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

export function nodeKind(node: WorkflowNode, plugins: readonly PluginSummary[]): NodeKind {
  if (node.kind === 'condition') return 'If Else';
  if (node.appIntegration !== undefined) return 'Execute App Integration';
  const name = splitSpec(node.uses ?? '').name;
  const plugin = plugins.find((candidate) => candidate.name === name);
  return plugin?.manifest.category === 'http-request' ? 'Run Webhook' : 'Execute Plugin';
}

/** "name@range" → parts; the "@" of a scope is not the separator. */
export function splitSpec(spec: string): { name: string; range: string } {
  const at = spec.lastIndexOf('@');
  return at > 0 ? { name: spec.slice(0, at), range: spec.slice(at + 1) } : { name: spec, range: '' };
}

/** Every exit of a node with where it leads: [handle, target]. */
export function exitsOf(definition: Definition, id: string): [string, string][] {
  if (id === TRIGGER) return startList(definition).map((target) => ['out', target]);
  const node = definition.nodes.find((candidate) => candidate.id === id);
  if (!node) return [];
  return Object.entries(node.next ?? {}).filter((entry): entry is [string, string] => isString(entry[1]));
}

/** The exits a node offers: the trigger one, true/false, or the plugin's declared paths (failure always). */
export function handlesOf(node: WorkflowNode, plugins: readonly PluginSummary[], paths?: readonly string[]): string[] {
  if (node.kind === 'condition') return ['true', 'false'];
  const declared = paths ?? pluginFor(node, plugins)?.manifest.paths ?? ['success', 'failure'];
  return [...new Set([...declared, 'failure', ...Object.keys(node.next ?? {})])];
}

export function pluginFor(node: ActionNode, plugins: readonly PluginSummary[]): PluginSummary | undefined {
  if (!node.uses) return undefined;
  const { name, range } = splitSpec(node.uses);
  return highestSatisfying(
    plugins.filter((plugin) => plugin.name === name),
    range,
  );
}

/** Enough of semver for the designer's hint (the server resolves for real): ^, ~, exact, x-ranges and *. */
export function highestSatisfying<T extends { version: string }>(
  candidates: readonly T[],
  range: string,
): T | undefined {
  const sorted = [...candidates].sort((a, b) => compareVersions(b.version, a.version));
  return sorted.find((candidate) => satisfies(candidate.version, range.trim()));
}

function parts(version: string): number[] {
  return version
    .split('-')[0]
    .split('.')
    .map((part) => Number(part));
}

export function compareVersions(a: string, b: string): number {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

function satisfies(version: string, range: string): boolean {
  if (range === '' || range === '*' || range === 'x' || range === 'latest') return true;
  const [major, minor, patch] = parts(version);
  const op = /^[\^~]/.exec(range)?.[0] ?? '';
  const wanted = range
    .slice(op.length)
    .replace(/^[=v]+/, '')
    .split('.');
  const num = (index: number) =>
    wanted[index] === undefined || /^[x*]$/i.test(wanted[index]) ? null : Number(wanted[index]);
  const [m, n, p] = [num(0), num(1), num(2)];
  if (m === null) return true;
  if (op === '^') {
    if (major !== m) return false;
    return compareVersions(version, `${m}.${n ?? 0}.${p ?? 0}`) >= 0;
  }
  if (op === '~') {
    if (major !== m || (n !== null && minor !== n)) return false;
    return compareVersions(version, `${m}.${n ?? 0}.${p ?? 0}`) >= 0;
  }
  return major === m && (n === null || minor === n) && (p === null || patch === p);
}

/** Node ids upstream of `id` (the trigger always is). */
export function upstreamOf(definition: Definition, id: string): Set<string> {
  const parents = new Map<string, string[]>();
  for (const node of definition.nodes) {
    for (const [, target] of exitsOf(definition, node.id))
      parents.set(target, [...(parents.get(target) ?? []), node.id]);
  }
  const found = new Set<string>([TRIGGER]);
  const stack = [...(parents.get(id) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (found.has(next)) continue;
    found.add(next);
    stack.push(...(parents.get(next) ?? []));
  }
  return found;
}

export function newNodeId(definition: Definition, base: string): string {
  const taken = new Set(definition.nodes.map((node) => node.id));
  const clean =
    base
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'node';
  const stem = /^[a-z]/.test(clean) ? clean.slice(0, 50) : `n-${clean}`.slice(0, 50);
  if (!taken.has(stem) && stem !== TRIGGER) return stem;
  for (let n = 2; ; n++) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
}

export function withNode(definition: Definition, node: WorkflowNode, position: Position): Definition {
  return {
    ...definition,
    start: startList(definition),
    nodes: [...definition.nodes, node],
    layout: { ...(definition.layout ?? {}), [node.id]: position },
  };
}

export function replaceNode(
  definition: Definition,
  id: string,
  update: (node: WorkflowNode) => WorkflowNode,
): Definition {
  return { ...definition, nodes: definition.nodes.map((node) => (node.id === id ? update(node) : node)) };
}

export function removeNodes(definition: Definition, ids: ReadonlySet<string>): Definition {
  const layout = { ...(definition.layout ?? {}) };
  for (const id of ids) delete layout[id];
  return {
    ...definition,
    start: startList(definition).filter((id) => !ids.has(id)),
    layout,
    nodes: definition.nodes
      .filter((node) => !ids.has(node.id))
      .map((node) => {
        const next = Object.fromEntries(Object.entries(node.next ?? {}).filter(([, target]) => !ids.has(target)));
        const source = node.source !== undefined && ids.has(node.source) ? TRIGGER : node.source;
        return { ...node, next, ...(source !== undefined ? { source } : {}) };
      }),
  };
}

/** Whether an edge source → target would close a cycle. */
export function wouldCycle(definition: Definition, source: string, target: string): boolean {
  if (target === source) return true;
  if (source === TRIGGER) return false;
  const seen = new Set<string>();
  const stack = [target];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current === source) return true;
    if (seen.has(current)) continue;
    seen.add(current);
    for (const [, next] of exitsOf(definition, current)) stack.push(next);
  }
  return false;
}

/** Sets (or, with target null, clears) the exit `handle` of `source`. */
export function setExit(definition: Definition, source: string, handle: string, target: string | null): Definition {
  if (source === TRIGGER) {
    const start = startList(definition).filter((id) => id !== target);
    return { ...definition, start: target === null ? start : [...start, target] };
  }
  return replaceNode(definition, source, (node) => {
    const next = { ...(node.next ?? {}) } as Record<string, string>;
    if (target === null) delete next[handle];
    else next[handle] = target;
    return { ...node, next };
  });
}

export function removeEdge(definition: Definition, source: string, handle: string, target: string): Definition {
  if (source === TRIGGER) return { ...definition, start: startList(definition).filter((id) => id !== target) };
  return setExit(definition, source, handle, null);
}

/** Positions for nodes the layout does not place: layered top to bottom from the trigger. */
export function positionsOf(definition: Definition): Map<string, Position> {
  const positions = new Map<string, Position>();
  const layout = definition.layout ?? {};
  const depth = new Map<string, number>([[TRIGGER, 0]]);
  const queue = [TRIGGER];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const [, target] of exitsOf(definition, id)) {
      if (!depth.has(target)) {
        depth.set(target, depth.get(id)! + 1);
        queue.push(target);
      }
    }
  }
  const perRow = new Map<number, number>();
  for (const id of [TRIGGER, ...definition.nodes.map((node) => node.id)]) {
    const placed = layout[id];
    if (placed) {
      positions.set(id, placed);
      continue;
    }
    const row = depth.get(id) ?? Math.max(1, ...depth.values()) + 1;
    const column = perRow.get(row) ?? 0;
    perRow.set(row, column + 1);
    positions.set(id, { x: 60 + column * 300, y: 40 + row * 170 });
  }
  return positions;
}

/** A free spot for a new node: below the lowest one. */
export function nextFreePosition(definition: Definition): Position {
  const positions = [...positionsOf(definition).values()];
  const lowest = Math.max(...positions.map((position) => position.y));
  return { x: 60 + (definition.nodes.length % 3) * 40, y: lowest + 170 };
}

/** Placeholders in a mapping value (`##` is a literal "#"); null when the text has a lone "#". */
export function placeholdersIn(value: string): string[] | null {
  const found: string[] = [];
  let index = 0;
  while (index < value.length) {
    if (value[index] !== '#') {
      index++;
      continue;
    }
    if (value[index + 1] === '#') {
      index += 2;
      continue;
    }
    const close = value.indexOf('#', index + 1);
    const name = close === -1 ? '' : value.slice(index + 1, close);
    if (!/^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/.test(name)) return null;
    found.push(name);
    index = close + 1;
  }
  return found;
}

/** The placeholder names that name nothing this node can read. */
export function unknownPlaceholders(
  value: string,
  known: {
    fields: readonly string[];
    openPrefixes: readonly string[];
    readsTrigger: boolean;
    upstream: ReadonlySet<string>;
  },
): string[] | null {
  const names = placeholdersIn(value);
  if (names === null) return null;
  return names.filter((name) => {
    if (name.startsWith('nodes.')) return !known.upstream.has(name.split('.')[1] ?? '');
    if (!known.readsTrigger) return false;
    if (known.fields.includes(name)) return false;
    return !known.openPrefixes.some((prefix) => name.startsWith(prefix) && name.length > prefix.length);
  });
}
