// The seven LdapApi methods on the host: validate the guest's JSON arguments, keep every DN inside the
// Application's base DN (parsed and normalised, never a string suffix), then run them on the connection.
import { z } from 'zod';
import { Attribute, Change } from 'ldapts';
import { assertValidFilter, DnSyntaxError, formatDn, isDnWithin, parentDn, parseDn, type Json } from '@actionhost/sdk';
import type { DirectoryConnection, Log } from './connection.ts';
import { BINARY_ATTRIBUTES, toLdapEntry, unicodePwd } from './entries.ts';
import { LdapErrors } from './errors.ts';

const attributeName = z
  .string()
  .regex(/^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)(?:;[A-Za-z0-9-]+)*$/, 'must be an attribute description');
const dnString = z.string().min(1).max(2048);
const values = z.union([z.string(), z.array(z.string()).max(5000)]);

const SearchQuery = z
  .object({
    base: dnString,
    scope: z.enum(['base', 'one', 'sub']).default('sub'),
    filter: z.string().min(1).max(4096).default('(objectClass=*)'),
    attributes: z
      .array(z.union([attributeName, z.enum(['*', '+', '1.1'])]))
      .max(200)
      .optional(),
    sizeLimit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();
const NewEntry = z.object({ dn: dnString, attributes: z.record(attributeName, values) }).strict();
const Changes = z
  .array(
    z
      .object({
        operation: z.enum(['add', 'delete', 'replace']),
        attribute: attributeName,
        values: z.array(z.string()).max(5000),
      })
      .strict(),
  )
  .min(1)
  .max(100);

/** Password attributes only ever travel through setPassword (TLS enforced, never logged). */
const PASSWORD_ATTRIBUTES = new Set(['unicodepwd', 'userpassword', 'cleartextpassword']);
/** Attributes whose values are DNs: they too must stay inside the base DN (a member from elsewhere...). */
const DN_ATTRIBUTES = new Set(['member', 'manager', 'managedby', 'secretary', 'seealso', 'assistant']);

function parseArgs<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = [path, ...(issue?.path ?? []).map(String)].join('/');
  throw LdapErrors.argsInvalid({ what: `argument ${where}`, problem: issue?.message ?? 'invalid' }, { path: where });
}

export interface OperationContext {
  connection: DirectoryConnection;
  signal: AbortSignal;
  log: Log;
}

/** Checks `dn` is inside the base DN (`strict`: strictly below it) and returns it normalised in spelling. */
function scoped(context: OperationContext, dn: string, path: string, strict: boolean): string {
  const baseDn = context.connection.settings.application.baseDn;
  let inside: boolean;
  let formatted: string;
  try {
    formatted = formatDn(parseDn(dn));
    inside = isDnWithin(dn, baseDn, { strict });
  } catch (error) {
    if (error instanceof DnSyntaxError)
      throw LdapErrors.argsInvalid({ what: `argument ${path}`, problem: error.message }, { path });
    throw error;
  }
  if (!inside || formatted === '') {
    throw LdapErrors.outOfScope(
      { path, dn, where: strict ? 'strictly inside' : 'inside', baseDn },
      { path, dn, baseDn },
    );
  }
  return formatted;
}

function checkAttributeValues(
  context: OperationContext,
  attribute: string,
  attributeValues: string[],
  path: string,
): void {
  const name = attribute.toLowerCase().split(';')[0];
  if (PASSWORD_ATTRIBUTES.has(name)) {
    throw LdapErrors.argsInvalid(
      { what: `argument ${path}`, problem: `set passwords with setPassword, not as the ${attribute} attribute` },
      { path },
    );
  }
  if (DN_ATTRIBUTES.has(name)) attributeValues.forEach((value, i) => scoped(context, value, `${path}/${i}`, false));
}

export async function info(context: OperationContext): Promise<Json> {
  const { application, domain } = context.connection.settings;
  return { baseDn: application.baseDn, url: application.url, ...(domain ? { domain } : {}) };
}

export async function search(context: OperationContext, args: Json[]): Promise<Json> {
  const query = parseArgs(SearchQuery, args[0], '/0');
  const base = scoped(context, query.base, '/0/base', false);
  try {
    assertValidFilter(query.filter);
  } catch (error) {
    throw LdapErrors.argsInvalid(
      { what: 'argument /0/filter', problem: (error as Error).message },
      { path: '/0/filter' },
    );
  }
  const result = await context.connection.run(
    { operation: 'search', dn: base },
    (client) =>
      client.search(base, {
        scope: query.scope,
        filter: query.filter,
        sizeLimit: query.sizeLimit,
        ...(query.attributes ? { attributes: query.attributes } : {}),
        explicitBufferAttributes: BINARY_ATTRIBUTES,
      }),
    { signal: context.signal, retry: true, log: context.log },
  );
  // the client asks for sizeLimit, but Samba ignores it: the host enforces it
  return result.searchEntries.slice(0, query.sizeLimit).map(toLdapEntry) as unknown as Json;
}

export async function add(context: OperationContext, args: Json[]): Promise<Json> {
  const entry = parseArgs(NewEntry, args[0], '/0');
  const dn = scoped(context, entry.dn, '/0/dn', true);
  const attributes: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(entry.attributes)) {
    attributes[name] = Array.isArray(value) ? value : [value];
    checkAttributeValues(context, name, attributes[name], `/0/attributes/${name}`);
  }
  await context.connection.run({ operation: 'add', dn }, (client) => client.add(dn, attributes), {
    signal: context.signal,
    retry: false,
    log: context.log,
  });
  context.log('info', `ldap: added ${dn}`, { attributes: Object.keys(attributes) });
  return null;
}

