// The PluginRunner the host wires: loads a pinned plugin version's manifest and code from the plugin store,
// refuses it when its integrity is not the pinned one, and invokes it in the sandbox.
import type { PluginManifest } from '@actionhost/sdk';
import type { LoadedPlugin, Sandbox } from '../sandbox/index.ts';
import { WorkflowErrors, type PluginOutcome, type PluginRef, type PluginRunner } from '../workflow/index.ts';

type MaybePromise<T> = T | Promise<T>;

/** The registry's PluginStore as the runner needs it. */
export interface InstalledPlugins {
  get(name: string, version: string): MaybePromise<{ manifest: PluginManifest; integrity: string } | null | undefined>;
  /** The code of the manifest's entry (dist/plugin.js). */
  readEntry(name: string, version: string): MaybePromise<string>;
}

export interface SandboxPluginRunnerOptions {
  sandbox: Pick<Sandbox, 'invoke'>;
  plugins: InstalledPlugins;
  /** Loaded plugin versions kept (default 100). */
  cacheSize?: number;
}

export class SandboxPluginRunner implements PluginRunner {
  readonly #options: SandboxPluginRunnerOptions;
  // Installed versions are immutable, so a loaded version can be kept; the key includes the integrity.
  readonly #cache = new Map<string, Promise<LoadedPlugin>>();

  constructor(options: SandboxPluginRunnerOptions) {
    this.#options = options;
  }

  async run(plugin: PluginRef, input: unknown, options: Parameters<PluginRunner['run']>[2]): Promise<PluginOutcome> {
    const loaded = await this.#load(plugin);
    return this.#options.sandbox.invoke({
      plugin: loaded,
      input,
      entry: options.entry ?? 'run',
      bindings: options.bindings,
      idempotencyKey: options.idempotencyKey,
      signal: options.signal,
    });
  }

  #load(plugin: PluginRef): Promise<LoadedPlugin> {
    const key = `${plugin.name}@${plugin.version}#${plugin.integrity}`;
    let loaded = this.#cache.get(key);
    if (!loaded) {
      loaded = this.#read(plugin);
      loaded.catch(() => this.#cache.delete(key));
      if (this.#cache.size >= (this.#options.cacheSize ?? 100)) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(key, loaded);
    }
    return loaded;
  }

  async #read(plugin: PluginRef): Promise<LoadedPlugin> {
    const { plugins } = this.#options;
    const installed = await plugins.get(plugin.name, plugin.version);
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
      code: await plugins.readEntry(plugin.name, plugin.version),
      integrity: plugin.integrity,
    };
  }
}
