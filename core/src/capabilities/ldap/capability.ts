// The `ldap` capability: ctx.ldap.* of a plugin runs here, against the Application named by the invocation's
// bindings. One DirectoryConnection per Application, replaced when the Application's settings change.
import type { Json, PluginManifest } from '@actionhost/sdk';
import type { Capability, InvocationScope } from '../capability.ts';
import { connectionSettings, fingerprintOf, type ApplicationResolver, type LdapApplication } from './application.ts';
import { DirectoryConnection } from './connection.ts';
import { LdapErrors } from './errors.ts';
import * as operations from './operations.ts';

export interface LdapCapabilityOptions {
  applications: ApplicationResolver;
}

type Method = (context: operations.OperationContext, args: Json[]) => Promise<Json>;
const METHODS: Record<string, Method> = {
  info: operations.info,
  search: operations.search,
  add: operations.add,
  modify: operations.modify,
  setPassword: operations.setPassword,
  rename: operations.rename,
  delete: operations.remove,
};

export function createLdapCapability(options: LdapCapabilityOptions): Capability {
  const connections = new Map<string, DirectoryConnection>();

  async function resolve(scope: InvocationScope): Promise<LdapApplication> {
    const applicationId = scope.bindings.applicationId;
    if (typeof applicationId !== 'string' || applicationId === '') {
      throw LdapErrors.applicationMissing({
        reason: "the invocation is not bound to one (bindings.applicationId: the node's Application)",
      });
    }
    let application: LdapApplication;
    try {
      application = await options.applications.resolve(applicationId, scope.signal);
    } catch (error) {
      if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('AH_'))
        throw error;
      throw LdapErrors.applicationMissing(
        { reason: `application ${applicationId} could not be resolved` },
        { application: applicationId },
      );
    }
    return application;
  }

  function connectionFor(application: LdapApplication): DirectoryConnection {
    const fingerprint = fingerprintOf(application);
    const existing = connections.get(application.id);
    if (existing?.fingerprint === fingerprint) return existing;
    const settings = connectionSettings(application);
    if (existing) void existing.close();
    const connection = new DirectoryConnection(settings, fingerprint);
    connections.set(application.id, connection);
    return connection;
  }

  return {
    name: 'ldap',
    declaredBy: (manifest: PluginManifest) => manifest.capabilities.ldap === true,
    async call(method: string, args: Json[], scope: InvocationScope): Promise<Json | undefined> {
      const run = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
      if (!run) throw LdapErrors.methodUnknown({ method }, { method });
      const application = await resolve(scope);
      const connection = connectionFor(application);
      return await run({ connection, signal: scope.signal, log: scope.log }, args);
    },
    async close(): Promise<void> {
      const all = [...connections.values()];
      connections.clear();
      await Promise.all(all.map((connection) => connection.close()));
    },
  };
}