export async function modify(context: OperationContext, args: Json[]): Promise<Json> {
  const dn = scoped(context, parseArgs(dnString, args[0], '/0'), '/0', false);
  const changes = parseArgs(Changes, args[1], '/1');
  changes.forEach((change, i) => checkAttributeValues(context, change.attribute, change.values, `/1/${i}/values`));
  const ldapChanges = changes.map(
    (change) =>
      new Change({
        operation: change.operation,
        modification: new Attribute({ type: change.attribute, values: change.values }),
      }),
  );
  await context.connection.run({ operation: 'modify', dn }, (client) => client.modify(dn, ldapChanges), {
    signal: context.signal,
    retry: false,
    log: context.log,
  });
  context.log('info', `ldap: modified ${dn}`, { changes: changes.map((c) => `${c.operation} ${c.attribute}`) });
  return null;
}

export async function setPassword(context: OperationContext, args: Json[]): Promise<Json> {
  const dn = scoped(context, parseArgs(dnString, args[0], '/0'), '/0', true);
  // the password is checked for shape only; its value never appears in an error, a log or details
  const password = z.string().min(1).max(1024).safeParse(args[1]);
  if (!password.success)
    throw LdapErrors.argsInvalid(
      { what: 'argument /1', problem: 'the password must be a non-empty string' },
      { path: '/1' },
    );
  if (!context.connection.encrypted) {
    const application = context.connection.settings.application.id;
    throw LdapErrors.tlsRequired({ application }, { application });
  }
  const change = new Change({
    operation: 'replace',
    modification: new Attribute({ type: 'unicodePwd', values: [unicodePwd(password.data)] }),
  });
  await context.connection.run({ operation: 'setPassword', dn }, (client) => client.modify(dn, change), {
    signal: context.signal,
    retry: false,
    log: context.log,
  });
  context.log('info', `ldap: set the password of ${dn}`);
  return null;
}

/** RFC 4514 with every special as a hex escape: ldapts splits a new DN at the first comma not after a `\`. */
function hexEscapedRdn(rdn: ReturnType<typeof parseDn>[number]): string {
  return rdn
    .map(
      (part) =>
        `${part.attribute}=${[...part.value]
          .map((ch, i, all) => {
            const specialAnywhere = ',+"\\<>;='.includes(ch) || ch.charCodeAt(0) < 0x20;
            const specialAtEdge = (i === 0 && (ch === '#' || ch === ' ')) || (i === all.length - 1 && ch === ' ');
            return specialAnywhere || specialAtEdge ? `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : ch;
          })
          .join('')}`,
    )
    .join('+');
}

export async function rename(context: OperationContext, args: Json[]): Promise<Json> {
  const dn = scoped(context, parseArgs(dnString, args[0], '/0'), '/0', true);
  const newRdnText = parseArgs(dnString, args[1], '/1');
  let newRdn;
  try {
    newRdn = parseDn(newRdnText);
  } catch (error) {
    if (error instanceof DnSyntaxError)
      throw LdapErrors.argsInvalid({ what: 'argument /1', problem: error.message }, { path: '/1' });
    throw error;
  }
  if (newRdn.length !== 1)
    throw LdapErrors.argsInvalid(
      { what: 'argument /1', problem: 'the new RDN must be exactly one RDN, e.g. "CN=name"' },
      { path: '/1' },
    );
  const newParent =
    args[2] === undefined || args[2] === null
      ? parentDn(dn)
      : scoped(context, parseArgs(dnString, args[2], '/2'), '/2', false);
  const target = `${hexEscapedRdn(newRdn[0])},${newParent}`;
  scoped(context, target, '/1', true);
  await context.connection.run({ operation: 'rename', dn }, (client) => client.modifyDN(dn, target), {
    signal: context.signal,
    retry: false,
    log: context.log,
  });
  context.log('info', `ldap: renamed ${dn} to ${target}`);
  return null;
}

export async function remove(context: OperationContext, args: Json[]): Promise<Json> {
  const dn = scoped(context, parseArgs(dnString, args[0], '/0'), '/0', true);
  await context.connection.run({ operation: 'delete', dn }, (client) => client.del(dn), {
    signal: context.signal,
    retry: false,
    log: context.log,
  });
  context.log('info', `ldap: deleted ${dn}`);
  return null;
}
