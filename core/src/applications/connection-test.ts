// Test Connection for an Application: bind with its credential and read its base DN, through the ldap
// capability itself (a throwaway instance), so the test exercises exactly the code a workflow's calls use.
import type { PluginManifest } from '@actionhost/sdk';
import { isActionhostError } from '@actionhost/sdk';
import { createLdapCapability, type LdapApplication, type LdapRelay } from '../capabilities/index.ts';
import { CoreErrors, errorSummary } from '../errors/index.ts';
import type { InvocationScope } from '../capabilities/index.ts';
import type { ConnectionTestResult } from './schemas.ts';

export type Log = InvocationScope['log'];

/** The capability checks only `capabilities.ldap`; the rest makes the scope a well-formed one. */
const TEST_CONNECTION_MANIFEST = {
  name: '@actionhost/test-connection',
  version: '1.0.0',
  title: 'Test Connection',
  description: 'Application Test Connection',
  category: 'app-integration',
  host: '^1.0.0',
  entry: 'dist/plugin.js',
  input: {},
  output: {},
  paths: ['success', 'failure'],
  capabilities: { ldap: true },
  limits: {},
  testConnection: true,
  mappings: {},
} satisfies PluginManifest;

export function failure(error: unknown): { code: string; message: string } {
  if (isActionhostError(error)) return { code: error.code, message: error.message };
  return errorSummary(CoreErrors.AH_LDAP_ERROR({ operation: 'connection test', diagnostic: 'it failed unexpectedly' }));
}

/** Binds and reads the base DN. Never throws for a directory failure: the result says what went wrong. */
export async function testDirectoryConnection(
  application: LdapApplication,
  options: { signal?: AbortSignal; log: Log; relay?: LdapRelay },
): Promise<Omit<ConnectionTestResult, 'durationMs'>> {
  const timeoutMs = application.timeoutMs ?? 10_000;
  // connect (TLS + bind) and the read each have their own timeouts inside the capability; this is the backstop
  const budget = timeoutMs * 3 + 1_000;
  const signal = options.signal
    ? AbortSignal.any([options.signal, AbortSignal.timeout(budget)])
    : AbortSignal.timeout(budget);
  const ldap = createLdapCapability({
    applications: { resolve: async () => application },
    ...(options.relay ? { relay: options.relay } : {}),
  });
  const scope: InvocationScope = {
    invocationId: `test-connection-${application.id}-${Date.now()}`,
    idempotencyKey: `test-connection-${application.id}`,
    plugin: {
      name: TEST_CONNECTION_MANIFEST.name,
      version: TEST_CONNECTION_MANIFEST.version,
      manifest: TEST_CONNECTION_MANIFEST,
    },
    signal,
    deadline: Date.now() + budget,
    log: options.log,
    bindings: { applicationId: application.id },
  };
  try {
    const entries = await ldap.call(
      'search',
      [{ base: application.baseDn, scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] }],
      scope,
    );
    if (!Array.isArray(entries) || entries.length !== 1) {
      return {
        ok: false,
        baseDn: application.baseDn,
        error: errorSummary(CoreErrors.AH_LDAP_NO_SUCH_OBJECT({ dn: application.baseDn })),
      };
    }
    return { ok: true, baseDn: application.baseDn };
  } catch (error) {
    return { ok: false, baseDn: application.baseDn, error: failure(error) };
  } finally {
    await ldap.close?.();
  }
}
