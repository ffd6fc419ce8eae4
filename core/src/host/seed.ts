// What a fresh host starts with: the first-party plugins installed through the registry, and the seed's two
// example workflows ("Incident-CI Linking", "Employee On-boarding") loaded as drafts for a workflow author
// to review and publish.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PluginStore } from '@actionhost/registry';
import { EXAMPLE_WORKFLOWS, type WorkflowService } from '../workflow/index.ts';

export const FIRST_PARTY_PLUGINS_DIR = fileURLToPath(new URL('../../../plugins/', import.meta.url));

/** Installs every first-party plugin whose current version is not installed yet; returns name@version of each. */
export async function installFirstPartyPlugins(
  plugins: PluginStore,
  progress: (message: string) => void,
): Promise<string[]> {
  const installed: string[] = [];
  // An installed @actionhost/core (no checkout around it) has no plugins/ folder: there `registry install` adds them.
  if (!existsSync(FIRST_PARTY_PLUGINS_DIR)) return installed;
  const present = new Set(plugins.list().map((plugin) => `${plugin.name}@${plugin.version}`));
  for (const folder of readdirSync(FIRST_PARTY_PLUGINS_DIR).sort()) {
    const dir = join(FIRST_PARTY_PLUGINS_DIR, folder);
    if (!existsSync(join(dir, 'src', 'plugin.ts'))) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
    if (present.has(`${pkg.name}@${pkg.version}`)) continue;
    progress(`installing first-party plugin ${pkg.name}@${pkg.version}`);
    const result = await plugins.install(dir);
    installed.push(`${result.name}@${result.version}`);
  }
  return installed;
}

/** Loads the seed workflows as drafts, once (a workflow of the same name is left alone). */
export function seedExampleWorkflows(workflows: WorkflowService, progress: (message: string) => void): string[] {
  const existing = new Set(workflows.list().map((workflow) => workflow.definition.name));
  const created: string[] = [];
  for (const definition of EXAMPLE_WORKFLOWS) {
    if (existing.has(definition.name)) continue;
    workflows.create(definition);
    progress(`loaded example workflow "${definition.name}" as a draft`);
    created.push(definition.name);
  }
  return created;
}
