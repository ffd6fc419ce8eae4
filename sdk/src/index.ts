// @actionhost/sdk: what a plugin author imports.
export * from './contract/index.ts';
export * from './define/index.ts';
