// The read actions: Get User (by sAMAccountName, mail or userPrincipalName) and Search Users (a filter built from
// mapped values, each escaped with the SDK's RFC 4515 helpers, so a value is matched as text and never parsed as
// filter syntax). Their output names the attributes read, for later nodes' placeholders.
import { escapeFilterValue, filterAnd, filterEquals, filterOr, type LdapEntry } from '@actionhost/sdk';
import { MULTI_VALUED, READABLE_ATTRIBUTES, type ReadableAttribute } from './attributes.ts';
import { refuse, searchBase, values, type DirectoryContext } from './directory.ts';
import type { DirectoryInput, DirectoryOutput, DirectoryUser } from './schema.ts';

type Outcome = Omit<DirectoryOutput, 'action'>;

const ACCOUNT_DISABLE = 2;
const USERS = filterAnd(filterEquals('objectCategory', 'person'), filterEquals('objectClass', 'user'));
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
/** Attributes a search may not name: passwords are never matched against. */
const UNSEARCHABLE = new Set(['unicodepwd', 'userpassword', 'cleartextpassword', 'supplementalcredentials']);
const DEFAULT_SIZE_LIMIT = 100;

/** The Attributes input as a checked list (all readable attributes when absent). */
function attributesOf(input: DirectoryInput): ReadableAttribute[] {
  const given = input.Attributes;
  if (given === undefined || (typeof given === 'string' && given.trim() === '')) return [...READABLE_ATTRIBUTES];
  const names = typeof given === 'string' ? given.split(',').map((name) => name.trim()) : given;
  const byLowerCase = new Map(READABLE_ATTRIBUTES.map((name) => [name.toLowerCase(), name]));
  return names
    .filter((name) => name !== '')
    .map((name) => {
      const known = byLowerCase.get(name.toLowerCase());
      if (!known)
        throw refuse('AH_AD_INPUT_INVALID', {
          key: 'Attributes',
          problem: `names ${name}, which is not one of ${READABLE_ATTRIBUTES.join(', ')}`,
        });
      return known;
    });
}

/** An entry as the output's user: each attribute read under its schema name, lists only where AD keeps several. */
function userOf(entry: LdapEntry, attributes: readonly ReadableAttribute[]): DirectoryUser {
  const user: Record<string, unknown> = { dn: entry.dn };
  for (const attribute of attributes) {
    const found = values(entry, attribute);
    if (found.length === 0) continue;
    user[attribute] = MULTI_VALUED.has(attribute) ? found : found[0];
  }
  const uac = values(entry, 'userAccountControl')[0];
  if (uac !== undefined && /^\d+$/.test(uac)) user.enabled = (Number(uac) & ACCOUNT_DISABLE) === 0;
  return user as DirectoryUser;
}

export async function getUser(ctx: DirectoryContext, input: DirectoryInput): Promise<Outcome> {
  const keys = (['Username', 'mail', 'User Principal Name'] as const).filter(
    (key) => typeof input[key] === 'string' && input[key].trim() !== '',
  );
  if (keys.length === 0)
    throw refuse('AH_AD_INPUT_REQUIRED', {
      action: 'Get User',
      keys: 'one of "Username", "mail", "User Principal Name"',
    });
  if (keys.length > 1)
    throw refuse('AH_AD_INPUT_INVALID', {
      key: keys[1],
      problem: `is given together with "${keys[0]}": Get User finds the user by exactly one of Username, mail, User Principal Name`,
    });
  const key = keys[0];
  const attribute = { Username: 'sAMAccountName', mail: 'mail', 'User Principal Name': 'userPrincipalName' }[key];
  const value = input[key]!.trim();
  const attributes = attributesOf(input);
  const base = await searchBase(ctx, input);
  const entries = await ctx.ldap.search({
    base,
    scope: 'sub',
    filter: filterAnd(USERS, filterEquals(attribute, value)),
    attributes: [...new Set([...attributes, 'userAccountControl'])],
    sizeLimit: 2,
  });
  if (entries.length === 0)
    throw refuse('AH_LDAP_NO_SUCH_OBJECT', { what: `user with ${attribute} "${value}"`, dn: base });
  if (entries.length > 1) throw refuse('AH_AD_AMBIGUOUS', { username: `${attribute}=${value}`, base });
  const user = userOf(entries[0], attributes);
  return { dn: user.dn, ...identityOf(user), user, changes: [] };
}

/** One Search criterion as a filter: the value escaped, then (for starts with / contains) the wildcards added. */
function criterion(attribute: string, value: string, matchType: NonNullable<DirectoryInput['Match Type']>): string {
  const escaped = escapeFilterValue(value);
  if (matchType === 'starts with') return `(${attribute}=${escaped}*)`;
  if (matchType === 'contains') return `(${attribute}=*${escaped}*)`;
  return `(${attribute}=${escaped})`;
}

export async function searchUsers(ctx: DirectoryContext, input: DirectoryInput): Promise<Outcome> {
  const search = input.Search ?? {};
  const entries = Object.entries(search);
  if (entries.length === 0) throw refuse('AH_AD_INPUT_REQUIRED', { action: 'Search Users', keys: '"Search"' });
  const matchType = input['Match Type'] ?? 'equals';
  const criteria = entries.map(([attribute, given]) => {
    if (!ATTRIBUTE_NAME.test(attribute) || UNSEARCHABLE.has(attribute.toLowerCase()))
      throw refuse('AH_AD_INPUT_INVALID', {
        key: 'Search',
        problem: `names ${attribute}, which cannot be searched by`,
      });
    const list = Array.isArray(given) ? given : [given];
    if (list.some((value) => value.trim() === ''))
      throw refuse('AH_AD_INPUT_INVALID', { key: 'Search', problem: `has an empty value for ${attribute}` });
    const filters = list.map((value) => criterion(attribute, value.trim(), matchType));
    return filters.length === 1 ? filters[0] : filterOr(...filters);
  });
  const matched =
    criteria.length === 1 ? criteria[0] : input.Match === 'any' ? filterOr(...criteria) : filterAnd(...criteria);
  const attributes = attributesOf(input);
  const sizeLimit = input['Size Limit'] ?? DEFAULT_SIZE_LIMIT;
  const found = await ctx.ldap.search({
    base: await searchBase(ctx, input),
    scope: 'sub',
    filter: filterAnd(USERS, matched),
    attributes: [...new Set([...attributes, 'userAccountControl'])],
    // one more than asked, to tell "exactly the limit" from "more than the limit"
    sizeLimit: Math.min(sizeLimit + 1, 1000),
  });
  const users = found.slice(0, sizeLimit).map((entry) => userOf(entry, attributes));
  return { users, count: users.length, truncated: found.length > sizeLimit, changes: [] };
}

function identityOf(user: DirectoryUser): Partial<Outcome> {
  const out: Partial<Outcome> = {};
  if (typeof user.objectGUID === 'string') out.objectGUID = user.objectGUID;
  if (typeof user.sAMAccountName === 'string') out.sAMAccountName = user.sAMAccountName;
  if (typeof user.userPrincipalName === 'string') out.userPrincipalName = user.userPrincipalName;
  return out;
}
