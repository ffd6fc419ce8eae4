// The codes this plugin gives its failure path itself (besides the host's AH_LDAP_* codes it passes on), with their
// message templates; plugins/active-directory/ERRORS.md is generated from it. Plain data: it is bundled for the sandbox.
import type { ErrorCatalogue, ErrorTable } from '@actionhost/sdk';

export const directoryErrors = {
  AH_AD_INPUT_REQUIRED: {
    status: 400,
    message: '{action} needs {keys}',
    description:
      "The Action lacks an input key it needs (e.g. Create New User: Username; Get User: Username, mail or User Principal Name; Search Users: Search); map it in the node's Input Mappings.",
  },
  AH_AD_INPUT_INVALID: {
    status: 400,
    message: '"{key}" {problem}',
    description:
      'A DN input (Base DN, Group DN, Target OU) is not a distinguished name, Attribute is not an attribute name (or one another Action owns), Attributes names one Get User cannot read, Search names an attribute that cannot be searched or has an empty value, or Get User got more than one way to find the user.',
  },
  AH_AD_AMBIGUOUS: {
    status: 409,
    message: 'more than one user with sAMAccountName "{username}" under {base}',
    description: 'Two entries share the sAMAccountName under the search base; narrow the Base DN or fix the directory.',
  },
  AH_AD_NOT_A_GROUP: {
    status: 400,
    message: '{dn} is not a group',
    description: 'Group DN names an entry that is not a group; map the DN of the group.',
  },
  AH_LDAP_ALREADY_EXISTS: {
    status: 409,
    message: 'a user with sAMAccountName "{username}" already exists',
    description: 'Create New User found the sAMAccountName taken (checked before creating); pick another Username.',
  },
  AH_LDAP_NO_SUCH_OBJECT: {
    status: 404,
    message: 'no {what} found under {dn}',
    description:
      'No user with that sAMAccountName under the Base DN (or the entry just written, or the base DN itself, cannot be read).',
  },
} as const satisfies ErrorTable;

export type DirectoryErrorCode = keyof typeof directoryErrors;

export const errorCatalogue: ErrorCatalogue = {
  package: '@actionhost/active-directory',
  intro:
    "The plugin's refusals take the **failure** path with `{ action, error: { code, message }, changes: [] }`: its " +
    "own, below, and any code of the host's ldap capability the directory answered with (core/ERRORS.md, " +
    '"Capability: ldap"), the usual ones listed last. The status is the one the code has as an error.',
  sections: [{ title: 'Failure path codes of its own', errors: directoryErrors }],
  handles: {
    AH_LDAP_PASSWORD_POLICY: "Passed on to the failure path: the password does not meet the domain's policy.",
    AH_LDAP_INSUFFICIENT_RIGHTS: "Passed on to the failure path: the Application's bind identity may not do this.",
    AH_LDAP_OUT_OF_SCOPE: "Passed on to the failure path: a DN input is outside the Application's base DN.",
    AH_LDAP_UNREACHABLE: 'Passed on to the failure path: the DC cannot be reached (connect, TLS, timeout).',
    AH_LDAP_INVALID_CREDENTIALS: "Passed on to the failure path: the Application's bind identity was refused.",
    AH_LDAP_ERROR: "Passed on to the failure path: any other LDAP refusal (the message carries AD's diagnostic).",
  },
};
