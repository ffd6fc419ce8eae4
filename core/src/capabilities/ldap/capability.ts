// The `ldap` capability: ctx.ldap.* of a plugin runs here, against the Application named by the invocation's
// bindings — on this host's own connection, or, for an Application marked "via connector <name>", on that
// Integration Connector next to the directory. Generated initial passwords are made and kept here, on the host.
import { firstRdnValue, type Json, type PluginManifest } from '@actionhost/sdk';
import type { Capability, InvocationScope } from '../capability.ts';
import type { ApplicationResolver, LdapApplication, LdapRelay } from './application.ts';
import { LdapErrors } from './errors.ts';
import { LDAP_OPERATIONS, LdapExecutor } from './executor.ts';
import { generateInitialPassword, type InitialPasswordVault } from './passwords.ts';

export interface LdapCapabilityOptions {
  applications: ApplicationResolver;
  /** Keeps generated initial passwords for an admin (ctx.ldap.setGeneratedPassword); absent: that call fails. */
  passwords?: InitialPasswordVault;
  /** Carries the operations of Applications marked "via connector" to their connector; absent: they fail. */
  relay?: LdapRelay;
}

export function createLdapCapability(options: LdapCapabilityOptions): Capability {
  const executor = new LdapExecutor();

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

  /** One operation where the Application says: through its connector, or on this host's connection. */
  async function operate(application: LdapApplication, method: string, args: Json[], scope: InvocationScope) {
    const { connector, ...direct } = application;
    if (connector === undefined) return await executor.run(direct, method, args, scope);
    if (!options.relay) {
      throw LdapErrors.unreachable(
        {
          reason: `application ${application.id} is reached through connector "${connector}", and this host relays none`,
        },
        { application: application.id, connector },
      );
    }
    return await options.relay.call(connector, { method, args, application: direct }, scope.signal);
  }

  async function setGeneratedPassword(application: LdapApplication, args: Json[], scope: InvocationScope) {
    const vault = options.passwords;
    if (!vault) throw LdapErrors.passwordsUnavailable();
    const dn = args[0];
    if (typeof dn !== 'string' || dn === '')
      throw LdapErrors.argsInvalid({ what: 'argument /0', problem: 'must be the DN of the user' }, { path: '/0' });
    let avoid = '';
    try {
      avoid = firstRdnValue(dn);
    } catch {
      // a malformed DN is refused by setPassword below, with its path
    }
    const password = generateInitialPassword(avoid);
    // Kept before it is set, and forgotten if the directory refuses it: no account ends up with a password nobody has.
    const id = await vault.keep({
      applicationId: application.id,
      dn,
      password,
      plugin: `${scope.plugin.name}@${scope.plugin.version}`,
      bindings: scope.bindings,
    });
    try {
      await operate(application, 'setPassword', [dn, password], scope);
    } catch (error) {
      await vault.discard(id);
      throw error;
    }
    scope.log('info', `ldap: set a generated initial password on ${dn}; an admin retrieves it once as ${id}`);
    return { passwordId: id };
  }

  return {
    name: 'ldap',
    declaredBy: (manifest: PluginManifest) => manifest.capabilities.ldap === true,
    async call(method: string, args: Json[], scope: InvocationScope): Promise<Json | undefined> {
      if (method !== 'setGeneratedPassword' && !executorKnows(method))
        throw LdapErrors.methodUnknown({ method }, { method });
      const application = await resolve(scope);
      if (method === 'setGeneratedPassword') return await setGeneratedPassword(application, args, scope);
      const result = await operate(application, method, args, scope);
      // A deleted user's initial password is of no use to anyone: it is not kept for retrieval.
      if (method === 'delete' && typeof args[0] === 'string') await options.passwords?.forget(application.id, args[0]);
      return result;
    },
    async close(): Promise<void> {
      await executor.close();
    },
  };
}

function executorKnows(method: string): boolean {
  return LDAP_OPERATIONS.includes(method);
}
