// The plugin test harness (`@actionhost/core/testing`): builds a plugin folder with the SDK and runs it in
// the real sandbox (worker processes, isolates, capabilities) — the same path a production invocation takes.
// Plugin tests import only this: the capabilities they need are options, not paths into the host's sources.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildPlugin, integrityOf, PluginManifest } from '@actionhost/sdk';
import {
  createHttpCapability,
  createItsmCapability,
  createLdapCapability,
  type ApplicationResolver,
  type Capability,
  type CredentialSecret,
  type InitialPasswordVault,
  type InvocationBindings,
} from '../capabilities/index.ts';
import { CredentialErrors } from '../credentials/index.ts';
import { ItsmService } from '../itsm/index.ts';
import { Sandbox, type InvokeOutcome, type LoadedPlugin, type SandboxOptions } from '../sandbox/index.ts';
import { SqliteDatabase, Store } from '../store/index.ts';

export type {
  ApplicationResolver,
  CredentialSecret,
  InitialPasswordVault,
  InvokeOutcome,
  LoadedPlugin,
  LdapApplication,
} from '../index.ts';

export interface TestHostOptions extends SandboxOptions {
  /**
   * The http capability. `allowPrivate` lets the plugin reach test servers on loopback or private addresses
   * (e.g. ['127.0.0.1']), which production hosts deny unless the operator allows them; `credentials` are the
   * stored credentials a plugin may name (`auth: { type: 'credential', name }`), attached by the host (without a
   * `binding` a test credential may go to any URL the manifest allows; a host's credentials always have one).
   */
  http?: { allowPrivate?: string[]; credentials?: Record<string, CredentialSecret> };
  /** The itsm capability over a throwaway in-memory store; `host.itsm` creates the records a test needs. */
  itsm?: boolean;
  /**
   * The ldap capability, bound to these Applications (by id, as `bindings.applicationId` names them); `passwords`
   * keeps what ctx.ldap.setGeneratedPassword generates (the host's initial-password store in production).
   */
  ldap?: { applications: ApplicationResolver; passwords?: InitialPasswordVault };
  /** Further capabilities, built by the caller. */
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
  /** The service-desk records behind the itsm capability (with `itsm: true`). */
  readonly itsm: ItsmService | undefined;
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
  const { http, itsm: withItsm, ldap, capabilities = [], ...sandboxOptions } = options;
  const store = withItsm ? Store.open(':memory:') : undefined;
  const itsm = store ? await ItsmService.open({ db: new SqliteDatabase(store) }) : undefined;
  const all = [...capabilities];
  if (http) {
    const credentials = http.credentials ?? {};
    all.push(
      createHttpCapability({
        egress: { allowPrivate: http.allowPrivate ?? [] },
        credentials: {
          resolve: (name) => {
            const secret = Object.hasOwn(credentials, name) ? credentials[name] : undefined;
            if (!secret) return Promise.reject(CredentialErrors.notFound(name));
            // A test credential without a binding may go wherever the manifest and egress policy allow; give one
            // to test a binding. A host's credentials always carry the binding an admin gave them.
            return Promise.resolve({ binding: { urls: ['*'], plugins: [] }, ...secret });
          },
        },
      }),
    );
  }
  if (itsm) all.push(createItsmCapability({ itsm }));
  if (ldap) all.push(createLdapCapability(ldap));
  const sandbox = new Sandbox({ workers: 1, ...sandboxOptions, capabilities: all });
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
    itsm,
    load,
    invoke,
    invokeDir: async (dir, input, invokeOptions) => invoke(await load(dir), input, invokeOptions),
    close: async () => {
      await sandbox.close();
      store?.close();
    },
  };
}
