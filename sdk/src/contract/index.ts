// The plugin contract: manifest schema, ABI types, error type. Depends on nothing of ours.
export * from './errors.ts';
export * from './manifest.ts';
export * from './abi.ts';
