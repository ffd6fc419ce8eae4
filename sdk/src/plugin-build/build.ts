// buildPlugin: a plugin folder → plugin.json, mappings/*.json and dist/plugin.js, in two steps
// (read the definition in Node, then bundle the sandbox script).
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PluginManifest } from '../contract/index.ts';
import { loadDefinition } from './definition.ts';
import { BuildErrors } from './errors.ts';
import { bundleGuest } from './guest-bundle.ts';
import { GUEST_ENTRY, createManifest, readPackageInfo } from './manifest.ts';
import { prettyJson, writeFileAtomic } from './output.ts';

export interface BuildOptions {
  signal?: AbortSignal;
}

export interface BuildResult {
  manifest: PluginManifest;
  /** Absolute path of dist/plugin.js */
  entryFile: string;
  /** Absolute path of plugin.json */
  manifestFile: string;
}

export async function buildPlugin(dir: string, options: BuildOptions = {}): Promise<BuildResult> {
  const root = resolve(dir);
  const { signal } = options;
  const packageFile = join(root, 'package.json');
  const sourceFile = join(root, 'src', 'plugin.ts');
  let packageText: string;
  try {
    packageText = await readFile(packageFile, 'utf8');
  } catch {
    throw BuildErrors.packageJsonInvalid(packageFile, 'cannot be read');
  }
  const pkg = readPackageInfo(packageFile, packageText);
  if (
    !(await stat(sourceFile).then(
      (s) => s.isFile(),
      () => false,
    ))
  )
    throw BuildErrors.pluginSourceMissing(sourceFile);

  const definition = await loadDefinition(root, sourceFile, signal);
  const manifest = await createManifest(pkg, definition);
  const code = await bundleGuest(root, signal);
  signal?.throwIfAborted();

  for (const [name, file] of Object.entries(manifest.mappings)) {
    await writeFileAtomic(join(root, file), prettyJson(definition.mappings?.[name] ?? {}));
  }
  const entryFile = join(root, GUEST_ENTRY);
  const manifestFile = join(root, 'plugin.json');
  await writeFileAtomic(entryFile, code);
  await writeFileAtomic(manifestFile, prettyJson(manifest));
  return { manifest, entryFile, manifestFile };
}
