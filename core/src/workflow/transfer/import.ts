// Reading a workflow export into this host: everything is checked before anything is written — the document,
// the definition, each pinned plugin version and its integrity, capability approvals, the App Integrations and
// credentials it names, and the name — and every problem is reported at once. Nothing overwrites silently.
import semver from 'semver';
import type { ActionhostError } from '@actionhost/sdk';
import { CoreErrors } from '../../errors/index.ts';
import {
  WorkflowErrors,
  asActionhostError,
  isAction,
  validateDefinition,
  zodToError,
  type ActionNode,
  type PublishProblem,
  type ResolvedPlugin,
  type WorkflowDefinition,
} from '../definition/index.ts';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, WorkflowExport, type ExportedPlugin } from './document.ts';
import { TransferErrors } from './errors.ts';
import { credentialReferences } from './export.ts';
import type { TransferDeps } from './transfer-deps.ts';

/** The workflows already on this host, as import needs to see them. */
export interface ExistingWorkflows {
  byName(name: string): Promise<readonly { id: string; publishedVersion: number | null }[]>;
  exists(id: string): Promise<boolean>;
}

export interface ImportOptions {
  /** Replace this workflow's draft (its published version keeps running) instead of creating a new one. */
  replace?: string;
  /** Check only; create nothing. */
  dryRun?: boolean;
}

export interface ImportPlan {
  definition: WorkflowDefinition;
  pins: Pick<ExportedPlugin, 'node' | 'name' | 'version' | 'integrity'>[];
  warnings: PublishProblem[];
}

/** Checks a workflow export against this host; throws AH_WORKFLOW_IMPORT_INVALID listing every problem. */
export async function planImport(
  input: unknown,
  options: ImportOptions,
  deps: TransferDeps,
  existing: ExistingWorkflows,
): Promise<ImportPlan> {
  const document = parseDocument(input);
  const definition = document.workflow;
  const problems: ActionhostError[] = [];
  try {
    validateDefinition(definition, { ...deps.context, problems });
  } catch (error) {
    problems.push(asActionhostError(error));
  }
  const pins: ImportPlan['pins'] = [];
  const warnings: ActionhostError[] = [];
  for (const [index, node] of definition.nodes.entries()) {
    if (!isAction(node)) continue;
    const pinned = document.plugins.find((plugin) => plugin.node === node.id);
    if (!pinned) {
      problems.push(
        CoreErrors.AH_VALIDATION_FAILED(
          { what: 'workflow export', path: '/plugins', problem: `pins no plugin version for node "${node.id}"` },
          { path: '/plugins', node: node.id },
        ),
      );
      continue;
    }
    pins.push({ node: node.id, name: pinned.name, version: pinned.version, integrity: pinned.integrity });
    await checkPlugin(node, index, pinned, deps, problems, warnings);
  }
  await checkCredentials(definition, document, deps, problems);
  await checkName(definition.name, options, existing, problems);
  if (problems.length > 0) {
    throw TransferErrors.importInvalid(
      { summary: problems.map((problem) => problem.message).join('; ') },
      { problems: problems.map(problemOf) },
    );
  }
  for (const secret of document.secretInputs) {
    warnings.push(
      TransferErrors.secretInput({ node: secret.node, path: secret.path }, { node: secret.node, path: secret.path }),
    );
  }
  return { definition, pins, warnings: warnings.map(problemOf) };
}

/** A newer format is named as such before the schema (which it may not match) is applied. */
function parseDocument(input: unknown): WorkflowExport {
  const head = (input ?? {}) as { format?: unknown; formatVersion?: unknown };
  if (
    head.format === EXPORT_FORMAT &&
    typeof head.formatVersion === 'number' &&
    head.formatVersion > EXPORT_FORMAT_VERSION
  ) {
    throw TransferErrors.exportFormat(
      { format: EXPORT_FORMAT, version: head.formatVersion, supported: EXPORT_FORMAT_VERSION },
      { formatVersion: head.formatVersion },
    );
  }
  const parsed = WorkflowExport.safeParse(input);
  if (!parsed.success) throw zodToError(parsed.error);
  return parsed.data;
}

