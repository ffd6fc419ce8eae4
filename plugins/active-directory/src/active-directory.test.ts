// Microsoft Active Directory built with the SDK and run in the real sandbox, against the real Samba AD DC
// through the real ldap capability. Each Action is checked with an independent admin LDAP connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createTestHost, type TestHost } from '@actionhost/core/testing';
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
  message?: string;
  error?: { code: string; message: string };
};

beforeAll(async () => {
  host = await createTestHost({
    ldap: { applications: applicationsOf(adApplication(ad)) },
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
    const outcome = await run({ Action: 'Create New User', Username: uniqueUsername('nopw') });
    expect(outcome.path).toBe('failure');
    expect(outcome.output.error?.code).toBe('AH_AD_INPUT_REQUIRED');
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
