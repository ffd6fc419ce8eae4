// The host's ldap capability against the real Samba AD DC: one test per LdapApi method, the base-DN fence
// and escaped input. Every effect is checked with an independent admin connection, not with the capability.
import { afterAll, describe, expect, it } from 'vitest';
import { childDn, filterEquals, type LdapEntry } from '@actionhost/sdk';
import { createLdapCapability } from '@actionhost/core';
import { adApplication, applicationsOf, canBind, strongPassword, uniqueUsername, withAdmin } from './facts.ts';
import { adFacts, fakeScope, rejection } from './support.ts';

const ad = adFacts();
const ldap = createLdapCapability({
  applications: applicationsOf(
    adApplication(ad),
    adApplication(ad, { id: 'users-only', baseDn: ad.usersDn }),
    adApplication(ad, { id: 'starttls', url: ad.startTlsUrl }),
  ),
});
afterAll(() => ldap.close?.());

const call = (method: string, args: unknown[], applicationId = 'ad') =>
  ldap.call(method, args as never, fakeScope({ applicationId }));

async function entryAt(dn: string, attributes: string[] = ['*']): Promise<Record<string, unknown> | undefined> {
  return await withAdmin(ad, async (client) => {
    try {
      return (await client.search(dn, { scope: 'base', attributes })).searchEntries[0];
    } catch (error) {
      if ((error as { code?: unknown }).code === 32) return undefined;
      throw error;
    }
  });
}

/** Creates a plain user through the independent connection; returns its DN. */
async function seedUser(name = uniqueUsername('seed')): Promise<string> {
  const dn = childDn('CN', name, ad.usersDn);
  await withAdmin(ad, (client) => client.add(dn, { objectClass: 'user', sAMAccountName: name }));
  return dn;
}

