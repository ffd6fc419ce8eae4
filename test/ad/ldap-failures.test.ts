// How the ldap capability fails against the real DC: AD's answers become stable AH_LDAP_* codes (matched on
// AD's diagnostic text), connection trouble becomes AH_LDAP_UNREACHABLE, and no password ever shows.
import { afterAll, describe, expect, it } from 'vitest';
import { childDn, filterEquals } from '@actionhost/sdk';
import { createLdapCapability } from '@actionhost/core';
import { adApplication, applicationsOf, strongPassword, uniqueUsername, withAdmin } from './facts.ts';
import { adFacts, closedPort, fakeScope, rejection, startRelay } from './support.ts';

const ad = adFacts();
const opened: { close?(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(opened.map(async (o) => o.close?.()));
});

function capability(...applications: Parameters<typeof applicationsOf>) {
  const ldap = createLdapCapability({ applications: applicationsOf(...applications) });
  opened.push(ldap);
  return ldap;
}
const ldap = capability(adApplication(ad));
const call = (method: string, args: unknown[], scope = fakeScope()) => ldap.call(method, args as never, scope);

async function seedUser(): Promise<string> {
  const name = uniqueUsername('f');
  const dn = childDn('CN', name, ad.usersDn);
  await withAdmin(ad, (client) => client.add(dn, { objectClass: 'user', sAMAccountName: name }));
  return dn;
}

describe('ldap capability maps AD answers to stable codes', () => {
  it('an existing DN, or an existing sAMAccountName under another CN, is AH_LDAP_ALREADY_EXISTS', async () => {
    const dn = await seedUser();
    const name = (await withAdmin(ad, (c) => c.search(dn, { scope: 'base', attributes: ['sAMAccountName'] })))
      .searchEntries[0].sAMAccountName;
    expect((await rejection(call('add', [{ dn, attributes: { objectClass: 'user' } }]))).code).toBe(
      'AH_LDAP_ALREADY_EXISTS',
    );
    const other = childDn('CN', uniqueUsername('other'), ad.usersDn);
    const error = await rejection(
      call('add', [{ dn: other, attributes: { objectClass: 'user', sAMAccountName: name } }]),
    );
    expect(error.code).toBe('AH_LDAP_ALREADY_EXISTS');
  });

  it('a password the domain policy refuses is AH_LDAP_PASSWORD_POLICY, and the password appears nowhere', async () => {
    const dn = await seedUser();
    const scope = fakeScope();
    const weak = 'ab1Q';
    const error = await rejection(call('setPassword', [dn, weak], scope));
    expect(error.code).toBe('AH_LDAP_PASSWORD_POLICY');
    expect(error.details.diagnostic).toMatch(/0000052D/i);
    expect(JSON.stringify([error.message, error.details, scope.logs])).not.toContain(weak);
  });

  it('an entry that does not exist is AH_LDAP_NO_SUCH_OBJECT for modify, delete, rename and a search base', async () => {
    const missing = childDn('CN', uniqueUsername('missing'), ad.usersDn);
    for (const [method, args] of [
      ['modify', [missing, [{ operation: 'replace', attribute: 'description', values: ['x'] }]]],
      ['delete', [missing]],
      ['rename', [missing, 'CN=whatever']],
      ['search', [{ base: missing, scope: 'base', filter: '(objectClass=*)' }]],
    ] as [string, unknown[]][]) {
      expect((await rejection(call(method, args))).code, method).toBe('AH_LDAP_NO_SUCH_OBJECT');
    }
  });

  it('an application bound as an ordinary user gets AH_LDAP_INSUFFICIENT_RIGHTS', async () => {
    const dn = await seedUser();
    const password = strongPassword();
    await call('setPassword', [dn, password]);
    await call('modify', [dn, [{ operation: 'replace', attribute: 'userAccountControl', values: ['512'] }]]);
    const weakling = capability(adApplication(ad, { id: 'weak', bindDn: dn, bindPassword: password }));
    const error = await rejection(
      weakling.call(
        'add',
        [{ dn: childDn('CN', uniqueUsername('no'), ad.usersDn), attributes: { objectClass: 'user' } }],
        fakeScope({ applicationId: 'weak' }),
      ),
    );
    expect(error.code).toBe('AH_LDAP_INSUFFICIENT_RIGHTS');
  });

  it('a wrong bind password is AH_LDAP_INVALID_CREDENTIALS without the password in the error', async () => {
    const wrong = 'Wr0ng!Secret-xyz';
    const denied = capability(adApplication(ad, { id: 'denied', bindPassword: wrong }));
    const error = await rejection(
      denied
        .call('info', [], fakeScope({ applicationId: 'denied' }))
        .then(() =>
          denied.call('search', [{ base: ad.baseDn, scope: 'base' }], fakeScope({ applicationId: 'denied' })),
        ),
    );
    expect(error.code).toBe('AH_LDAP_INVALID_CREDENTIALS');
    expect(JSON.stringify([error.message, error.details])).not.toContain(wrong);
  });

  it('another LDAP refusal is AH_LDAP_ERROR with the result code', async () => {
    const error = await rejection(
      call('add', [
        {
          dn: childDn('CN', uniqueUsername('bad'), ad.usersDn),
          attributes: { objectClass: 'user', sAMAccountName: 'a,b' },
        },
      ]),
    );
    expect(error.code).toBe('AH_LDAP_ERROR');
    expect(error.details.resultCode).toBe(19);
  });
});

