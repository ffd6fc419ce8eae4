// Build step 1: load the plugin's definition in Node to read its schemas, paths, capabilities and presets.
// src/plugin.ts (and any TypeScript it imports) is bundled to a temporary ES module; JavaScript packages
// stay external and are imported by absolute path, so `zod` is the very instance the SDK converts with.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as esbuild from 'esbuild';
import type { PluginDefinition } from '../define/index.ts';
import { bundle } from './bundler.ts';
import { BuildErrors } from './errors.ts';

const sdkRoot = join(import.meta.dirname, '..', '..');
/** Packages a plugin may use without having installed them yet: the SDK brings its own. */
const fallbackPackages = /^(?:zod|@actionhost\/sdk)(?:\/|$)/;
const typescriptFile = /\.(?:[cm]?ts|tsx)$/;

// Bare imports: TypeScript sources are bundled (Node will not strip types under node_modules); everything else
// is marked external by its resolved absolute path, which Node then loads as it normally would.
function externalPackages(): esbuild.Plugin {
  return {
    name: 'actionhost-external-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'actionhost-inner' || args.path.startsWith('node:')) return undefined;
        let resolved = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: 'actionhost-inner',
        });
        if (resolved.errors.length > 0 && fallbackPackages.test(args.path)) {
          resolved = await build.resolve(args.path, {
            kind: args.kind,
            resolveDir: sdkRoot,
            importer: args.importer,
            pluginData: 'actionhost-inner',
          });
        }
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        if (resolved.external) return { path: resolved.path, external: true };
        if (typescriptFile.test(resolved.path)) return { path: resolved.path };
        return { path: resolved.path, external: true };
      });
    },
  };
}

export async function loadDefinition(dir: string, sourceFile: string, signal?: AbortSignal): Promise<PluginDefinition> {
  const result = await bundle(
    dir,
    'bundling src/plugin.ts for Node',
    {
      entryPoints: [sourceFile],
      absWorkingDir: dir,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      write: false,
      metafile: true,
      outfile: join(dir, 'definition.mjs'),
      plugins: [externalPackages()],
    },
    signal,
  );
  const code = result.outputFiles.find((f) => f.path.endsWith('.mjs'))?.text ?? '';
  const scratch = await mkdtemp(join(tmpdir(), 'actionhost-definition-'));
  let loaded: { default?: unknown };
  try {
    const file = join(scratch, 'definition.mjs');
    await writeFile(file, code);
    try {
      loaded = (await import(pathToFileURL(file).href)) as { default?: unknown };
    } catch (error) {
      throw BuildErrors.definitionInvalid(
        sourceFile,
        `loading the plugin threw: ${(error as Error)?.message ?? String(error)}`,
      );
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const definition = loaded.default;
  if (typeof definition !== 'object' || definition === null) {
    throw BuildErrors.definitionInvalid(sourceFile, 'must `export default definePlugin({ ... })`');
  }
  const candidate = definition as Partial<PluginDefinition>;
  if (typeof candidate.run !== 'function') {
    throw BuildErrors.definitionInvalid(sourceFile, 'the definition has no run(input, ctx) function');
  }
  if (candidate.testConnection !== undefined && typeof candidate.testConnection !== 'function') {
    throw BuildErrors.definitionInvalid(sourceFile, 'testConnection must be a function when given');
  }
  return definition as PluginDefinition;
}
