// Credentials (the API Credential page): named secrets encrypted at rest, resolved only by host code.
export { CredentialStore, type CredentialStoreOptions } from './credential-store.ts';
export {
  CredentialName,
  CredentialType,
  CredentialCreate,
  CredentialUpdate,
  CredentialSummary,
  CredentialBinding,
  UrlPrefix,
  NO_BINDING,
  BasicSecret,
  BearerSecret,
  ApiKeySecret,
  secretValues,
  type ResolvedCredential,
  type SecretOf,
} from './schemas.ts';
export {
  loadMasterKey,
  saveMasterKey,
  generateMasterKey,
  MASTER_KEY_FILE,
  type LoadMasterKeyOptions,
} from './master-key.ts';
export { keyIdOf } from './crypto.ts';
export { CredentialErrors } from './errors.ts';
