// The nine Active Directory actions of the seed, each one small: find or build the user's DN from escaped
// input, make the change through ctx.ldap, and report the user's DN, objectGUID and what changed.
import { childDn, dnEquals, filterEquals, firstRdn, type LdapChange } from '@actionhost/sdk';
import {
  DirectoryFailure,
  dnInput,
  findUser,
  first,
  identity,
  readEntry,
  refuse,
  requireInputs,
  searchBase,
  values,
  type DirectoryContext,
} from './directory.ts';
import type { Change, DirectoryInput, DirectoryOutput } from './schema.ts';

type Outcome = Omit<DirectoryOutput, 'action'>;

const NORMAL_ACCOUNT = 512;
const ACCOUNT_DISABLE = 2;
/** Attributes Update User Attribute must not touch: passwords, identity, the RDN, back-links. */
const PROTECTED = new Set([
  'unicodepwd',
  'userpassword',
  'cleartextpassword',
  'objectclass',
  'objectguid',
  'objectsid',
  'distinguishedname',
  'cn',
  'name',
  'memberof',
  'primarygroupid',
  'samaccounttype',
  'ntsecuritydescriptor',
]);

/**
 * Creates the user. With a Password it is set and the account enabled (userAccountControl 512 unless mapped);
 * with Generate Password the host sets a generated one an admin retrieves once; with neither, the account is
 * created disabled — what AD itself does — and the output says so.
 */
export async function createUser(ctx: DirectoryContext, input: DirectoryInput): Promise<Outcome> {
  requireInputs(input, ['Username']);
  const password = input.Password !== undefined && input.Password !== '' ? input.Password : undefined;
  const generate = password === undefined && input['Generate Password'] === true;
  const info = await ctx.ldap.info();
  const container = dnInput(input, 'Base DN') ?? `CN=Users,${info.baseDn}`;
  const existing = await ctx.ldap.search({
    base: info.baseDn,
    filter: filterEquals('sAMAccountName', input.Username),
    attributes: ['sAMAccountName'],
    sizeLimit: 1,
  });
  if (existing.length > 0) {
    throw refuse('AH_LDAP_ALREADY_EXISTS', { username: input.Username }, { dn: existing[0].dn });
  }
  const mapped = input.userAccountControl === undefined ? NORMAL_ACCOUNT : Number(input.userAccountControl);
  // Without a password the account cannot be used: it stays disabled (and keeps "password required"), >>> 0 unsigned.
  const uac = password === undefined && !generate ? (mapped | ACCOUNT_DISABLE) >>> 0 : mapped;
  const dn = childDn('CN', input.Username, container);
  const attributes: Record<string, string> = {
    sAMAccountName: input.Username,
    ...(info.domain ? { userPrincipalName: `${input.Username}@${info.domain}` } : {}),
    ...(input.mail ? { mail: input.mail } : {}),
    ...(input['First Name'] ? { givenName: input['First Name'] } : {}),
    ...(input['Last Name'] ? { sn: input['Last Name'] } : {}),
    ...(input['Display Name'] ? { displayName: input['Display Name'] } : {}),
    ...(input.UserType ? { employeeType: input.UserType } : {}),
  };
  await ctx.ldap.add({
    dn,
    attributes: { objectClass: ['top', 'person', 'organizationalPerson', 'user'], ...attributes },
  });
  let initialPasswordId: string | undefined;
  try {
    // AD creates the account disabled without a password; the password (TLS only) comes first, then the flags.
    if (password !== undefined) await ctx.ldap.setPassword(dn, password);
    else if (generate) initialPasswordId = (await ctx.ldap.setGeneratedPassword(dn)).passwordId;
    await ctx.ldap.modify(dn, [{ operation: 'replace', attribute: 'userAccountControl', values: [String(uac)] }]);
  } catch (error) {
    // leave no half-made, passwordless account behind, so the workflow can simply run again
    let rolledBack = false;
    try {
      await ctx.ldap.delete(dn);
      rolledBack = true;
    } catch {
      ctx.log.error(`could not remove the half-created user ${dn}`);
    }
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') throw new DirectoryFailure(code, (error as Error).message, { dn, rolledBack });
    throw error;
  }
  const created = await readEntry(ctx, dn);
  const changes: Change[] = [
    ...Object.entries(attributes).map(([attribute, value]): Change => ({
      attribute,
      operation: 'add',
      values: [value],
    })),
    ...(password !== undefined || generate ? [{ attribute: 'unicodePwd', operation: 'replace' } satisfies Change] : []),
    { attribute: 'userAccountControl', operation: 'replace', values: [String(uac)] },
  ];
  const enabled = (uac & ACCOUNT_DISABLE) === 0;
  const message =
    password === undefined && !generate
      ? 'created disabled: no Password was mapped (map one, or set Generate Password); set one with Reset Password, then Enable User'
      : generate
        ? `created with a generated initial password: an admin retrieves it once with POST /api/initial-passwords/${initialPasswordId}/retrieve`
        : undefined;
  return {
    ...identity(created),
    enabled,
    ...(initialPasswordId !== undefined ? { initialPasswordId } : {}),
    ...(message !== undefined ? { message } : {}),
    changes,
  };
}

