// The plugin test harness (`@actionhost/core/testing`): builds a plugin folder with the SDK and runs it in
// the real sandbox (worker processes, isolates, capabilities) — the same path a production invocation takes.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildPlugin, integrityOf, PluginManifest } from '@actionhost/sdk';
import type { Capability, InvocationBindings } from '../capabilities/index.ts';
import { Sandbox, type InvokeOutcome, type LoadedPlugin, type SandboxOptions } from '../sandbox/index.ts';

export interface TestHostOptions extends SandboxOptions {
  capabilities?: Capability[];
}

export interface InvokeOptions {
  entry?: 'run' | 'testConnection';
  bindings?: InvocationBindings;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface TestHost {
  readonly sandbox: Sandbox;
  /** Builds (once per host) and loads a plugin folder. */
  load(dir: string): Promise<LoadedPlugin>;
  invokeDir(dir: string, input: unknown, options?: InvokeOptions): Promise<InvokeOutcome>;
  invoke(plugin: LoadedPlugin, input: unknown, options?: InvokeOptions): Promise<InvokeOutcome>;
  close(): Promise<void>;
}

/** Reads a built plugin folder (plugin.json + entry) as the sandbox loads it. */
export async function loadBuiltPlugin(dir: string): Promise<LoadedPlugin> {
  const manifest = PluginManifest.parse(JSON.parse(await readFile(join(dir, 'plugin.json'), 'utf8')));
  const code = await readFile(join(dir, manifest.entry), 'utf8');
  return { manifest, code, integrity: integrityOf(new TextEncoder().encode(code)) };
}

export async function createTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  const sandbox = new Sandbox({ workers: 1, ...options });
  const builds = new Map<string, Promise<LoadedPlugin>>();
  const load = (dir: string) => {
    const key = resolve(dir);
    let loaded = builds.get(key);
    if (!loaded) {
      loaded = buildPlugin(key).then(() => loadBuiltPlugin(key));
      builds.set(key, loaded);
    }
    return loaded;
  };
  const invoke = (plugin: LoadedPlugin, input: unknown, invokeOptions: InvokeOptions = {}) =>
    sandbox.invoke({ plugin, input, ...invokeOptions });
  return {
    sandbox,
    load,
    invoke,
    invokeDir: async (dir, input, invokeOptions) => invoke(await load(dir), input, invokeOptions),
    close: () => sandbox.close(),
  };
}
