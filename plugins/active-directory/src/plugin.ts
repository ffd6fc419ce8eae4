// Execute App Integration: Microsoft Active Directory. Runs the node's Action against the Application's
// directory through the host's ldap capability; AD's refusals take the failure path as { error: { code, message } }.
import { definePlugin } from '@actionhost/sdk';
import * as actions from './actions.ts';
import { getUser, searchUsers } from './read.ts';
import { refuse, settle, type DirectoryContext, type DirectoryResult } from './directory.ts';
import { DirectoryInput, DirectoryOutput, type ActionName } from './schema.ts';

const HANDLERS: Record<
  ActionName,
  (ctx: DirectoryContext, input: DirectoryInput) => ReturnType<typeof actions.createUser>
> = {
  'Create New User': actions.createUser,
  'Update User Attribute': actions.updateAttribute,
  'Add to Group': actions.addToGroup,
  'Remove from Group': actions.removeFromGroup,
  'Enable User': actions.enableUser,
  'Disable User': actions.disableUser,
  'Reset Password': actions.resetPassword,
  'Move User': actions.moveUser,
  'Delete User': actions.deleteUser,
  'Get User': getUser,
  'Search Users': searchUsers,
};

export default definePlugin({
  title: 'Microsoft Active Directory',
  description:
    "Creates users (sAMAccountName, userPrincipalName, mail, names, password or a generated one, userAccountControl; disabled without a password), updates attributes, adds to and removes from groups, enables, disables, resets passwords, moves and deletes users, and reads them (Get User, Search Users) in the Application's Active Directory.",
  category: 'app-integration',
  input: DirectoryInput,
  output: DirectoryOutput,
  paths: ['success', 'failure'],
  capabilities: { ldap: true },
  limits: { timeoutMs: 30_000, memoryMb: 64 },
  mappings: {
    // the fields of the seeded "Employee On-boarding" request template
    default: { Action: 'Create New User', Username: '#customFields.username#', mail: '#customFields.email#' },
  },
  run: (input, ctx): Promise<DirectoryResult> => settle(input.Action, ctx, () => HANDLERS[input.Action](ctx, input)),
  // Binds with the Application's identity (the host does, on first use) and reads the base DN.
  testConnection: (_input, ctx): Promise<DirectoryResult> =>
    settle('Test Connection', ctx, async () => {
      const info = await ctx.ldap.info();
      const [base] = await ctx.ldap.search({
        base: info.baseDn,
        scope: 'base',
        filter: '(objectClass=*)',
        attributes: ['distinguishedName'],
      });
      if (!base) throw refuse('AH_LDAP_NO_SUCH_OBJECT', { what: 'readable entry', dn: info.baseDn });
      return { dn: base.dn, changes: [], message: `connected to ${info.url}; base DN ${base.dn} is readable` };
    }),
});