describe('ldap capability operations (real AD DC)', () => {
  it('info tells the plugin the base DN, URL and DNS domain, never the bind identity', async () => {
    const info = (await call('info', [])) as Record<string, unknown>;
    expect(info).toEqual({ baseDn: ad.baseDn, url: ad.url, domain: ad.domain });
  });

  it('search returns entries with objectGUID as a GUID string and objectSid as a SID', async () => {
    const entries = (await call('search', [
      {
        base: ad.baseDn,
        filter: filterEquals('sAMAccountName', 'Administrator'),
        attributes: ['sAMAccountName', 'objectGUID', 'objectSid'],
      },
    ])) as unknown as LdapEntry[];
    expect(entries).toHaveLength(1);
    expect(entries[0].dn.toLowerCase()).toBe(ad.bindDn.toLowerCase());
    expect(entries[0].attributes.objectGUID[0]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(entries[0].attributes.objectSid[0]).toMatch(/^S-1-5-21-\d+-\d+-\d+-500$/);
  });

  it('search returns at most sizeLimit entries instead of failing', async () => {
    const entries = await call('search', [
      { base: ad.baseDn, filter: '(objectClass=*)', attributes: ['1.1'], sizeLimit: 3 },
    ]);
    expect(entries).toHaveLength(3);
  });

  it('add creates the entry with the given attributes', async () => {
    const name = uniqueUsername('add');
    const dn = childDn('CN', name, ad.usersDn);
    await call('add', [
      { dn, attributes: { objectClass: 'user', sAMAccountName: name, description: ['made by add'] } },
    ]);
    const entry = await entryAt(dn, ['sAMAccountName', 'description']);
    expect(entry).toMatchObject({ sAMAccountName: name, description: 'made by add' });
  });

  it('modify replaces, adds and deletes attribute values', async () => {
    const dn = await seedUser();
    await call('modify', [
      dn,
      [
        { operation: 'replace', attribute: 'description', values: ['replaced'] },
        { operation: 'add', attribute: 'otherTelephone', values: ['111', '222'] },
      ],
    ]);
    await call('modify', [dn, [{ operation: 'delete', attribute: 'otherTelephone', values: ['111'] }]]);
    expect(await entryAt(dn, ['description', 'otherTelephone'])).toMatchObject({
      description: 'replaced',
      otherTelephone: '222',
    });
  });

  it('setPassword writes unicodePwd so the account can bind with the new password', async () => {
    const dn = await seedUser();
    const password = strongPassword();
    await call('setPassword', [dn, password]);
    await call('modify', [dn, [{ operation: 'replace', attribute: 'userAccountControl', values: ['512'] }]]);
    expect(await canBind(ad, dn, password)).toBe(true);
    expect(await canBind(ad, dn, `${password}-wrong`)).toBe(false);
  });

  it('setPassword works over ldap:// upgraded with StartTLS', async () => {
    const dn = await seedUser();
    const password = strongPassword();
    await call('setPassword', [dn, password], 'starttls');
    await call(
      'modify',
      [dn, [{ operation: 'replace', attribute: 'userAccountControl', values: ['512'] }]],
      'starttls',
    );
    expect(await canBind(ad, dn, password)).toBe(true);
  });

  it('rename moves an entry to another container under a new RDN', async () => {
    const dn = await seedUser();
    const ou = childDn('OU', uniqueUsername('ou'), ad.baseDn);
    await withAdmin(ad, (client) => client.add(ou, { objectClass: 'organizationalUnit' }));
    const newName = uniqueUsername('moved');
    await call('rename', [dn, `CN=${newName}`, ou]);
    expect(await entryAt(dn)).toBeUndefined();
    expect(await entryAt(childDn('CN', newName, ou), ['cn'])).toMatchObject({ cn: newName });
  });

  it('delete removes the entry', async () => {
    const dn = await seedUser();
    await call('delete', [dn]);
    expect(await entryAt(dn)).toBeUndefined();
  });
});

describe('ldap capability keeps every DN inside the application base DN', () => {
  it('refuses a search base, new entry, rename target, member value or delete outside the base', async () => {
    const inside = await seedUser();
    const outsideOu = `CN=Computers,${ad.baseDn}`;
    const attempts: [string, unknown[]][] = [
      ['search', [{ base: ad.baseDn, filter: '(objectClass=*)' }]],
      ['add', [{ dn: childDn('CN', uniqueUsername('out'), outsideOu), attributes: { objectClass: 'user' } }]],
      ['rename', [inside, 'CN=elsewhere', outsideOu]],
      [
        'modify',
        [
          `CN=Domain Users,${ad.usersDn}`,
          [{ operation: 'add', attribute: 'member', values: [`CN=krbtgt,${outsideOu}`] }],
        ],
      ],
      ['delete', [ad.usersDn]],
      ['setPassword', [`CN=Administrator,CN=Users,DC=test2,DC=local`, 'Aa1!aaaaaaa']],
    ];
    for (const [method, args] of attempts) {
      expect((await rejection(call(method, args, 'users-only'))).code, method).toBe('AH_LDAP_OUT_OF_SCOPE');
    }
    expect(await entryAt(inside)).toBeDefined();
  });

  it('compares parsed DNs, so an escaped comma cannot fake the base suffix', async () => {
    const fake = `CN=x\\,${ad.usersDn.replace(/,/g, '\\,')},DC=evil,DC=local`;
    expect((await rejection(call('delete', [fake], 'users-only'))).code).toBe('AH_LDAP_OUT_OF_SCOPE');
    const sneaky = `CN=x,CN=Users\\,${ad.baseDn.replace(/,/g, '\\,')}`;
    expect((await rejection(call('delete', [sneaky], 'users-only'))).code).toBe('AH_LDAP_OUT_OF_SCOPE');
  });

  it('accepts the base in another spelling (case, spaces, hex escapes)', async () => {
    const spelled = ad.usersDn.toLowerCase().replace(/,/g, ' , ').replace('users', 'us\\65rs');
    const entries = await call(
      'search',
      [{ base: spelled, scope: 'base', filter: '(objectClass=*)', attributes: ['cn'] }],
      'users-only',
    );
    expect(entries).toHaveLength(1);
  });
});

describe('ldap capability with hostile values', () => {
  it('an escaped filter value matches literally and cannot widen a search', async () => {
    const widened = await call('search', [
      { base: ad.baseDn, filter: filterEquals('sAMAccountName', '*)(objectClass=*'), attributes: ['cn'] },
    ]);
    expect(widened).toEqual([]);
    const plain = await call('search', [
      { base: ad.baseDn, filter: filterEquals('sAMAccountName', 'Administrator'), attributes: ['cn'] },
    ]);
    expect(plain).toHaveLength(1);
  });

  it('a CN built with childDn lands exactly in the chosen container, commas and all', async () => {
    const tail = uniqueUsername('z');
    const dn = childDn('CN', `lizi,CN=Admins ${tail}`, ad.usersDn);
    await call('add', [{ dn, attributes: { objectClass: 'user', sAMAccountName: tail } }]);
    const found = await withAdmin(ad, (client) =>
      client.search(ad.baseDn, { filter: `(sAMAccountName=${tail})`, attributes: ['cn'] }),
    );
    expect(found.searchEntries).toHaveLength(1);
    expect(found.searchEntries[0].cn).toBe(`lizi,CN=Admins ${tail}`);
    expect(found.searchEntries[0].dn.toLowerCase().endsWith(`,${ad.usersDn.toLowerCase()}`)).toBe(true);
  });

  it('refuses password attributes outside setPassword', async () => {
    const dn = await seedUser();
    for (const [method, args] of [
      ['modify', [dn, [{ operation: 'replace', attribute: 'unicodePwd', values: ['"x"'] }]]],
      [
        'add',
        [
          {
            dn: childDn('CN', uniqueUsername('pw'), ad.usersDn),
            attributes: { objectClass: 'user', userPassword: 'x' },
          },
        ],
      ],
    ] as [string, unknown[]][]) {
      expect((await rejection(call(method, args))).code).toBe('AH_LDAP_ARGS_INVALID');
    }
  });
});
