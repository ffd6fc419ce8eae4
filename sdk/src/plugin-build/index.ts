// Front door of the SDK build: plugin folder → plugin.json + dist/plugin.js (+ mappings presets).
export { buildPlugin, type BuildOptions, type BuildResult } from './build.ts';
export { stopBundler } from './bundler.ts';
export { BuildErrors, type BundlerMessage } from './errors.ts';
export { toPluginJsonSchema } from './schema.ts';
export { GUEST_ENTRY } from './manifest.ts';
