// The ldap capability's front door: the factory, the Application shape it connects with, its error codes.
export { createLdapCapability, type LdapCapabilityOptions } from './capability.ts';
export type { ApplicationResolver, LdapApplication } from './application.ts';
export { LdapErrors } from './errors.ts';
export { guidToString, sidToString } from './entries.ts';
