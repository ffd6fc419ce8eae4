// Microsoft Active Directory's input and output, keyed by the seed's Input Mapping keys (`Action`, `Password`,
// `Base DN`, `UserType`, `mail`, `Username`, `userAccountControl`) plus what each action needs. One flat object:
// the mapping UI lists its keys; which keys an Action needs is checked in run (failure AH_AD_INPUT_REQUIRED).
import { z } from 'zod';

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
      .describe('Create New User, Reset Password: the password (sent only over TLS, checked by the domain policy)'),
    'Base DN': dn
      .optional()
      .describe(
        'Create New User: the container for the user (default CN=Users,<application base DN>); other actions: where to look for the user',
      ),
    UserType: z.string().max(256).optional().describe('Create New User: written to the employeeType attribute'),
    mail: z.string().max(256).optional().describe('Create New User: the mail attribute'),
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
    message: z.string().optional(),
    error: z.object({ code: z.string(), message: z.string() }).strict().optional(),
  })
  .strict();
export type DirectoryOutput = z.infer<typeof DirectoryOutput>;
