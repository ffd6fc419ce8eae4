// Publishing: every action node's plugin (`uses` range or App Integration) is resolved to the highest installed
// version, its Input Mappings are checked against that version's input schema, and the result is pinned.
import semver from 'semver';
import type { ActionhostError, Json } from '@actionhost/sdk';
import { WorkflowErrors, withDetails } from './errors.ts';
import { checkMappings } from './mappings.ts';
import { pointerEscape } from './placeholders.ts';
import type { AppIntegrationResolver, PluginCatalog, ResolvedPlugin } from './ports.ts';
import type { DefinitionRepository } from './repository.ts';
import { isAction, type ActionNode } from './schema.ts';
import type { PinnedAction, PublishedWorkflow, WorkflowRecord } from './stored-workflow.ts';
import { parseDefinition, validateDefinition, type ValidationContext, type WorkflowGraph } from './validate.ts';

export interface ResolvedAction extends PinnedAction {
  plugin: ResolvedPlugin;
}

export interface ResolveDeps {
  catalog: PluginCatalog;
  appIntegrations?: AppIntegrationResolver;
}

/** Splits "name@range"; the "@" of a scope is not the separator. */
export function parsePluginSpec(spec: string, path: string): { name: string; range: string } {
  const at = spec.lastIndexOf('@');
  const name = at > 0 ? spec.slice(0, at) : '';
  const range = at > 0 ? spec.slice(at + 1).trim() : '';
  if (!name || !range || semver.validRange(range) === null) {
    throw WorkflowErrors.pluginSpecInvalid({ spec }, { path });
  }
  return { name, range };
}

/** Resolves one action node to an installed plugin version (not yet pinned). */
export async function resolveAction(node: ActionNode, index: number, deps: ResolveDeps): Promise<ResolvedAction> {
  let spec: { name: string; range: string };
  let applicationId: string | undefined;
  let defaults: Record<string, Json> = {};
  const base = `/nodes/${index}`;
  if (node.uses !== undefined) {
    spec = parsePluginSpec(node.uses, `${base}/uses`);
  } else {
    const found = await deps.appIntegrations?.resolveAppIntegration(node.appIntegration!);
    if (!found) {
      throw WorkflowErrors.appIntegrationUnknown(
        { name: node.appIntegration! },
        {
          path: `${base}/appIntegration`,
          node: node.id,
        },
      );
    }
    spec = found.plugin;
    applicationId = found.applicationId;
    defaults = found.mappings;
  }
  const plugin = await resolvePlugin(deps.catalog, spec.name, spec.range, {
    path: `${base}/${node.uses !== undefined ? 'uses' : 'appIntegration'}`,
    node: node.id,
  });
  return {
    plugin,
    name: plugin.name,
    version: plugin.version,
    integrity: plugin.integrity,
    ...(applicationId !== undefined ? { applicationId } : {}),
    inputs: { ...defaults, ...node.inputs },
    inputSchema: plugin.manifest.input,
    paths: plugin.manifest.paths,
  };
}

async function resolvePlugin(
  catalog: PluginCatalog,
  name: string,
  range: string,
  details: { path: string; node: string },
): Promise<ResolvedPlugin> {
  let found: ResolvedPlugin | null | undefined;
  let installed: string[] | undefined;
  try {
    found = await catalog.resolve(name, range);
  } catch (error) {
    // The registry answers a lookup by name with its own 404s (plugin or version not found). For a publish they
    // mean the workflow cannot be pinned against what is installed, which is no missing route or workflow: 409
    // with the range and the installed versions, below.
    if ((error as { status?: unknown }).status !== 404) throw withDetails(error, details);
    const listed = (error as { details?: { installed?: unknown } }).details?.installed;
    installed = Array.isArray(listed) ? listed.map(String) : [];
  }
  if (found) return found;
  if (installed === undefined) {
    // The catalog answers only "no match": ask for any version to tell an unknown plugin from a range that misses.
    const any = await Promise.resolve(catalog.resolve(name, '*')).catch(() => null);
    installed = any ? [any.version] : [];
  }
  const conflict = { ...details, plugin: name, range, installed };
  if (installed.length === 0) {
    throw WorkflowErrors.pluginNotFound({ plugin: `plugin "${name}" (wanted: ${range})` }, conflict);
  }
  throw WorkflowErrors.pluginVersionNoMatch({ name, range, installed: installed.join(', ') }, conflict);
}

