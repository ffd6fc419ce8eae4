// What a fresh host starts with: the first-party plugins installed through the registry, and the seed's two
// example workflows ("Incident-CI Linking", "Employee On-boarding") loaded as drafts for a workflow author
// to review and publish.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PluginStore } from '@actionhost/registry';
import type { WorkflowDefinitionInput, WorkflowService } from '../workflow/index.ts';

export const FIRST_PARTY_PLUGINS_DIR = fileURLToPath(new URL('../../../plugins/', import.meta.url));

/** Installs every first-party plugin whose current version is not installed yet; returns name@version of each. */
export async function installFirstPartyPlugins(plugins: PluginStore, progress: (message: string) => void): Promise<string[]> {
  const installed: string[] = [];
  for (const folder of readdirSync(FIRST_PARTY_PLUGINS_DIR).sort()) {
    const dir = join(FIRST_PARTY_PLUGINS_DIR, folder);
    if (!existsSync(join(dir, 'src', 'plugin.ts'))) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
    if (plugins.info(pkg.name).some((plugin) => plugin.version === pkg.version)) continue;
    progress(`installing first-party plugin ${pkg.name}@${pkg.version}`);
    const result = await plugins.install(dir);
    installed.push(`${result.name}@${result.version}`);
  }
  return installed;
}

export const SEED_WORKFLOWS: WorkflowDefinitionInput[] = [
  {
    name: 'Incident-CI Linking',
    description: 'When an incident\'s category changes, link it with the Configuration Item that carries its IP address.',
    module: 'request',
    trigger: { event: 'request.updated', field: 'category', kind: 'incident' },
    nodes: [{
      id: 'link', kind: 'action', title: 'Execute Plugin', description: 'Execute Plugin',
      uses: '@actionhost/ci-linking@^1.0.0', source: 'trigger',
      inputs: { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' },
    }],
  },
  {
    name: 'Employee On-boarding',
    description: 'When an "Employee On-boarding" service request from IT is raised, create the user in Active Directory.',
    module: 'request',
    trigger: { event: 'request.created', kind: 'service-request' },
    start: 'onboarding',
    nodes: [
      {
        id: 'onboarding', kind: 'condition', title: 'If Else', match: 'all',
        rules: [
          { field: 'subject', operator: 'contains', value: 'Employee On-boarding' },
          { field: 'department', operator: 'equals', value: 'IT' },
        ],
        next: { true: 'createUser' },
      },
      {
        id: 'createUser', kind: 'action', title: 'Execute App Integration', description: 'Create a new user for User Onboard',
        appIntegration: 'AD App', source: 'trigger',
        inputs: { Action: 'Create New User', mail: '#requester.email#', Username: '#requester.username#' },
      },
    ],
  },
];

/** Loads the seed workflows as drafts, once (a workflow of the same name is left alone). */
export function seedExampleWorkflows(workflows: WorkflowService, progress: (message: string) => void): string[] {
  const existing = new Set(workflows.list().map((workflow) => workflow.definition.name));
  const created: string[] = [];
  for (const definition of SEED_WORKFLOWS) {
    if (existing.has(definition.name)) continue;
    workflows.create(definition);
    progress(`loaded example workflow "${definition.name}" as a draft`);
    created.push(definition.name);
  }
  return created;
}
