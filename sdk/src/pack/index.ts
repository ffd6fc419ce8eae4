// Front door of packing: built plugin folder → deterministic .tgz + sha512 integrity, optionally signed by its
// publisher (ed25519; the format is in signature.ts and sdk/README.md).
export { packPlugin, integrityOf, tarballName, type PackOptions, type PackResult } from './pack.ts';
export { createTgz, createTar, type TarEntry } from './tar.ts';
export { PackErrors } from './errors.ts';
export {
  SIGNATURE_FILE,
  SIGNATURE_FORMAT,
  SignatureFile,
  signedStatement,
  signPackage,
  checkPackageSignature,
  type PackageSignature,
} from './signature.ts';
export {
  keyIdOf,
  describePublicKey,
  parsePublicKey,
  readSigningKey,
  generateKeyPairFiles,
  type PublicKeyInfo,
  type KeyPairFiles,
} from './keys.ts';
export {
  SIGNING_KEY_SETTING,
  FIRST_PARTY_KEY,
  signFirstPartyPlugins,
  signingDirOf,
  firstPartyPluginFolders,
  type FirstPartyLayout,
  type SignedFirstParty,
} from './first-party.ts';
