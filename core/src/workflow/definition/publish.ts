// Publishing: every action node's plugin (`uses` range or App Integration) is resolved to the highest installed
// version, its Input Mappings are checked against that version's input schema, and the result is pinned.
import semver from 'semver';
import type { ActionhostError, Json } from '@actionhost/sdk';
import { WorkflowErrors, withDetails } from './errors.ts';
import { schemaTypesAt } from './json-schema.ts';
import { mappingProblems } from './mappings.ts';
import { pointerEscape, type Reference } from './placeholders.ts';
import { Problems } from './problems.ts';
import { isKnownRequestPath, requestPathTypes } from './request-data.ts';
import type { AppIntegrationResolver, PluginCatalog, ResolvedPlugin } from './ports.ts';
import type { DefinitionRepository } from './repository.ts';
import { TRIGGER_NODE_ID, isAction, type ActionNode } from './schema.ts';
import type { PinnedAction, PublishedWorkflow, WorkflowRecord } from './stored-workflow.ts';
import {
  dataSourceOf,
  parseDefinition,
  validateDefinition,
  type ValidationContext,
  type WorkflowGraph,
} from './validate.ts';

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
 * Resolves every action node of a validated graph and checks its output edges and Input Mappings (types of
 * placeholders against the upstream output schemas included, with `context`). Every problem is reported at once.
 */
export async function resolveActions(
  graph: WorkflowGraph,
  deps: ResolveDeps,
  found?: ActionhostError[],
  context?: ValidationContext,
): Promise<Map<string, ResolvedAction>> {
  const problems = new Problems();
  const resolved = await resolveAll(graph, deps, context, problems);
  // With `found`, every problem is handed back one by one (nodes that failed are left out of the answer).
  if (found) found.push(...problems.list);
  else problems.throwIfAny();
  return resolved;
}

/** resolveActions, adding what it finds to `problems` and returning the actions it could resolve. */
async function resolveAll(
  graph: WorkflowGraph,
  deps: ResolveDeps,
  context: ValidationContext | undefined,
  problems: Problems,
): Promise<Map<string, ResolvedAction>> {
  const resolved = new Map<string, ResolvedAction>();
  for (const { node, index } of graph.byId.values()) {
    if (!isAction(node)) continue;
    const action = await problems.collectAsync(() => resolveAction(node, index, deps));
    if (!action) continue;
    const plugin = `${action.name}@${action.version}`;
    for (const path of Object.keys(node.next)) {
      // `failure` is always wireable: it is where a thrown invocation goes.
      if (path !== 'failure' && !action.paths.includes(path)) {
        problems.add(
          WorkflowErrors.outputPathUnknown(
            { plugin, path, paths: action.paths.join(', ') },
            { path: `/nodes/${index}/next/${pointerEscape(path)}`, node: node.id, plugin },
          ),
        );
      }
    }
    resolved.set(node.id, action);
  }
  const outputSchemas = new Map([...resolved].map(([nodeId, action]) => [nodeId, action.plugin.manifest.output]));
  for (const [nodeId, action] of resolved) {
    const { node, index } = graph.byId.get(nodeId)!;
    const source = node.source ?? TRIGGER_NODE_ID;
    const types = (ref: Reference) => placeholderTypes(graph, outputSchemas, source, ref, context);
    for (const problem of mappingProblems(
      nodeId,
      index,
      action.inputs,
      action.plugin.manifest.input,
      `${action.name}@${action.version}`,
      types,
    )) {
      problems.add(problem);
    }
  }
  return resolved;
}

/** What a placeholder of a node whose source is `source` can hold, from the request's fields or an output schema. */
function placeholderTypes(
  graph: WorkflowGraph,
  outputSchemas: ReadonlyMap<string, Record<string, unknown>>,
  source: string,
  ref: Reference,
  context: ValidationContext | undefined,
): readonly string[] | undefined {
  if (!context) return undefined;
  if (ref.kind === 'node') {
    if (ref.part === 'path') return ['string'];
    const schema = outputSchemas.get(ref.node);
    return schema && ref.path[0] !== 'error' ? schemaTypesAt(schema, ref.path) : undefined;
  }
  const from = dataSourceOf(graph, source);
  if (from === TRIGGER_NODE_ID) {
    return isKnownRequestPath(ref.path, context.customFieldNames) ? requestPathTypes(ref.path) : undefined;
  }
  const schema = outputSchemas.get(from);
  return schema && ref.path[0] !== 'error' ? schemaTypesAt(schema, ref.path) : undefined;
}

