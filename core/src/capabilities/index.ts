// Capabilities: the only doors out of a sandbox. Each lives in its own folder; this file is the front door.
export type { Capability, InvocationScope, InvocationBindings } from './capability.ts';
export { InvocationLog } from './log.ts';
export * from './http/index.ts';
export * from './itsm/index.ts';
export * from './ldap/index.ts';
