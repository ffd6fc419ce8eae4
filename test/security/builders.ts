// Small builders for sandbox tests: a manifest and a plugin from a script, without going through the SDK.
import { PluginManifest, type PluginManifestInput } from '@actionhost/sdk';
import type { LoadedPlugin } from '@actionhost/core';

export function manifestOf(overrides: Partial<PluginManifestInput> = {}): PluginManifest {
  return PluginManifest.parse({
    name: '@test/hostile',
    version: '1.0.0',
    title: 'Hostile',
    category: 'plugin',
    host: '^1.0.0',
    entry: 'dist/plugin.js',
    input: { type: 'object' },
    output: { type: 'object' },
    paths: ['success', 'failure'],
    limits: { timeoutMs: 1_000, memoryMb: 32 },
    ...overrides,
  });
}

let counter = 0;
/** A plugin whose `run` body is `body` (an async function body with `input` and `ctx` in scope). */
export function pluginOf(body: string, overrides: Partial<PluginManifestInput> = {}, prologue = ''): LoadedPlugin {
  const manifest = manifestOf({ version: `1.0.${counter++}`, ...overrides });
  const code = `${prologue}\nglobalThis.plugin = { async run(input, ctx) { ${body} } };`;
  return { manifest, code, integrity: `sha512-test-${counter}` };
}

export const benign = () => pluginOf(`return { path: 'success', output: { echo: input } };`);
