// plugin.json from package.json + the plugin's definition. Keys are written in the contract's order so the
// file (and so the tarball) is stable across builds.
import { PluginManifest, type PluginManifestInput } from '../contract/index.ts';
import type { PluginDefinition } from '../define/index.ts';
import { BuildErrors } from './errors.ts';
import { toPluginJsonSchema } from './schema.ts';

export const GUEST_ENTRY = 'dist/plugin.js';
const presetName = /^[A-Za-z0-9_-]+$/;

export interface PackageInfo {
  name: string;
  version: string;
  description?: string;
}

export function readPackageInfo(file: string, text: string): PackageInfo {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw BuildErrors.packageJsonInvalid(file, `not JSON: ${(error as Error).message}`);
  }
  const pkg = json as Partial<Record<string, unknown>>;
  if (typeof pkg.name !== 'string' || pkg.name === '') throw BuildErrors.packageJsonInvalid(file, 'needs a "name"');
  if (typeof pkg.version !== 'string' || pkg.version === '')
    throw BuildErrors.packageJsonInvalid(file, 'needs a "version"');
  return {
    name: pkg.name,
    version: pkg.version,
    ...(typeof pkg.description === 'string' ? { description: pkg.description } : {}),
  };
}

/** Mapping presets by name → file path inside the package; names are checked before any file is written. */
export function presetFiles(definition: PluginDefinition): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of Object.keys(definition.mappings ?? {}).sort()) {
    if (!presetName.test(name)) {
      throw BuildErrors.definitionInvalid('src/plugin.ts', `mapping preset name "${name}" must match ${presetName}`);
    }
    files[name] = `mappings/${name}.json`;
  }
  return files;
}

export async function createManifest(pkg: PackageInfo, definition: PluginDefinition): Promise<PluginManifest> {
  const draft: PluginManifestInput = {
    name: pkg.name,
    version: pkg.version,
    title: definition.title,
    description: definition.description ?? pkg.description ?? '',
    category: definition.category,
    host: definition.host ?? '^1.0.0',
    entry: GUEST_ENTRY,
    input: await toPluginJsonSchema(definition.input, 'input'),
    output: await toPluginJsonSchema(definition.output, 'output'),
    paths: [...(definition.paths ?? ['success', 'failure'])],
    capabilities: definition.capabilities ?? {},
    limits: definition.limits ?? {},
    ...(definition.sandbox ? { sandbox: definition.sandbox } : {}),
    testConnection: typeof definition.testConnection === 'function',
    mappings: presetFiles(definition),
  };
  const parsed = PluginManifest.safeParse(draft);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: '/' + issue.path.map(String).join('/'),
      message: issue.message,
    }));
    throw BuildErrors.manifestInvalid(`${pkg.name}@${pkg.version}`, issues);
  }
  return parsed.data;
}