async function checkPlugin(
  node: ActionNode,
  index: number,
  pinned: ExportedPlugin,
  deps: TransferDeps,
  problems: ActionhostError[],
  warnings: ActionhostError[],
): Promise<void> {
  const plugin = `${pinned.name}@${pinned.version}`;
  const at = { node: node.id, plugin };
  const installed = await quietly(() => deps.catalog.resolve(pinned.name, pinned.version));
  if (!installed || installed.version !== pinned.version) {
    problems.push(TransferErrors.pluginMissing({ plugin, node: node.id }, { ...at, integrity: pinned.integrity }));
  } else if (installed.integrity !== pinned.integrity) {
    problems.push(
      TransferErrors.pluginIntegrity(
        { plugin, node: node.id },
        { ...at, expected: pinned.integrity, found: installed.integrity },
      ),
    );
  } else if (deps.approvals) {
    const pending = await deps.approvals.unapproved(pinned.name, pinned.version);
    if (pending.length > 0) {
      problems.push(
        TransferErrors.capabilityUnapproved(
          { plugin, capabilities: pending.join(', '), node: node.id },
          { ...at, capabilities: [...pending] },
        ),
      );
    }
  }
  if (node.appIntegration !== undefined) {
    const path = `/workflow/nodes/${index}/appIntegration`;
    const found = await deps.appIntegrations?.resolveAppIntegration(node.appIntegration);
    if (!found) {
      problems.push(
        TransferErrors.appIntegrationMissing({ name: node.appIntegration, node: node.id }, { node: node.id, path }),
      );
    } else if (found.plugin.name !== pinned.name) {
      problems.push(
        TransferErrors.appIntegrationMismatch(
          { name: node.appIntegration, found: found.plugin.name, expected: pinned.name, node: node.id },
          { node: node.id, path },
        ),
      );
    }
    return;
  }
  // The node keeps its range: where this host has a higher version in it, a publish would pin that one.
  const range = node.uses!.slice(node.uses!.lastIndexOf('@') + 1);
  const highest = await quietly(() => deps.catalog.resolve(pinned.name, range));
  if (highest && highest.version !== pinned.version && semver.valid(highest.version)) {
    warnings.push(
      TransferErrors.pinDiffers(
        { node: node.id, exported: plugin, here: `${highest.name}@${highest.version}` },
        { node: node.id, path: `/workflow/nodes/${index}/uses` },
      ),
    );
  }
}

async function checkCredentials(
  definition: WorkflowDefinition,
  document: WorkflowExport,
  deps: TransferDeps,
  problems: ActionhostError[],
): Promise<void> {
  const expected = new Map(document.credentials.map((credential) => [credential.name, credential.type]));
  for (const name of credentialReferences(definition)) if (!expected.has(name)) expected.set(name, 'unknown');
  if (expected.size === 0) return;
  const here = new Map((await deps.credentials?.list())?.map((credential) => [credential.name, credential.type]) ?? []);
  for (const [name, type] of [...expected].sort()) {
    const found = here.get(name);
    if (found === undefined) problems.push(TransferErrors.credentialMissing({ name }, { credential: name }));
    else if (type !== 'unknown' && found !== type)
      problems.push(TransferErrors.credentialType({ name, found, expected: type }, { credential: name }));
  }
}

async function checkName(
  name: string,
  options: ImportOptions,
  existing: ExistingWorkflows,
  problems: ActionhostError[],
): Promise<void> {
  if (options.replace !== undefined) {
    if (!(await existing.exists(options.replace)))
      problems.push(WorkflowErrors.workflowNotFound({ id: options.replace }, { id: options.replace }));
    return;
  }
  for (const same of await existing.byName(name)) {
    const published = same.publishedVersion === null ? ', a draft' : `, published version ${same.publishedVersion}`;
    problems.push(TransferErrors.nameTaken({ name, id: same.id, published }, { id: same.id, path: '/workflow/name' }));
  }
}

async function quietly(resolve: () => unknown): Promise<ResolvedPlugin | null> {
  try {
    return ((await resolve()) as ResolvedPlugin | null | undefined) ?? null;
  } catch {
    return null;
  }
}

function problemOf(error: ActionhostError): PublishProblem {
  const details = error.details ?? {};
  return {
    code: error.code,
    message: error.message,
    path: typeof details.path === 'string' ? details.path : null,
    node: typeof details.node === 'string' ? details.node : null,
  };
}
