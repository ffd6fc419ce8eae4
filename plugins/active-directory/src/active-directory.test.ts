// Microsoft Active Directory built with the SDK and run in the real sandbox, against the real Samba AD DC
// through the real ldap capability. Each Action is checked with an independent admin LDAP connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createTestHost, type InitialPasswordVault, type TestHost } from '@actionhost/core/testing';
import {
  adApplication,
  applicationsOf,
  canBind,
  readAsAdmin,
  searchAsAdmin,
  seedContainer,
  seedUser,
  strongPassword,
  uniqueUsername,
} from '@actionhost/test/ad';
import { adFacts } from '@actionhost/test/ad';

const PLUGIN = join(import.meta.dirname, '..');
const ad = adFacts();
let host: TestHost;

type Output = {
  action: string;
  dn?: string;
  objectGUID?: string;
  sAMAccountName?: string;
  userPrincipalName?: string;
  previousDn?: string;
  groupDn?: string;
  changes: { attribute: string; operation: string; values?: string[]; previousValues?: string[] }[];
  deleted?: boolean;
  rolledBack?: boolean;
  enabled?: boolean;
  initialPasswordId?: string;
  user?: Record<string, unknown> & { dn: string };
  users?: (Record<string, unknown> & { dn: string })[];
  count?: number;
  truncated?: boolean;
  message?: string;
  error?: { code: string; message: string };
};

/** The host's initial-password store, as the test sees it: what was kept, and what was discarded again. */
const kept = new Map<string, { dn: string; password: string }>();
const passwords: InitialPasswordVault = {
  keep: ({ dn, password }) => {
    const id = `ip_${kept.size + 1}`;
    kept.set(id, { dn, password });
    return id;
  },
  discard: (id) => {
    kept.delete(id);
  },
  forget: (_application, dn) => {
    for (const [id, entry] of kept) if (entry.dn.toLowerCase() === dn.toLowerCase()) kept.delete(id);
  },
};

beforeAll(async () => {
  host = await createTestHost({
    ldap: { applications: applicationsOf(adApplication(ad)), passwords },
  });
});
afterAll(async () => {
  await host?.close();
});

async function run(input: Record<string, unknown>, entry: 'run' | 'testConnection' = 'run') {
  const outcome = await host.invokeDir(PLUGIN, input, { entry, bindings: { applicationId: 'ad' } });
  return { ...outcome, output: outcome.output as Output };
}