/**
 * Resolves and checks every action node of a validated graph. With `problems`, a node that fails is left out of
 * the answer and its problem added there, so every node's problem can be shown at once.
 */
export async function resolveActions(
  graph: WorkflowGraph,
  deps: ResolveDeps,
  problems?: ActionhostError[],
): Promise<Map<string, ResolvedAction>> {
  const resolved = new Map<string, ResolvedAction>();
  for (const { node, index } of graph.byId.values()) {
    if (!isAction(node)) continue;
    if (!problems) {
      resolved.set(node.id, await resolveChecked(node, index, deps));
      continue;
    }
    try {
      resolved.set(node.id, await resolveChecked(node, index, deps));
    } catch (error) {
      problems.push(withDetails(error, { node: node.id }));
    }
  }
  return resolved;
}

async function resolveChecked(node: ActionNode, index: number, deps: ResolveDeps): Promise<ResolvedAction> {
  const action = await resolveAction(node, index, deps);
  checkMappings(node.id, index, action.inputs, action.plugin.manifest.input, `${action.name}@${action.version}`);
  for (const path of Object.keys(node.next)) {
    // `failure` is always wireable: it is where a thrown invocation goes.
    if (path !== 'failure' && !action.paths.includes(path)) {
      throw WorkflowErrors.outputPathUnknown(
        { plugin: `${action.name}@${action.version}`, path, paths: action.paths.join(', ') },
        {
          path: `/nodes/${index}/next/${pointerEscape(path)}`,
          node: node.id,
          plugin: `${action.name}@${action.version}`,
        },
      );
    }
  }
  return action;
}

export interface PublishDeps extends ResolveDeps {
  repository: DefinitionRepository;
  context: ValidationContext;
}

/**
 * Resolves every plugin to the highest installed version, checks Input Mappings against its input schema,
 * checks placeholders against upstream output schemas, pins the versions and stores a new published version.
 * Nothing is stored or pinned when any check fails.
 */
export async function publishWorkflow(record: WorkflowRecord, deps: PublishDeps): Promise<PublishedWorkflow> {
  const { id } = record;
  const definition = parseDefinition(record.definition);
  const graph = validateDefinition(definition, deps.context);
  const resolved = await resolveActions(graph, deps);
  const outputSchemas = new Map([...resolved].map(([nodeId, action]) => [nodeId, action.plugin.manifest.output]));
  // Checked again with what will actually run: App Integration defaults merged in, upstream output schemas known.
  const effective = {
    ...definition,
    nodes: definition.nodes.map((node) =>
      resolved.has(node.id) ? { ...node, inputs: resolved.get(node.id)!.inputs } : node,
    ),
  };
  validateDefinition(effective, { ...deps.context, outputSchemas });
  const actions: Record<string, PinnedAction> = {};
  for (const [nodeId, { plugin: _plugin, ...pinned }] of resolved) actions[nodeId] = pinned;
  const previous = deps.repository.getPublished(id);
  const owner = `workflow:${id}`;
  const { catalog } = deps;
  try {
    await catalog.unpin(owner);
    for (const action of new Set(Object.values(actions).map((a) => `${a.name}\u0000${a.version}`))) {
      const [name, version] = action.split('\u0000');
      await catalog.pin(name, version, owner);
    }
    return deps.repository.publish(id, definition, actions);
  } catch (error) {
    await restorePins(catalog, owner, previous?.actions ?? {});
    throw error;
  }
}

async function restorePins(
  catalog: PluginCatalog,
  owner: string,
  actions: Record<string, PinnedAction>,
): Promise<void> {
  try {
    await catalog.unpin(owner);
    for (const action of Object.values(actions)) await catalog.pin(action.name, action.version, owner);
  } catch {
    /* best effort: the original error is the one to report */
  }
}
