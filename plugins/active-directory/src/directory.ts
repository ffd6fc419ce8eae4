// What every Active Directory action shares, plain ECMAScript for the sandbox: finding the user by
// sAMAccountName (escaped filter), reading an entry, checking DN inputs, and turning a refusal into the
// failure path. The directory connection itself (bind identity, TLS, base DN fence) is the host's.
import {
  filterAnd,
  filterEquals,
  formatDn,
  formatErrorMessage,
  parseDn,
  type LdapApi,
  type LdapEntry,
  type LogApi,
  type MessageParams,
} from '@actionhost/sdk';
import { directoryErrors, type DirectoryErrorCode } from './errors.ts';
import type { ActionName, DirectoryInput, DirectoryOutput } from './schema.ts';

export interface DirectoryContext {
  ldap: LdapApi;
  log: LogApi;
}
export type DirectoryResult = { path: 'success' | 'failure'; output: DirectoryOutput };

/** A refusal that becomes the failure path: `code` is an AH_LDAP_* code from the host or an AH_AD_* code of ours. */
export class DirectoryFailure extends Error {
  readonly code: string;
  readonly partial: Partial<DirectoryOutput>;
  constructor(code: string, message: string, partial: Partial<DirectoryOutput> = {}) {
    super(message);
    this.name = 'DirectoryFailure';
    this.code = code;
    this.partial = partial;
  }
}

/** A refusal of ours, its message made from the template in errors.ts. */
export function refuse<Code extends DirectoryErrorCode>(
  code: Code,
  params: MessageParams<(typeof directoryErrors)[Code]['message']>,
  partial: Partial<DirectoryOutput> = {},
): DirectoryFailure {
  return new DirectoryFailure(code, formatErrorMessage(directoryErrors[code].message, params), partial);
}

export function requireInputs<K extends keyof DirectoryInput>(
  input: DirectoryInput,
  keys: readonly K[],
): asserts input is DirectoryInput & Required<Pick<DirectoryInput, K>> {
  const missing = keys.filter((key) => input[key] === undefined || input[key] === '');
  if (missing.length > 0) {
    throw refuse('AH_AD_INPUT_REQUIRED', {
      action: input.Action,
      keys: missing.map((k) => `"${String(k)}"`).join(', '),
    });
  }
}

/** A DN given as input, checked and written in one canonical spelling (a typo fails here, not in AD). */
export function dnInput(input: DirectoryInput, key: 'Base DN' | 'Group DN' | 'Target OU'): string | undefined {
  const value = input[key]?.trim();
  if (!value) return undefined;
  let rdns;
  try {
    rdns = parseDn(value);
  } catch (error) {
    throw refuse('AH_AD_INPUT_INVALID', { key, problem: `is not a distinguished name: ${(error as Error).message}` });
  }
  if (rdns.length === 0) throw refuse('AH_AD_INPUT_INVALID', { key, problem: 'is empty' });
  return formatDn(rdns);
}

/** First value of an attribute, matched case-insensitively (AD answers in its own spelling). */
export function first(entry: LdapEntry, attribute: string): string | undefined {
  return values(entry, attribute)[0];
}

export function values(entry: LdapEntry, attribute: string): string[] {
  const wanted = attribute.toLowerCase();
  for (const name of Object.keys(entry.attributes)) {
    if (name.toLowerCase() === wanted) return entry.attributes[name];
  }
  return [];
}

const USER_ATTRIBUTES = ['sAMAccountName', 'userPrincipalName', 'objectGUID', 'userAccountControl', 'cn'];

/** The user whose sAMAccountName is `username`, searched under `base`; failure AH_LDAP_NO_SUCH_OBJECT when absent. */
export async function findUser(
  ctx: DirectoryContext,
  username: string,
  base: string,
  attributes: string[] = [],
): Promise<LdapEntry> {
  const entries = await ctx.ldap.search({
    base,
    scope: 'sub',
    filter: filterAnd(filterEquals('objectClass', 'user'), filterEquals('sAMAccountName', username)),
    attributes: [...USER_ATTRIBUTES, ...attributes],
    sizeLimit: 2,
  });
  if (entries.length === 0) {
    throw refuse('AH_LDAP_NO_SUCH_OBJECT', { what: `user with sAMAccountName "${username}"`, dn: base });
  }
  if (entries.length > 1) {
    throw refuse('AH_AD_AMBIGUOUS', { username, base });
  }
  return entries[0];
}

/** The entry at `dn` (base search), e.g. to read objectGUID after a change. */
export async function readEntry(ctx: DirectoryContext, dn: string, attributes: string[] = []): Promise<LdapEntry> {
  const [entry] = await ctx.ldap.search({
    base: dn,
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: [...USER_ATTRIBUTES, ...attributes],
  });
  if (!entry) throw refuse('AH_LDAP_NO_SUCH_OBJECT', { what: 'entry', dn });
  return entry;
}

/** The identifying outputs of a user entry. */
export function identity(entry: LdapEntry): Partial<DirectoryOutput> {
  const out: Partial<DirectoryOutput> = { dn: entry.dn };
  const guid = first(entry, 'objectGUID');
  const sam = first(entry, 'sAMAccountName');
  const upn = first(entry, 'userPrincipalName');
  if (guid) out.objectGUID = guid;
  if (sam) out.sAMAccountName = sam;
  if (upn) out.userPrincipalName = upn;
  return out;
}

/** Where users are looked for: the node's Base DN, else the Application's base DN. */
export async function searchBase(ctx: DirectoryContext, input: DirectoryInput): Promise<string> {
  return dnInput(input, 'Base DN') ?? (await ctx.ldap.info()).baseDn;
}

/**
 * Runs one action; an AD refusal (an AH_* code from the host or a DirectoryFailure) becomes the failure path
 * with `{ error: { code, message } }`. Anything else is a bug and is thrown.
 */
export async function settle(
  action: ActionName | 'Test Connection',
  ctx: DirectoryContext,
  work: () => Promise<Omit<DirectoryOutput, 'action'>>,
): Promise<DirectoryResult> {
  try {
    return { path: 'success', output: { action, ...(await work()) } };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('AH_')) throw error;
    const raw = (error as { message?: unknown }).message;
    const message = typeof raw === 'string' ? raw : code;
    const partial = error instanceof DirectoryFailure ? error.partial : {};
    ctx.log.warn(`${action} failed: ${code}`, { code });
    return { path: 'failure', output: { action, changes: [], ...partial, error: { code, message } } };
  }
}