describe('ldap capability and the connection', () => {
  it('a port nobody listens on is AH_LDAP_UNREACHABLE', async () => {
    const down = capability(adApplication(ad, { id: 'down', url: `ldaps://127.0.0.1:${await closedPort()}` }));
    const error = await rejection(
      down.call('search', [{ base: ad.baseDn, scope: 'base' }], fakeScope({ applicationId: 'down' })),
    );
    expect(error.code).toBe('AH_LDAP_UNREACHABLE');
    expect(error.details.cause).toBe('ECONNREFUSED');
  });

  it('a server that never answers is AH_LDAP_UNREACHABLE after the application timeout', async () => {
    const silent = await startRelay({ host: '127.0.0.1', port: 636 }, { silent: true });
    opened.push(silent);
    const mute = capability(adApplication(ad, { id: 'mute', url: `ldaps://127.0.0.1:${silent.port}`, timeoutMs: 300 }));
    const error = await rejection(
      mute.call('search', [{ base: ad.baseDn, scope: 'base' }], fakeScope({ applicationId: 'mute' })),
    );
    expect(error.code).toBe('AH_LDAP_UNREACHABLE');
  });

  it('stops waiting as soon as the invocation is aborted', async () => {
    const silent = await startRelay({ host: '127.0.0.1', port: 636 }, { silent: true });
    opened.push(silent);
    const slow = capability(
      adApplication(ad, { id: 'slow', url: `ldaps://127.0.0.1:${silent.port}`, timeoutMs: 60_000 }),
    );
    const controller = new AbortController();
    const pending = rejection(
      slow.call(
        'search',
        [{ base: ad.baseDn, scope: 'base' }],
        fakeScope({ applicationId: 'slow' }, controller.signal),
      ),
    );
    setTimeout(() => controller.abort(), 100);
    const error = await pending;
    expect(error.code).toBe('AH_LDAP_UNREACHABLE');
    expect(error.details.reason).toBe('aborted');
  });

  it('a certificate that does not verify against the CA is AH_LDAP_UNREACHABLE, unless verification is explicitly off (and logged)', async () => {
    const { caCertificate: _ca, ...noCa } = adApplication(ad, { id: 'no-ca' });
    const unverified = capability(noCa, { ...noCa, id: 'trusting', tlsVerify: false });
    const error = await rejection(
      unverified.call('search', [{ base: ad.baseDn, scope: 'base' }], fakeScope({ applicationId: 'no-ca' })),
    );
    expect(error.code).toBe('AH_LDAP_UNREACHABLE');
    expect(String(error.details.cause)).toMatch(/SELF_SIGNED|UNABLE_TO|CERT/);
    const scope = fakeScope({ applicationId: 'trusting' });
    expect(
      await unverified.call('search', [{ base: ad.baseDn, scope: 'base', attributes: ['dc'] }], scope),
    ).toHaveLength(1);
    expect(scope.logs.some((log) => log.level === 'warn' && /verification is turned OFF/.test(log.message))).toBe(true);
  });

  it('reconnects (and rebinds) after the connection drops', async () => {
    const relay = await startRelay({ host: '127.0.0.1', port: 636 });
    opened.push(relay);
    const flaky = capability(adApplication(ad, { id: 'flaky', url: `ldaps://127.0.0.1:${relay.port}` }));
    const search = () =>
      flaky.call(
        'search',
        [{ base: ad.baseDn, filter: filterEquals('sAMAccountName', 'Administrator'), attributes: ['cn'] }],
        fakeScope({ applicationId: 'flaky' }),
      );
    expect(await search()).toHaveLength(1);
    relay.drop();
    expect(await search()).toHaveLength(1);
    expect(relay.connections).toBe(2);
  });

  it('a changed Application (e.g. a rotated bind password) gets a new connection instead of the old bound one', async () => {
    let application = adApplication(ad, { id: 'rotating' });
    const rotating = createLdapCapability({ applications: { resolve: async () => application } });
    opened.push(rotating);
    const read = () =>
      rotating.call(
        'search',
        [{ base: ad.baseDn, scope: 'base', attributes: ['dc'] }],
        fakeScope({ applicationId: 'rotating' }),
      );
    expect(await read()).toHaveLength(1);
    application = { ...application, bindPassword: 'Revoked!Passw0rd' };
    expect((await rejection(read())).code).toBe('AH_LDAP_INVALID_CREDENTIALS');
  });

  it('setPassword refuses an application that connects without TLS, before anything is sent', async () => {
    const plain = capability(adApplication(ad, { id: 'plain', url: ad.startTlsUrl, startTls: false }));
    const dn = await seedUser();
    const scope = fakeScope({ applicationId: 'plain' });
    expect((await rejection(plain.call('setPassword', [dn, strongPassword()], scope))).code).toBe(
      'AH_LDAP_TLS_REQUIRED',
    );
  });

  it('a call without an application binding, or with an unknown one, is AH_LDAP_APPLICATION_MISSING', async () => {
    expect((await rejection(call('info', [], fakeScope({})))).code).toBe('AH_LDAP_APPLICATION_MISSING');
    expect((await rejection(call('info', [], fakeScope({ applicationId: 'nope' })))).code).toBe(
      'AH_LDAP_APPLICATION_MISSING',
    );
  });

  it('an unknown method or malformed arguments are refused with their own codes', async () => {
    expect((await rejection(call('compare', []))).code).toBe('AH_LDAP_METHOD_UNKNOWN');
    expect((await rejection(call('search', [{ base: ad.baseDn, scope: 'everything' }]))).code).toBe(
      'AH_LDAP_ARGS_INVALID',
    );
    expect((await rejection(call('search', [{ base: ad.baseDn, filter: '(&(cn=a)' }]))).code).toBe(
      'AH_LDAP_ARGS_INVALID',
    );
  });
});
