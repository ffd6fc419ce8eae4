// Publishing: every action node's plugin (`uses` range or App Integration) is resolved to the highest installed
// version, its Input Mappings are checked against that version's input schema, and the result is pinned.
import semver from 'semver';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { ActionhostError, Json } from '@actionhost/sdk';
import { isAction, type ActionNode } from './definition.ts';
import { WorkflowErrors, withDetails } from './errors.ts';
import { hasPlaceholder, pointerEscape } from './placeholders.ts';
import { sealedAsText } from './secret-inputs.ts';
import { objectBranches, standalone, type ObjectBranch } from './json-schema.ts';
import type { AppIntegrationResolver, PluginCatalog, ResolvedPlugin } from './ports.ts';
import type { PinnedAction } from './repository.ts';
import type { WorkflowGraph } from './validate.ts';

const ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: false });
const validators = new Map<string, ValidateFunction>();

/** ajv caches by object identity; schemas arrive freshly parsed, so cache by their text instead. */
function validatorFor(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    if (validators.size > 1000) validators.clear();
    validate = ajv.compile(schema as object);
    validators.set(key, validate);
  }
  return validate;
}

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
    throw WorkflowErrors.pluginSpecInvalid(`"${spec}" is not "name@range" with a semver range`, { path });
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
      throw WorkflowErrors.appIntegrationUnknown(`App Integration "${node.appIntegration}" does not exist`, {
        path: `${base}/appIntegration`,
        node: node.id,
      });
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
  try {
    found = await catalog.resolve(name, range);
  } catch (error) {
    throw withDetails(error, details);
  }
  if (found) return found;
  // The catalog answers only "no match": ask for any version to tell an unknown plugin from a range that misses.
  const any = await Promise.resolve(catalog.resolve(name, '*')).catch(() => null);
  if (!any) throw WorkflowErrors.pluginNotFound(`plugin "${name}" is not installed`, { ...details, plugin: name });
  throw WorkflowErrors.pluginVersionNoMatch(`no installed version of "${name}" satisfies "${range}"`, {
    ...details,
    plugin: name,
    range,
  });
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
        `${action.name}@${action.version} has no output path "${path}" (it has ${action.paths.join(', ')})`,
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

/**
 * Input Mappings against the plugin's input schema: unknown keys, literal values of the wrong type, missing
 * required keys. A schema with branches (oneOf/anyOf) passes when one branch takes the mappings; otherwise the
 * branch that comes closest names the problem. Values with placeholders are type-checked when the run builds
 * them (the sandbox validates the whole input).
 */
export function checkMappings(
  nodeId: string,
  index: number,
  inputs: Record<string, Json>,
  schema: Record<string, unknown>,
  plugin: string,
): void {
  const branches = objectBranches(schema);
  const problems = branches.map((branch) => branchProblems(nodeId, index, inputs, branch, schema, plugin));
  if (problems.some((list) => list.length === 0)) return;
  // A key no branch knows is the clearest message; else the branch with the fewest problems speaks.
  const unknownEverywhere = problems.map((list) => list.find((p) => p.code === 'AH_MAPPING_KEY_UNKNOWN'));
  if (unknownEverywhere.every(Boolean)) throw unknownEverywhere[0]!;
  const closest =
    problems.filter((list, i) => !unknownEverywhere[i]).sort((a, b) => a.length - b.length)[0] ?? problems[0];
  throw closest[0];
}

function branchProblems(
  nodeId: string,
  index: number,
  inputs: Record<string, Json>,
  branch: ObjectBranch,
  root: Record<string, unknown>,
  plugin: string,
) {
  const problems: ActionhostError[] = [];
  const known = Object.keys(branch.properties);
  for (const [key, value] of Object.entries(inputs)) {
    const path = `/nodes/${index}/inputs/${pointerEscape(key)}`;
    const property = Object.hasOwn(branch.properties, key)
      ? branch.properties[key]
      : typeof branch.additional === 'object'
        ? branch.additional
        : undefined;
    if (property === undefined && branch.additional === false) {
      problems.push(
        WorkflowErrors.mappingKeyUnknown(
          `node "${nodeId}" maps "${key}", which ${plugin} does not take (it takes ${known.join(', ') || 'nothing'})`,
          { path, node: nodeId, key, plugin },
        ),
      );
      continue;
    }
    if (property === undefined || hasPlaceholder(value)) continue;
    const validate = validatorFor(standalone(root, property));
    if (!validate(sealedAsText(value))) {
      const first = (validate.errors ?? [])[0] as ErrorObject | undefined;
      problems.push(
        WorkflowErrors.mappingType(
          `node "${nodeId}" maps "${key}" to a value ${plugin} does not accept: ${`${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'}`.trim()}`,
          { path: `${path}${first?.instancePath ?? ''}`, node: nodeId, key, plugin },
        ),
      );
    }
  }
  for (const key of branch.required) {
    const property = branch.properties[key] as Record<string, unknown> | undefined;
    if (!Object.hasOwn(inputs, key) && property?.default === undefined) {
      problems.push(
        WorkflowErrors.mappingRequired(`node "${nodeId}" must map "${key}", which ${plugin} requires`, {
          path: `/nodes/${index}/inputs/${pointerEscape(key)}`,
          node: nodeId,
          key,
          plugin,
        }),
      );
    }
  }
  return problems;
}
