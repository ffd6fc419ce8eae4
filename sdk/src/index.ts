// @actionhost/sdk: what a plugin author imports.
export * from './contract/index.ts';
export * from './define/index.ts';
export * from './guest/helpers.ts';
export * from './plugin-build/index.ts';
export * from './pack/index.ts';
export * from './ldap/index.ts';
