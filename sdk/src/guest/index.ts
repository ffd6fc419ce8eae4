// What `@actionhost/sdk` resolves to inside the guest bundle: definePlugin (an identity function) and pure
// helpers — never zod, semver or a Node built-in, so a plugin's sandbox script stays a few KB.
export { definePlugin, type PluginDefinition, type ContextFor } from '../define/define.ts';
export { ActionhostError, isActionhostError, formatErrorMessage } from '../contract/errors.ts';
export type { ErrorCatalogue, ErrorTable, MessageParams } from '../contract/errors.ts';
export { CAPABILITY_METHODS } from '../contract/abi.ts';
export type * from '../contract/abi.ts';
export * from './helpers.ts';
// LDAP DN and filter escaping (sdk/src/ldap), dependency-free, for directory plugins.
export * from '../ldap/index.ts';
