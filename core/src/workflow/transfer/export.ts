// Writing a workflow export: the published version (or the draft, with the versions a publish would pin), the
// App Integrations and credentials it names, and its typed-in secrets left out and listed.
import type { ActionhostError, Json } from '@actionhost/sdk';
import {
  asActionhostError,
  isAction,
  isSealed,
  parseDefinition,
  pointerEscape,
  resolveActions,
  validateDefinition,
  type PublishedWorkflow,
  type WorkflowDefinition,
  type WorkflowRecord,
} from '../definition/index.ts';
import { TransferErrors } from './errors.ts';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, type ExportedPlugin, type WorkflowExport } from './document.ts';
import type { TransferDeps } from './transfer-deps.ts';

export type ExportFrom = 'published' | 'draft';

export async function exportWorkflow(
  record: WorkflowRecord,
  published: PublishedWorkflow | null,
  from: ExportFrom | undefined,
  deps: TransferDeps,
): Promise<WorkflowExport> {
  const source = from ?? (published ? 'published' : 'draft');
  let definition: WorkflowDefinition;
  let plugins: ExportedPlugin[];
  if (source === 'published') {
    if (!published)
      throw TransferErrors.exportUnresolved({ id: record.id, summary: 'it was never published' }, { id: record.id });
    definition = published.definition;
    plugins = Object.entries(published.actions).map(([node, action]) => pluginEntry(definition, node, action));
  } else {
    definition = parseDefinition(record.definition);
    plugins = await draftPins(record.id, definition, deps);
  }
  const { workflow, secretInputs } = withoutSecrets(definition);
  const names = credentialReferences(workflow);
  const known = new Map((await deps.credentials?.list())?.map((c) => [c.name, c.type]) ?? []);
  return {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    exportedAt: deps.clock().toISOString(),
    source: {
      workflowId: record.id,
      version: source === 'published' ? published!.version : null,
      host: deps.hostVersion,
    },
    workflow,
    plugins,
    appIntegrations: plugins
      .filter((plugin) => plugin.appIntegration !== undefined)
      .map((plugin) => ({ name: plugin.appIntegration!, plugin: plugin.name, node: plugin.node })),
    credentials: names.map((name) => ({ name, type: known.get(name) ?? 'unknown' })),
    secretInputs,
  };
}

function pluginEntry(
  definition: WorkflowDefinition,
  node: string,
  pin: { name: string; version: string; integrity: string },
): ExportedPlugin {
  const found = definition.nodes.find((candidate) => candidate.id === node);
  const appIntegration = found && isAction(found) ? found.appIntegration : undefined;
  return {
    node,
    name: pin.name,
    version: pin.version,
    integrity: pin.integrity,
    ...(appIntegration !== undefined ? { appIntegration } : {}),
  };
}

async function draftPins(id: string, definition: WorkflowDefinition, deps: TransferDeps): Promise<ExportedPlugin[]> {
  const problems: ActionhostError[] = [];
  let resolved;
  try {
    resolved = await resolveActions(validateDefinition(definition, { ...deps.context, problems }), deps, problems);
  } catch (error) {
    problems.push(asActionhostError(error));
  }
  if (problems.length > 0 || !resolved) {
    throw TransferErrors.exportUnresolved(
      { id, summary: problems.map((problem) => problem.message).join('; ') },
      {
        id,
        problems: problems.map((problem) => ({ code: problem.code, message: problem.message, ...problem.details })),
      },
    );
  }
  return [...resolved].map(([node, action]) => pluginEntry(definition, node, action));
}

/** The credential names a definition uses: Run Webhook's "Credential" input (By Credentials), as a literal name. */
export function credentialReferences(definition: WorkflowDefinition): string[] {
  const names = new Set<string>();
  for (const node of definition.nodes) {
    if (!isAction(node)) continue;
    const value = node.inputs.Credential;
    if (typeof value === 'string' && value !== '' && !value.includes('#')) names.add(value);
  }
  return [...names].sort();
}

/** The definition with every sealed (typed-in) secret replaced by "" and the places listed. */
function withoutSecrets(definition: WorkflowDefinition): {
  workflow: WorkflowDefinition;
  secretInputs: WorkflowExport['secretInputs'];
} {
  const secretInputs: WorkflowExport['secretInputs'] = [];
  const nodes = definition.nodes.map((node, index) => {
    if (!isAction(node)) return node;
    const walk = (value: Json, path: string): Json => {
      if (isSealed(value)) {
        secretInputs.push({ node: node.id, path });
        return '';
      }
      if (Array.isArray(value)) return value.map((item, at) => walk(item, `${path}/${at}`));
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(
        Object.entries(value).map(([key, inner]) => [key, walk(inner, `${path}/${pointerEscape(key)}`)]),
      );
    };
    return { ...node, inputs: walk(node.inputs, `/nodes/${index}/inputs`) as Record<string, Json> };
  });
  return { workflow: { ...definition, nodes }, secretInputs };
}
