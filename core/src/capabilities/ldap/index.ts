// The ldap capability's front door: the factory, the Application shape it connects with, its error codes.
export { createLdapCapability, type LdapCapabilityOptions } from './capability.ts';
export type { ApplicationResolver, LdapApplication, LdapRelay, RelayedOperation } from './application.ts';
export { LdapExecutor, LDAP_OPERATIONS } from './executor.ts';
export { generateInitialPassword, type InitialPasswordVault } from './passwords.ts';
export { LdapErrors } from './errors.ts';
export { guidToString, sidToString } from './entries.ts';
