// The connection facts of the test domain controller, as test/ad/global-setup.ts provides them to tests
// (`inject('ad')`), and a few builders every AD test needs: Applications, unique names, a verifying client.
import { randomBytes } from 'node:crypto';
import { Attribute, Change, Client } from 'ldapts';
import { guidToString, type ApplicationResolver, type LdapApplication } from '@actionhost/core';

export interface AdFacts {
  /** ldaps://127.0.0.1:636 */
  url: string;
  /** ldap://127.0.0.1:389 (StartTLS) */
  startTlsUrl: string;
  bindDn: string;
  bindUpn: string;
  bindPassword: string;
  baseDn: string;
  usersDn: string;
  /** DNS domain, e.g. "test.local" (userPrincipalName suffix) */
  domain: string;
  netbiosDomain: string;
  /** PEM of the DC's self-signed certificate: the CA the tests verify TLS with */
  caCertificate: string;
  caFile: string;
}

declare module 'vitest' {
  interface ProvidedContext {
    ad: AdFacts;
  }
}

/** The test DC as an Application (ldaps, verified with its certificate), with optional overrides. */
export function adApplication(ad: AdFacts, overrides: Partial<LdapApplication> = {}): LdapApplication {
  return {
    id: 'ad',
    url: ad.url,
    bindDn: ad.bindDn,
    bindPassword: ad.bindPassword,
    baseDn: ad.baseDn,
    caCertificate: ad.caCertificate,
    tlsVerify: true,
    timeoutMs: 5_000,
    domain: ad.domain,
    ...overrides,
  };
}

/** A resolver over a fixed set of Applications (by id); an unknown id fails like a store would. */
export function applicationsOf(...applications: LdapApplication[]): ApplicationResolver {
  const byId = new Map(applications.map((application) => [application.id, application]));
  return {
    async resolve(applicationId: string): Promise<LdapApplication> {
      const application = byId.get(applicationId);
      if (!application) throw new Error(`no application ${applicationId}`);
      return application;
    },
  };
}

/** A sAMAccountName no other test in this run uses (AD caps them at 20 characters). */
export function uniqueUsername(prefix = 't'): string {
  return `${prefix.slice(0, 8)}${Date.now().toString(36).slice(-5)}${randomBytes(3).toString('hex')}`.slice(0, 20);
}

/** A password that satisfies the test domain's complexity policy. */
export function strongPassword(): string {
  return `Aa1!${randomBytes(6).toString('base64url')}x`;
}

/** An independent admin connection (not the capability under test) for checking what the directory holds. */
export async function withAdmin<T>(ad: AdFacts, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    url: ad.url,
    tlsOptions: { ca: [ad.caCertificate] },
    timeout: 5_000,
    connectTimeout: 5_000,
  });
  try {
    await client.bind(ad.bindDn, ad.bindPassword);
    return await work(client);
  } finally {
    await client.unbind();
  }
}

/** Whether `dn` + `password` can bind over LDAPS (proves an account exists, is enabled and has that password). */
export async function canBind(ad: AdFacts, dn: string, password: string): Promise<boolean> {
  const client = new Client({
    url: ad.url,
    tlsOptions: { ca: [ad.caCertificate] },
    timeout: 5_000,
    connectTimeout: 5_000,
  });
  try {
    await client.bind(dn, password);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 49) return false;
    throw error;
  } finally {
    await client.unbind();
  }
}

/** Creates a user through the independent admin connection (password set, enabled unless `uac` says otherwise). */
export async function seedUser(
  ad: AdFacts,
  options: { name?: string; password?: string; container?: string; uac?: number } = {},
): Promise<{ name: string; dn: string; password: string }> {
  const name = options.name ?? uniqueUsername('seed');
  const password = options.password ?? strongPassword();
  const dn = `CN=${name},${options.container ?? ad.usersDn}`;
  await withAdmin(ad, async (client) => {
    await client.add(dn, { objectClass: 'user', sAMAccountName: name, userPrincipalName: `${name}@${ad.domain}` });
    await client.modify(
      dn,
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${password}"`, 'utf16le')] }),
      }),
    );
    await client.modify(
      dn,
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'userAccountControl', values: [String(options.uac ?? 512)] }),
      }),
    );
  });
  return { name, dn, password };
}

/** Creates a container (OU) or a global security group directly under the base DN; returns its DN. */
export async function seedContainer(ad: AdFacts, kind: 'ou' | 'group'): Promise<string> {
  const name = uniqueUsername(kind);
  const dn = kind === 'ou' ? `OU=${name},${ad.baseDn}` : `CN=${name},${ad.usersDn}`;
  await withAdmin(ad, (client) =>
    client.add(
      dn,
      kind === 'ou' ? { objectClass: 'organizationalUnit' } : { objectClass: 'group', sAMAccountName: name },
    ),
  );
  return dn;
}

/** The entry at `dn` read by the admin connection (objectGUID as a GUID string), or undefined when absent. */
export async function readAsAdmin(
  ad: AdFacts,
  dn: string,
  attributes: string[] = ['*'],
): Promise<Record<string, unknown> | undefined> {
  return await withAdmin(ad, async (client) => {
    try {
      const [entry] = (
        await client.search(dn, {
          scope: 'base',
          attributes: [...attributes, 'objectGUID'],
          explicitBufferAttributes: ['objectGUID'],
        })
      ).searchEntries;
      return entry && { ...entry, objectGUID: guidToString(entry.objectGUID as Buffer) };
    } catch (error) {
      if ((error as { code?: unknown }).code === 32) return undefined;
      throw error;
    }
  });
}

/** Entries under the base DN matching a (trusted, test-written) filter, by the admin connection. */
export async function searchAsAdmin(
  ad: AdFacts,
  filter: string,
  attributes: string[] = ['cn'],
): Promise<Record<string, unknown>[]> {
  return await withAdmin(ad, async (client) => (await client.search(ad.baseDn, { filter, attributes })).searchEntries);
}
