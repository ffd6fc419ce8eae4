// The PluginRunner the host wires: loads a pinned plugin version's manifest and code from the plugin store,
// refuses it when its integrity is not the pinned one, and invokes it in the sandbox.
import type { Json, LogLevel, PluginManifest } from '@actionhost/sdk';
import type { InvocationBindings } from '../capabilities/index.ts';
import { WorkflowErrors } from './errors.ts';
import type { PluginOutcome, PluginRef, PluginRunner } from './ports.ts';

type MaybePromise<T> = T | Promise<T>;

/** The registry's PluginStore as the runner needs it. */
export interface InstalledPlugins {
  get(name: string, version: string): MaybePromise<{ manifest: PluginManifest; integrity: string } | null | undefined>;
  /** The code of the manifest's entry (dist/plugin.js). */
  readEntry(name: string, version: string): MaybePromise<string>;
}

/** The Sandbox as the runner needs it. */
export interface PluginSandbox {
  invoke(request: {
    plugin: { manifest: PluginManifest; code: string; integrity: string };
    input: unknown;
    entry?: 'run' | 'testConnection';
    bindings?: InvocationBindings;
    idempotencyKey?: string;
    signal?: AbortSignal;
  }): Promise<{
    invocationId: string;
    path: string;
    output: Json;
    logs: { level: LogLevel; message: string; data?: Json; at: string }[];
    durationMs: number;
  }>;
}

export function createSandboxRunner(options: {
  sandbox: PluginSandbox;
  plugins: InstalledPlugins;
  cacheSize?: number;
}): PluginRunner {
  // Installed versions are immutable, so a loaded version can be kept; the key includes the integrity.
  const cache = new Map<string, Promise<{ manifest: PluginManifest; code: string; integrity: string }>>();
  const load = (plugin: PluginRef) => {
    const key = `${plugin.name}@${plugin.version}#${plugin.integrity}`;
    let loaded = cache.get(key);
    if (!loaded) {
      loaded = (async () => {
        const installed = await options.plugins.get(plugin.name, plugin.version);
        if (!installed) {
          throw WorkflowErrors.pluginNotFound(
            { plugin: `the pinned version ${plugin.name}@${plugin.version}` },
            { plugin: `${plugin.name}@${plugin.version}` },
          );
        }
        if (installed.integrity !== plugin.integrity) {
          throw WorkflowErrors.pluginIntegrityMismatch(
            { plugin: `${plugin.name}@${plugin.version}` },
            { plugin: `${plugin.name}@${plugin.version}`, pinned: plugin.integrity, installed: installed.integrity },
          );
        }
        return {
          manifest: installed.manifest,
          code: await options.plugins.readEntry(plugin.name, plugin.version),
          integrity: plugin.integrity,
        };
      })();
      loaded.catch(() => cache.delete(key));
      if (cache.size >= (options.cacheSize ?? 100)) cache.delete(cache.keys().next().value!);
      cache.set(key, loaded);
    }
    return loaded;
  };
  return {
    async run(plugin, input, runOptions): Promise<PluginOutcome> {
      const loaded = await load(plugin);
      return options.sandbox.invoke({
        plugin: loaded,
        input,
        entry: runOptions.entry ?? 'run',
        bindings: runOptions.bindings,
        idempotencyKey: runOptions.idempotencyKey,
        signal: runOptions.signal,
      });
    },
  };
}
