// The plugin contract: manifest schema, ABI types, error type and the sdk's error table. Depends on nothing of ours.
export * from './errors.ts';
export * from './manifest.ts';
export * from './abi.ts';
export { ContractErrors, SdkErrors } from './error-catalogue.ts';
