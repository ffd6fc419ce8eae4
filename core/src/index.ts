// @actionhost/core: the host. Front door for the other packages and the CLI.
export * from './sandbox/index.ts';
export type { Capability, InvocationScope, InvocationBindings } from './capabilities/index.ts';
export { Store } from './store/index.ts';