export async function updateAttribute(ctx: DirectoryContext, input: DirectoryInput): Promise<Outcome> {
  requireInputs(input, ['Username', 'Attribute']);
  const attribute = input.Attribute.trim();
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(attribute)) {
    throw refuse('AH_AD_INPUT_INVALID', { key: 'Attribute', problem: `is not an LDAP attribute name: ${attribute}` });
  }
  if (PROTECTED.has(attribute.toLowerCase())) {
    throw refuse('AH_AD_INPUT_INVALID', {
      key: 'Attribute',
      problem: `names ${attribute}, which Update User Attribute cannot change; use the action made for it`,
    });
  }
  const wanted =
    input.Value === undefined
      ? []
      : (Array.isArray(input.Value) ? input.Value : [String(input.Value)]).filter((v) => v !== '');
  const user = await findUser(ctx, input.Username, await searchBase(ctx, input), [attribute]);
  const previous = values(user, attribute);
  const same = previous.length === wanted.length && previous.every((v, i) => v === wanted[i]);
  if (same) return { ...identity(user), changes: [], message: `${attribute} already had that value` };
  const change: LdapChange =
    wanted.length === 0
      ? { operation: 'delete', attribute, values: [] }
      : { operation: 'replace', attribute, values: wanted };
  await ctx.ldap.modify(user.dn, [change]);
  return {
    ...identity(user),
    changes: [{ attribute, operation: change.operation, values: wanted, previousValues: previous }],
  };
}

async function groupMembership(
  ctx: DirectoryContext,
  input: DirectoryInput,
  operation: 'add' | 'delete',
): Promise<Outcome> {
  requireInputs(input, ['Username', 'Group DN']);
  const groupDn = dnInput(input, 'Group DN')!;
  const user = await findUser(ctx, input.Username, await searchBase(ctx, input));
  // a base search of the group with an escaped member filter: finds the group only if the user is in it
  const [group] = await ctx.ldap.search({
    base: groupDn,
    scope: 'base',
    filter: '(objectClass=group)',
    attributes: ['objectClass'],
  });
  if (!group) throw refuse('AH_AD_NOT_A_GROUP', { dn: groupDn }, { groupDn });
  const member = await ctx.ldap.search({
    base: groupDn,
    scope: 'base',
    filter: filterEquals('member', user.dn),
    attributes: ['1.1'],
  });
  const isMember = member.length > 0;
  if (isMember === (operation === 'add')) {
    return { ...identity(user), groupDn, changes: [], message: isMember ? 'already a member' : 'not a member' };
  }
  await ctx.ldap.modify(groupDn, [{ operation, attribute: 'member', values: [user.dn] }]);
  return { ...identity(user), groupDn, changes: [{ attribute: 'member', operation, values: [user.dn] }] };
}

export const addToGroup = (ctx: DirectoryContext, input: DirectoryInput) => groupMembership(ctx, input, 'add');
export const removeFromGroup = (ctx: DirectoryContext, input: DirectoryInput) => groupMembership(ctx, input, 'delete');

async function setEnabled(ctx: DirectoryContext, input: DirectoryInput, enabled: boolean): Promise<Outcome> {
  requireInputs(input, ['Username']);
  const user = await findUser(ctx, input.Username, await searchBase(ctx, input));
  const before = Number(first(user, 'userAccountControl') ?? NORMAL_ACCOUNT);
  // `>>> 0` keeps the flags an unsigned 32-bit number
  const after = (enabled ? before & ~ACCOUNT_DISABLE : before | ACCOUNT_DISABLE) >>> 0;
  if (after === before)
    return { ...identity(user), changes: [], message: enabled ? 'already enabled' : 'already disabled' };
  await ctx.ldap.modify(user.dn, [{ operation: 'replace', attribute: 'userAccountControl', values: [String(after)] }]);
  return {
    ...identity(user),
    changes: [
      {
        attribute: 'userAccountControl',
        operation: 'replace',
        values: [String(after)],
        previousValues: [String(before)],
      },
    ],
  };
}

export const enableUser = (ctx: DirectoryContext, input: DirectoryInput) => setEnabled(ctx, input, true);
export const disableUser = (ctx: DirectoryContext, input: DirectoryInput) => setEnabled(ctx, input, false);

export async function resetPassword(ctx: DirectoryContext, input: DirectoryInput): Promise<Outcome> {
  requireInputs(input, ['Username', 'Password']);
  const user = await findUser(ctx, input.Username, await searchBase(ctx, input));
  await ctx.ldap.setPassword(user.dn, input.Password);
  return { ...identity(user), changes: [{ attribute: 'unicodePwd', operation: 'replace' }] };
}

export async function moveUser(ctx: DirectoryContext, input: DirectoryInput): Promise<Outcome> {
  requireInputs(input, ['Username', 'Target OU']);
  const target = dnInput(input, 'Target OU')!;
  const user = await findUser(ctx, input.Username, await searchBase(ctx, input));
  const rdn = firstRdn(user.dn);
  const newDn = `${rdn},${target}`;
  if (dnEquals(newDn, user.dn)) return { ...identity(user), changes: [], message: 'already in that container' };
  await ctx.ldap.rename(user.dn, rdn, target);
  const moved = await readEntry(ctx, newDn);
  return {
    ...identity(moved),
    previousDn: user.dn,
    changes: [{ attribute: 'distinguishedName', operation: 'replace', values: [moved.dn], previousValues: [user.dn] }],
  };
}

export async function deleteUser(ctx: DirectoryContext, input: DirectoryInput): Promise<Outcome> {
  requireInputs(input, ['Username']);
  const user = await findUser(ctx, input.Username, await searchBase(ctx, input));
  await ctx.ldap.delete(user.dn);
  return { ...identity(user), deleted: true, changes: [] };
}