describe('Create New User', () => {
  it('creates an enabled user with sAMAccountName, UPN, mail and names, who can then bind with the password', async () => {
    const username = uniqueUsername('lizi');
    const password = strongPassword();
    const outcome = await run({
      Action: 'Create New User',
      Username: username,
      Password: password,
      mail: `${username}@flotomate.local`,
      'First Name': 'Lizi',
      'Last Name': 'Tester',
      'Display Name': 'Lizi Tester',
      UserType: 'Employee',
    });
    expect(outcome.path).toBe('success');
    const dn = `CN=${username},${ad.usersDn}`;
    const entry = await readAsAdmin(ad, dn, [
      'sAMAccountName',
      'userPrincipalName',
      'mail',
      'givenName',
      'sn',
      'displayName',
      'employeeType',
      'userAccountControl',
    ]);
    expect(entry).toMatchObject({
      sAMAccountName: username,
      userPrincipalName: `${username}@${ad.domain}`,
      mail: `${username}@flotomate.local`,
      givenName: 'Lizi',
      sn: 'Tester',
      displayName: 'Lizi Tester',
      employeeType: 'Employee',
      userAccountControl: '512',
    });
    expect(outcome.output).toMatchObject({
      action: 'Create New User',
      dn,
      objectGUID: entry!.objectGUID,
      sAMAccountName: username,
    });
    expect(await canBind(ad, `${username}@${ad.domain}`, password)).toBe(true);
    expect(JSON.stringify(outcome)).not.toContain(password);
  });

  it('honours userAccountControl and Base DN from the mappings', async () => {
    const ou = await seedContainer(ad, 'ou');
    const username = uniqueUsername('uac');
    const password = strongPassword();
    const outcome = await run({
      Action: 'Create New User',
      Username: username,
      Password: password,
      'Base DN': ou,
      userAccountControl: '514',
    });
    expect(outcome.path).toBe('success');
    expect(await readAsAdmin(ad, `CN=${username},${ou}`, ['userAccountControl'])).toMatchObject({
      userAccountControl: '514',
    });
    expect(await canBind(ad, `CN=${username},${ou}`, password)).toBe(false); // 514 = disabled
  });

  it('takes the failure path with AH_LDAP_ALREADY_EXISTS for an existing sAMAccountName', async () => {
    const existing = await seedUser(ad);
    const outcome = await run({ Action: 'Create New User', Username: existing.name, Password: strongPassword() });
    expect(outcome.path).toBe('failure');
    expect(outcome.output.error?.code).toBe('AH_LDAP_ALREADY_EXISTS');
  });

  it('takes the failure path with AH_LDAP_PASSWORD_POLICY for a weak password and leaves no account behind', async () => {
    const username = uniqueUsername('weak');
    const outcome = await run({ Action: 'Create New User', Username: username, Password: 'abc' });
    expect(outcome.path).toBe('failure');
    expect(outcome.output.error?.code).toBe('AH_LDAP_PASSWORD_POLICY');
    expect(outcome.output.rolledBack).toBe(true);
    expect(await searchAsAdmin(ad, `(sAMAccountName=${username})`)).toEqual([]);
  });

  it('cannot be steered into another container by a Username holding DN syntax', async () => {
    const tail = uniqueUsername('x').slice(-8);
    const outcome = await run({
      Action: 'Create New User',
      Username: `lizi,CN=Admins${tail}`,
      Password: strongPassword(),
    });
    expect(outcome.path).toBe('failure'); // AD refuses "," in a sAMAccountName; the DN itself was escaped
    expect(await searchAsAdmin(ad, `(|(cn=*${tail}*)(sAMAccountName=*${tail}*))`)).toEqual([]);
  });

  it('escapes DN syntax AD accepts in a sAMAccountName: a leading "#" stays a character of the CN', async () => {
    // Unescaped, "CN=#..." would be read as a BER-encoded value and the add refused; escaped, AD takes it as typed.
    const username = `#${uniqueUsername('hash')}`.slice(0, 20);
    const outcome = await run({ Action: 'Create New User', Username: username, Password: strongPassword() });
    expect(outcome.path, JSON.stringify(outcome.output.error)).toBe('success');
    expect(outcome.output.dn).toMatch(/^CN=\\#/);
    expect(await readAsAdmin(ad, outcome.output.dn!, ['cn', 'sAMAccountName'])).toMatchObject({
      cn: username,
      sAMAccountName: username,
    });
  });

  it('asks for the inputs the action needs', async () => {
    const outcome = await run({ Action: 'Create New User', mail: 'nobody@flotomate.local' });
    expect(outcome.path).toBe('failure');
    expect(outcome.output.error?.code).toBe('AH_AD_INPUT_REQUIRED');
  });
});

describe('Create New User as the seed maps it: mail, Action and Username only', () => {
  it('creates the account disabled, as AD does without a password, and says so in its output', async () => {
    const username = uniqueUsername('lizi');
    const outcome = await run({ Action: 'Create New User', Username: username, mail: `${username}@flotomate.local` });
    expect(outcome.path).toBe('success');
    expect(outcome.output).toMatchObject({
      action: 'Create New User',
      dn: `CN=${username},${ad.usersDn}`,
      sAMAccountName: username,
      enabled: false,
    });
    expect(outcome.output.message).toMatch(/disabled/);
    expect(outcome.output.changes).toContainEqual({
      attribute: 'userAccountControl',
      operation: 'replace',
      values: ['514'],
    });
    // 514: normal account, disabled, and a password is required (AD's own 546 would let it have none)
    expect(await readAsAdmin(ad, `CN=${username},${ad.usersDn}`, ['mail', 'userAccountControl'])).toMatchObject({
      mail: `${username}@flotomate.local`,
      userAccountControl: '514',
    });
  });

  it('with Generate Password, sets a strong password the plugin never sees and an admin can retrieve; the account is enabled', async () => {
    const username = uniqueUsername('gen');
    const outcome = await run({ Action: 'Create New User', Username: username, 'Generate Password': true });
    expect(outcome.path).toBe('success');
    expect(outcome.output.enabled).toBe(true);
    const id = outcome.output.initialPasswordId!;
    const secret = kept.get(id)!;
    expect(secret.dn).toBe(`CN=${username},${ad.usersDn}`);
    expect(secret.password.length).toBeGreaterThanOrEqual(20);
    expect(await readAsAdmin(ad, secret.dn, ['userAccountControl'])).toMatchObject({ userAccountControl: '512' });
    expect(await canBind(ad, `${username}@${ad.domain}`, secret.password)).toBe(true);
    expect(JSON.stringify(outcome)).not.toContain(secret.password);
  });

  it('a user rolled back after its password was generated leaves neither an account nor a kept password', async () => {
    const username = uniqueUsername('roll');
    const dn = `CN=${username},${ad.usersDn}`;
    const before = kept.size;
    // UF_SERVER_TRUST_ACCOUNT on a user: AD refuses the flags after the password was set
    const outcome = await run({
      Action: 'Create New User',
      Username: username,
      'Generate Password': true,
      userAccountControl: 8192,
    });
    expect(outcome.path).toBe('failure');
    expect(outcome.output.rolledBack).toBe(true);
    expect(await readAsAdmin(ad, dn)).toBeUndefined();
    expect([...kept.values()].some((entry) => entry.dn.toLowerCase() === dn.toLowerCase())).toBe(false);
    expect(kept.size).toBe(before);
  });
});

describe('reading users', () => {
  it('Get User finds a user by sAMAccountName, mail or userPrincipalName and returns the chosen attributes', async () => {
    const user = await seedUser(ad);
    const mail = `${user.name}@flotomate.local`;
    await run({ Action: 'Update User Attribute', Username: user.name, Attribute: 'mail', Value: mail });
    await run({ Action: 'Update User Attribute', Username: user.name, Attribute: 'department', Value: 'IT' });
    for (const by of [{ Username: user.name }, { mail }, { 'User Principal Name': `${user.name}@${ad.domain}` }]) {
      const outcome = await run({ Action: 'Get User', ...by, Attributes: ['mail', 'department', 'memberOf'] });
      expect(outcome.path, JSON.stringify(by)).toBe('success');
      // memberOf is left out: the user is in no group (an empty attribute is absent), enabled always comes along
      expect(outcome.output.user).toEqual({ dn: user.dn, mail, department: 'IT', enabled: true });
    }
    const all = await run({ Action: 'Get User', Username: user.name });
    expect(all.output.user).toMatchObject({
      dn: user.dn,
      sAMAccountName: user.name,
      userAccountControl: '512',
      enabled: true,
      objectGUID: (await readAsAdmin(ad, user.dn))!.objectGUID,
    });
    expect(all.output.changes).toEqual([]);
  });

  it('Get User takes the failure path for nobody found, for two ways of finding at once, and for unknown attributes', async () => {
    const missing = await run({ Action: 'Get User', Username: uniqueUsername('ghost') });
    expect(missing.output.error?.code).toBe('AH_LDAP_NO_SUCH_OBJECT');
    const twice = await run({ Action: 'Get User', Username: 'a', mail: 'a@b.c' });
    expect(twice.output.error?.code).toBe('AH_AD_INPUT_INVALID');
    const none = await run({ Action: 'Get User' });
    expect(none.output.error?.code).toBe('AH_AD_INPUT_REQUIRED');
    const unknown = await run({ Action: 'Get User', Username: 'a', Attributes: 'mail, unicodePwd' });
    expect(unknown.output.error?.code).toBe('AH_AD_INPUT_INVALID');
  });

  it('Search Users matches the mapped values as text: filter syntax in a value matches nobody', async () => {
    const ou = await seedContainer(ad, 'ou');
    const tag = uniqueUsername('dep');
    const names: string[] = [];
    for (const title of ['Engineer', 'Engineering Lead', 'Accountant']) {
      const user = await seedUser(ad, { container: ou });
      names.push(user.name);
      await run({ Action: 'Update User Attribute', Username: user.name, Attribute: 'department', Value: tag });
      await run({ Action: 'Update User Attribute', Username: user.name, Attribute: 'title', Value: title });
    }
    const byDepartment = await run({
      Action: 'Search Users',
      'Base DN': ou,
      Search: { department: tag },
      Attributes: 'sAMAccountName,title',
    });
    expect(byDepartment.path).toBe('success');
    expect(byDepartment.output.count).toBe(3);
    expect(byDepartment.output.users!.map((u) => u.sAMAccountName).sort()).toEqual([...names].sort());

    const engineers = await run({
      Action: 'Search Users',
      'Base DN': ou,
      Search: { department: tag, title: 'Engineer' },
      'Match Type': 'starts with',
      Attributes: ['title'],
    });
    expect(engineers.output.users!.map((u) => u.title).sort()).toEqual(['Engineer', 'Engineering Lead']);

    const either = await run({
      Action: 'Search Users',
      'Base DN': ou,
      Search: { title: ['Accountant', 'Engineer'] },
      Attributes: ['title'],
    });
    expect(either.output.users!.map((u) => u.title).sort()).toEqual(['Accountant', 'Engineer']);

    const limited = await run({ Action: 'Search Users', 'Base DN': ou, Search: { department: tag }, 'Size Limit': 2 });
    expect(limited.output).toMatchObject({ count: 2, truncated: true });

    for (const hostile of ['*', '*)(objectClass=*', `${tag})(|(sAMAccountName=*`]) {
      const injected = await run({ Action: 'Search Users', 'Base DN': ou, Search: { department: hostile } });
      expect(injected.path, hostile).toBe('success');
      expect(injected.output.users, hostile).toEqual([]);
    }
    const badAttribute = await run({ Action: 'Search Users', Search: { 'department)(x': 'IT' } });
    expect(badAttribute.output.error?.code).toBe('AH_AD_INPUT_INVALID');
  });
});

describe('actions on an existing user', () => {
  it('Update User Attribute replaces the value and reports the previous one', async () => {
    const user = await seedUser(ad);
    const first = await run({
      Action: 'Update User Attribute',
      Username: user.name,
      Attribute: 'title',
      Value: 'Engineer',
    });
    const second = await run({
      Action: 'Update User Attribute',
      Username: user.name,
      Attribute: 'title',
      Value: 'Lead',
    });
    expect([first.path, second.path]).toEqual(['success', 'success']);
    expect(second.output.changes).toEqual([
      { attribute: 'title', operation: 'replace', values: ['Lead'], previousValues: ['Engineer'] },
    ]);
    expect(await readAsAdmin(ad, user.dn, ['title'])).toMatchObject({ title: 'Lead' });
    expect(second.output.objectGUID).toBe((await readAsAdmin(ad, user.dn))!.objectGUID);
  });

  it('a Username like *)(objectClass=* matches nobody, so nothing is changed', async () => {
    const marker = `injected-${uniqueUsername('m')}`;
    const outcome = await run({
      Action: 'Update User Attribute',
      Username: '*)(objectClass=*',
      Attribute: 'description',
      Value: marker,
    });
    expect(outcome.path).toBe('failure');
    expect(outcome.output.error?.code).toBe('AH_LDAP_NO_SUCH_OBJECT');
    expect(await searchAsAdmin(ad, `(description=${marker})`)).toEqual([]);
  });

  it('Add to Group makes the user a member (once), Remove from Group takes it out', async () => {
    const user = await seedUser(ad);
    const group = await seedContainer(ad, 'group');
    const added = await run({ Action: 'Add to Group', Username: user.name, 'Group DN': group });
    expect(added.path).toBe('success');
    expect(added.output.changes).toEqual([{ attribute: 'member', operation: 'add', values: [user.dn] }]);
    expect((await readAsAdmin(ad, group, ['member']))!.member).toBe(user.dn);
    const again = await run({ Action: 'Add to Group', Username: user.name, 'Group DN': group });
    expect(again.output.changes).toEqual([]);

    const removed = await run({ Action: 'Remove from Group', Username: user.name, 'Group DN': group });
    expect(removed.path).toBe('success');
    expect(removed.output.changes).toEqual([{ attribute: 'member', operation: 'delete', values: [user.dn] }]);
    expect((await readAsAdmin(ad, group, ['member']))!.member ?? []).toEqual([]);
  });

  it('Disable User stops the account from binding, Enable User lets it bind again', async () => {
    const user = await seedUser(ad);
    const disabled = await run({ Action: 'Disable User', Username: user.name });
    expect(disabled.output.changes).toEqual([
      { attribute: 'userAccountControl', operation: 'replace', values: ['514'], previousValues: ['512'] },
    ]);
    expect(await canBind(ad, user.dn, user.password)).toBe(false);
    const enabled = await run({ Action: 'Enable User', Username: user.name });
    expect(enabled.path).toBe('success');
    expect(await readAsAdmin(ad, user.dn, ['userAccountControl'])).toMatchObject({ userAccountControl: '512' });
    expect(await canBind(ad, user.dn, user.password)).toBe(true);
  });

  it('Reset Password replaces the password: the new one binds, the old one no longer does', async () => {
    const user = await seedUser(ad);
    const password = strongPassword();
    const outcome = await run({ Action: 'Reset Password', Username: user.name, Password: password });
    expect(outcome.path).toBe('success');
    expect(outcome.output.changes).toEqual([{ attribute: 'unicodePwd', operation: 'replace' }]);
    expect(await canBind(ad, user.dn, password)).toBe(true);
    expect(await canBind(ad, user.dn, user.password)).toBe(false);
    expect(JSON.stringify(outcome)).not.toContain(password);
  });

  it('Reset Password with a weak password takes the failure path with AH_LDAP_PASSWORD_POLICY', async () => {
    const user = await seedUser(ad);
    const outcome = await run({ Action: 'Reset Password', Username: user.name, Password: 'short' });
    expect(outcome.output.error?.code).toBe('AH_LDAP_PASSWORD_POLICY');
    expect(await canBind(ad, user.dn, user.password)).toBe(true);
  });

  it('Move User moves the user into the Target OU and keeps its objectGUID', async () => {
    const user = await seedUser(ad);
    const ou = await seedContainer(ad, 'ou');
    const guid = (await readAsAdmin(ad, user.dn))!.objectGUID;
    const outcome = await run({ Action: 'Move User', Username: user.name, 'Target OU': ou });
    expect(outcome.path).toBe('success');
    expect(outcome.output).toMatchObject({ dn: `CN=${user.name},${ou}`, previousDn: user.dn, objectGUID: guid });
    expect(await readAsAdmin(ad, user.dn)).toBeUndefined();
    expect((await readAsAdmin(ad, `CN=${user.name},${ou}`))!.objectGUID).toBe(guid);
  });

  it('Delete User removes the user', async () => {
    const user = await seedUser(ad);
    const outcome = await run({ Action: 'Delete User', Username: user.name });
    expect(outcome.path).toBe('success');
    expect(outcome.output).toMatchObject({ dn: user.dn, deleted: true });
    expect(await readAsAdmin(ad, user.dn)).toBeUndefined();
  });

  it('takes the failure path with AH_LDAP_NO_SUCH_OBJECT for a user that does not exist', async () => {
    const outcome = await run({ Action: 'Delete User', Username: uniqueUsername('ghost') });
    expect(outcome.path).toBe('failure');
    expect(outcome.output.error?.code).toBe('AH_LDAP_NO_SUCH_OBJECT');
  });
});