export interface PublishDeps extends ResolveDeps {
  repository: DefinitionRepository;
  context: ValidationContext;
  /** Who publishes (`token:<name>`), kept with the version. */
  actor?: string;
  /** An admin publishing with acceptCapabilities: unapproved versions are approved in their name, not refused. */
  approveAs?: string;
}

/** A version to pin whose capabilities nobody approved, and what it reaches beyond the approved one. */
export interface UnapprovedVersion {
  name: string;
  version: string;
  against: string | null;
  widened: string[];
}

/** The versions among `actions` whose capabilities are not approved (none when the catalog keeps no approvals). */
export async function unapprovedVersions(
  catalog: PluginCatalog,
  actions: Iterable<{ name: string; version: string }>,
): Promise<UnapprovedVersion[]> {
  const unapproved: UnapprovedVersion[] = [];
  if (!catalog.capabilityReview) return unapproved;
  const seen = new Set<string>();
  for (const { name, version } of actions) {
    if (seen.has(`${name}@${version}`)) continue;
    seen.add(`${name}@${version}`);
    const review = await catalog.capabilityReview(name, version);
    if (!review.approved) unapproved.push({ name, version, ...pick(review.difference) });
  }
  return unapproved;
}

const pick = ({ from, widened }: { from: string | null; widened: string[] }) => ({ against: from, widened });

export function notApprovedError(unapproved: UnapprovedVersion[]): ActionhostError {
  const plugins = unapproved
    .map(
      (item) =>
        `${item.name}@${item.version} widens ${item.widened.join('; ')} beyond ${item.against ?? 'nothing approved'}`,
    )
    .join(', ');
  return WorkflowErrors.capabilitiesNotApproved({ plugins }, { plugins: unapproved });
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
  // Every problem found from here on (plugins, mappings, output placeholders) is reported together.
  const problems = new Problems();
  const resolved = await resolveAll(graph, deps, deps.context, problems);
  const outputSchemas = new Map([...resolved].map(([nodeId, action]) => [nodeId, action.plugin.manifest.output]));
  // Checked again with what will actually run: App Integration defaults merged in, upstream output schemas known.
  const effective = {
    ...definition,
    nodes: definition.nodes.map((node) =>
      resolved.has(node.id) ? { ...node, inputs: resolved.get(node.id)!.inputs } : node,
    ),
  };
  problems.collect(() => validateDefinition(effective, { ...deps.context, outputSchemas }));
  problems.throwIfAny();
  const actions: Record<string, PinnedAction> = {};
  for (const [nodeId, { plugin: _plugin, ...pinned }] of resolved) actions[nodeId] = pinned;
  const previous = await deps.repository.getPublished(id);
  const owner = `workflow:${id}`;
  const { catalog } = deps;
  // Upgrades never widen what a plugin may reach silently: a version nobody approved is pinned only when an admin
  // publishing says so, which records the approval in their name.
  const unapproved = await unapprovedVersions(catalog, Object.values(actions));
  if (unapproved.length > 0) {
    if (deps.approveAs === undefined || !catalog.approveCapabilities) throw notApprovedError(unapproved);
    for (const { name, version } of unapproved) await catalog.approveCapabilities(name, version, deps.approveAs);
  }
  try {
    await catalog.unpin(owner);
    for (const action of new Set(Object.values(actions).map((a) => `${a.name}\u0000${a.version}`))) {
      const [name, version] = action.split('\u0000');
      await catalog.pin(name, version, owner);
    }
    return deps.repository.publish(id, definition, actions, deps.actor ?? null);
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
