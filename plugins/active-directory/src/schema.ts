// Microsoft Active Directory's input and output, keyed by the seed's Input Mapping keys (`Action`, `Password`,
// `Base DN`, `UserType`, `mail`, `Username`, `userAccountControl`) plus what each action needs. One flat object:
// the mapping UI lists its keys; which keys an Action needs is checked in run (failure AH_AD_INPUT_REQUIRED).
// The read actions' output names every attribute they can return, so later nodes' placeholders are checked.
import { z } from 'zod';
import { MULTI_VALUED, READABLE_ATTRIBUTES, type ReadableAttribute } from './attributes.ts';

export const ACTIONS = [
  'Create New User',
  'Update User Attribute',
  'Add to Group',
  'Remove from Group',
  'Enable User',
  'Disable User',
  'Reset Password',
  'Move User',
  'Delete User',
  'Get User',
  'Search Users',
] as const;
export type ActionName = (typeof ACTIONS)[number];

const dn = z.string().max(2048);

export const DirectoryInput = z
  .object({
    Action: z.enum(ACTIONS).describe('What to do in Active Directory'),
    Username: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe('sAMAccountName of the user (required by every action); the CN of a new user'),
    // writeOnly: redacted from execution records; never written to output or logs.
    Password: z
      .string()
      .max(512)
      .meta({ writeOnly: true })
      .optional()
      .describe(
        'Create New User, Reset Password: the password (sent only over TLS, checked by the domain policy). Create New User without one creates the account disabled, unless Generate Password is true',
      ),
    'Generate Password': z
      .boolean()
      .optional()
      .describe(
        'Create New User without a Password: the host generates a strong initial password, sets it and keeps it for an admin to retrieve once (the plugin never sees it); the account is created enabled',
      ),
    'Base DN': dn
      .optional()
      .describe(
        'Create New User: the container for the user (default CN=Users,<application base DN>); other actions: where to look for the user',
      ),
    UserType: z.string().max(256).optional().describe('Create New User: written to the employeeType attribute'),
    mail: z
      .string()
      .max(256)
      .optional()
      .describe('Create New User: the mail attribute; Get User: find the user by mail'),
    'User Principal Name': z
      .string()
      .max(1024)
      .optional()
      .describe('Get User: find the user by userPrincipalName (e.g. lizi@corp.example)'),
    Attributes: z
      .union([z.array(z.enum(READABLE_ATTRIBUTES)).max(READABLE_ATTRIBUTES.length), z.string().max(2048)])
      .optional()
      .describe(
        `Get User, Search Users: the attributes to read (a list, or comma-separated names); all of them when absent: ${READABLE_ATTRIBUTES.join(', ')}`,
      ),
    Search: z
      .record(z.string().max(128), z.union([z.string().max(1024), z.array(z.string().max(1024)).min(1).max(50)]))
      .optional()
      .describe(
        'Search Users: attribute → value (or a list of values, any of which matches), e.g. { "department": "#department#" }; every value is escaped, so it is matched as text, never read as filter syntax',
      ),
    Match: z
      .enum(['all', 'any'])
      .optional()
      .describe('Search Users: whether every Search attribute must match (all, the default) or one is enough (any)'),
    'Match Type': z
      .enum(['equals', 'starts with', 'contains'])
      .optional()
      .describe('Search Users: how each Search value is compared (default equals)'),
    'Size Limit': z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe('Search Users: at most this many users (default 100); `truncated` says when more matched'),
    userAccountControl: z
      .union([z.number().int().min(0).max(0xffffffff), z.string().regex(/^\d{1,10}$/)])
      .optional()
      .describe(
        'Create New User: userAccountControl after the password is set (default 512: a normal, enabled account)',
      ),
    'First Name': z.string().max(256).optional().describe('Create New User: givenName'),
    'Last Name': z.string().max(256).optional().describe('Create New User: sn'),
    'Display Name': z.string().max(256).optional().describe('Create New User: displayName'),
    'Group DN': dn.optional().describe("Add to Group, Remove from Group: the group's distinguished name"),
    Attribute: z.string().max(128).optional().describe('Update User Attribute: the LDAP attribute to set, e.g. title'),
    Value: z
      .union([z.string().max(8192), z.number(), z.boolean(), z.array(z.string().max(8192)).max(100)])
      .optional()
      .describe('Update User Attribute: the new value (a list for a multi-valued attribute; "" clears it)'),
    'Target OU': dn.optional().describe('Move User: the distinguished name of the new container'),
  })
  .strict();
export type DirectoryInput = z.infer<typeof DirectoryInput>;

export const Change = z
  .object({
    attribute: z.string(),
    operation: z.enum(['add', 'replace', 'delete']),
    /** New values; absent for unicodePwd (a password is never echoed). */
    values: z.array(z.string()).optional(),
    previousValues: z.array(z.string()).optional(),
  })
  .strict();
export type Change = z.infer<typeof Change>;

const single = (attribute: string) => z.string().optional().describe(`the ${attribute} attribute`);

/** A user as Get User and Search Users return it: the attributes that were read (absent when empty in AD). */
export const DirectoryUser = z
  .object({
    dn: z.string(),
    /** Derived from userAccountControl (ACCOUNTDISABLE not set), which is always read. */
    enabled: z.boolean().optional(),
    // Each attribute is a string, or (MULTI_VALUED) a list; typed as either, which is what TypeScript can see.
    ...(Object.fromEntries(
      READABLE_ATTRIBUTES.map((attribute) => [
        attribute,
        MULTI_VALUED.has(attribute)
          ? z.array(z.string()).optional().describe(`the ${attribute} attribute (all values)`)
          : single(attribute),
      ]),
    ) as unknown as Record<ReadableAttribute, z.ZodOptional<z.ZodUnion<[z.ZodString, z.ZodArray<z.ZodString>]>>>),
  })
  .strict();
export type DirectoryUser = z.infer<typeof DirectoryUser>;

export const DirectoryOutput = z
  .object({
    action: z.string(),
    /** The user's DN (after the action: the new DN for Move User, the removed DN for Delete User). */
    dn: z.string().optional(),
    objectGUID: z.string().optional(),
    sAMAccountName: z.string().optional(),
    userPrincipalName: z.string().optional(),
    /** Move User: where the user was. */
    previousDn: z.string().optional(),
    /** Add to Group, Remove from Group. */
    groupDn: z.string().optional(),
    /** Attribute-level changes made; [] when the directory already was as asked. */
    changes: z.array(Change),
    deleted: z.boolean().optional(),
    /** Create New User failed after the entry was added, and the half-made entry was removed again. */
    rolledBack: z.boolean().optional(),
    /** Create New User: whether the new account is enabled (false when it was created without a password). */
    enabled: z.boolean().optional(),
    /** Create New User with Generate Password: the id an admin retrieves the initial password with, once. */
    initialPasswordId: z.string().optional(),
    /** Get User: the user found. */
    user: DirectoryUser.optional(),
    /** Search Users: the users found, at most Size Limit. */
    users: z.array(DirectoryUser).optional(),
    /** Search Users: how many users are in `users`. */
    count: z.number().int().optional(),
    /** Search Users: more users matched than Size Limit. */
    truncated: z.boolean().optional(),
    message: z.string().optional(),
    error: z.object({ code: z.string(), message: z.string() }).strict().optional(),
  })
  .strict();
export type DirectoryOutput = z.infer<typeof DirectoryOutput>;
