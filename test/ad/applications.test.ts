// Applications against the real Samba AD DC: Test Connection binds with the stored credential and reads the base
// DN (ldaps and StartTLS), tells a wrong password, an unreachable server and an unverifiable certificate apart,
// and `resolve()` hands the ldap capability an Application it can bind with.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApplicationService } from '@actionhost/core';
import { createLdapCapability } from '@actionhost/core';
import { CredentialStore, generateMasterKey } from '@actionhost/core';
import { SqliteDatabase, Store } from '@actionhost/core';
import { adFacts, closedPort, fakeScope } from './support.ts';

const ad = adFacts();
const WRONG_PASSWORD = 'Wr0ng!Bind-Secret-42';

interface World {
  store: Store;
  credentials: CredentialStore;
  applications: ApplicationService;
  logs: string[];
  close(): void;
}
let world: World;

beforeEach(async () => {
  const folder = mkdtempSync(join(tmpdir(), 'ah-apps-ad-'));
  const store = Store.open(join(folder, 'actionhost.db'));
  const db = new SqliteDatabase(store);
  const credentials = await CredentialStore.open({ db, masterKey: generateMasterKey() });
  await credentials.create('ad-admin', 'basic', { username: 'Administrator', password: ad.bindPassword });
  await credentials.create('ad-wrong', 'basic', { username: 'Administrator', password: WRONG_PASSWORD });
  const logs: string[] = [];
  const applications = await ApplicationService.open({
    db,
    credentials,
    log: (level, message) => {
      logs.push(`${level}: ${message}`);
    },
  });
  world = {
    store,
    credentials,
    applications,
    logs,
    close: () => {
      store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
});
afterEach(() => {
  world.close();
});

/** The test DC as an Application body: ldaps, the DC's certificate as CA, the admin credential. */
function corpAd(overrides: Record<string, unknown> = {}) {
  return world.applications.createApplication(
    {
      name: 'Corp AD',
      type: 'microsoft-active-directory',
      url: ad.url,
      bindDn: ad.bindDn,
      credential: 'ad-admin',
      baseDn: ad.baseDn,
      domain: ad.domain,
      caCertificate: ad.caCertificate,
      timeoutMs: 5_000,
      ...overrides,
    },
    'token:admin',
  );
}

describe('Test Connection against the domain controller', () => {
  it('binds with the stored credential over ldaps, verified with the CA, and reads the base DN', async () => {
    await corpAd();
    const result = await world.applications.testConnection('Corp AD');
    expect(result).toEqual({ ok: true, baseDn: ad.baseDn, durationMs: expect.any(Number) });
  });

  it('binds over ldap:// upgraded with StartTLS, with a user principal name as bind identity', async () => {
    await corpAd({ url: ad.startTlsUrl, bindDn: ad.bindUpn });
    expect(await world.applications.testConnection('Corp AD')).toMatchObject({ ok: true, baseDn: ad.baseDn });
  });

  it('reports AH_LDAP_INVALID_CREDENTIALS for a wrong password, which appears nowhere', async () => {
    await corpAd({ credential: 'ad-wrong' });
    const result = await world.applications.testConnection('Corp AD');
    expect(result).toMatchObject({ ok: false, baseDn: ad.baseDn, error: { code: 'AH_LDAP_INVALID_CREDENTIALS' } });
    expect(JSON.stringify([result, world.logs])).not.toContain(WRONG_PASSWORD);
  });

  it('reports AH_LDAP_UNREACHABLE for a port nobody listens on', async () => {
    await corpAd({ url: `ldaps://127.0.0.1:${await closedPort()}` });
    expect(await world.applications.testConnection('Corp AD')).toMatchObject({
      ok: false,
      error: { code: 'AH_LDAP_UNREACHABLE' },
    });
  });

  it('reports AH_LDAP_UNREACHABLE when the certificate does not verify without the CA, and passes with verification explicitly off', async () => {
    await corpAd({ caCertificate: undefined });
    expect(await world.applications.testConnection('Corp AD')).toMatchObject({
      ok: false,
      error: { code: 'AH_LDAP_UNREACHABLE' },
    });
    const trusting = await corpAd({ name: 'Trusting AD', caCertificate: undefined, tlsVerify: false });
    expect(trusting.warnings.map((warning) => warning.code)).toEqual(['AH_TLS_VERIFY_DISABLED']);
    expect(await world.applications.testConnection('Trusting AD')).toMatchObject({ ok: true });
    expect(
      world.logs.filter((line) => line.startsWith('warn:') && /Trusting AD/.test(line)).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('reports AH_LDAP_NO_SUCH_OBJECT for a base DN the directory does not hold', async () => {
    await corpAd({ baseDn: `OU=Nowhere,${ad.baseDn}` });
    expect(await world.applications.testConnection('Corp AD')).toMatchObject({
      ok: false,
      error: { code: 'AH_LDAP_NO_SUCH_OBJECT' },
    });
  });
});

describe('resolve() for the ldap capability', () => {
  it('returns an Application the ldap capability binds with and searches under, also through an App Integration', async () => {
    const application = await corpAd();
    await world.applications.createAppIntegration({
      name: 'AD App',
      application: 'Corp AD',
      action: 'Create New User',
      mappings: { 'Base DN': ad.usersDn },
    });
    const resolved = await world.applications.resolve(application.id);
    expect(resolved).toMatchObject({
      id: application.id,
      url: ad.url,
      bindDn: ad.bindDn,
      bindPassword: ad.bindPassword,
      baseDn: ad.baseDn,
      tlsVerify: true,
    });
    const integration = await world.applications.resolveAppIntegration('AD App');
    expect(integration).toMatchObject({
      applicationId: application.id,
      mappings: { Action: 'Create New User', 'Base DN': ad.usersDn },
    });
    const ldap = createLdapCapability({ applications: world.applications });
    try {
      const scope = fakeScope({ applicationId: integration!.applicationId });
      expect(await ldap.call('info', [], scope)).toMatchObject({ baseDn: ad.baseDn, url: ad.url, domain: ad.domain });
      const [administrator] = (await ldap.call(
        'search',
        [{ base: ad.usersDn, filter: '(sAMAccountName=Administrator)', attributes: ['sAMAccountName'] }],
        scope,
      )) as { dn: string }[];
      expect(administrator.dn).toMatch(/^CN=Administrator,CN=Users,/i);
    } finally {
      await ldap.close?.();
    }
  });
});
