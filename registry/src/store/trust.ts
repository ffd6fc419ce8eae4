// Publisher signatures as the store sees them: the trust store of publisher keys (in the registry index), the status of a
// package's signature against it (trusted, untrusted, unsigned), and the host's policy on what may be installed.
import { z } from 'zod';
import { checkPackageSignature, parsePublicKey, pluginId } from '@actionhost/sdk';
import { RegistryErrors } from '../errors.ts';
import type { Catalog, SignedBy, TrustedKeyRow } from './catalog.ts';

/** `optional`: unsigned and untrusted packages install (a bad signature never does); `trusted`: only trusted ones. */
export const SignaturePolicy = z.enum(['optional', 'trusted']);
export type SignaturePolicy = z.infer<typeof SignaturePolicy>;

/** A package's signature against the trust store as it is now. */
export const SignatureStatus = z.object({
  status: z.enum(['trusted', 'untrusted', 'unsigned']),
  /** The signing key's id (hex); null when unsigned */
  keyId: z.string().nullable(),
  /** The publisher the trust store names for that key; null unless trusted */
  publisher: z.string().nullable(),
});
export type SignatureStatus = z.infer<typeof SignatureStatus>;

/** A publisher key in the trust store. */
export const TrustedKey = z.object({
  keyId: z.string(),
  /** "ed25519:<base64 of the 32 raw bytes>" */
  publicKey: z.string(),
  publisher: z.string(),
  /** Who added it: `token:<name>` (API), `cli:<user>` (registry trust add), `host:first-party` (first start) */
  addedBy: z.string(),
  addedAt: z.string(),
});
export type TrustedKey = z.infer<typeof TrustedKey>;

export async function signatureStatus(signedBy: SignedBy | null, catalog: Catalog): Promise<SignatureStatus> {
  if (signedBy === null) return { status: 'unsigned', keyId: null, publisher: null };
  const trusted = await catalog.trustedKey(signedBy.keyId);
  // The id is derived from the key, but compare the key itself: the trust store holds keys, not names.
  return trusted && trusted.publicKey === signedBy.publicKey
    ? { status: 'trusted', keyId: signedBy.keyId, publisher: trusted.publisher }
    : { status: 'untrusted', keyId: signedBy.keyId, publisher: null };
}

/**
 * Checks the signature of a package about to be installed: a signature that does not verify is always refused; under
 * the `trusted` policy an unsigned package or one signed by a key outside the trust store is refused too.
 */
export async function admitSignature(
  files: ReadonlyMap<string, Uint8Array>,
  manifest: { name: string; version: string },
  catalog: Catalog,
  policy: SignaturePolicy,
): Promise<SignedBy | null> {
  const id = pluginId(manifest.name, manifest.version);
  const check = checkPackageSignature(files, manifest);
  if (check.status === 'invalid') throw RegistryErrors.signatureInvalid(id, check.reason, check.keyId);
  const signedBy = check.status === 'valid' ? { keyId: check.keyId, publicKey: check.publicKey } : null;
  if (policy === 'trusted') {
    const status = await signatureStatus(signedBy, catalog);
    if (status.status === 'unsigned') throw RegistryErrors.signatureMissing(id);
    if (status.status === 'untrusted')
      throw RegistryErrors.signatureUntrusted(id, signedBy!.keyId, signedBy!.publicKey);
  }
  return signedBy;
}

/** Adds a publisher key (SPKI PEM or "ed25519:<base64>"); a key already trusted is returned as it was recorded. */
export async function addTrustedKey(
  catalog: Catalog,
  publicKeyText: string,
  publisher: string,
  addedBy: string,
  clock: () => Date = () => new Date(),
): Promise<{ key: TrustedKey; added: boolean }> {
  const { keyId, publicKey } = parsePublicKey(publicKeyText);
  return await catalog.transaction(async (catalog) => {
    const existing = await catalog.trustedKey(keyId);
    if (existing) return { key: existing, added: false };
    const key: TrustedKeyRow = { keyId, publicKey, publisher, addedBy, addedAt: clock().toISOString() };
    await catalog.addTrustedKey(key);
    return { key, added: true };
  });
}

export async function removeTrustedKey(catalog: Catalog, keyId: string): Promise<void> {
  if (!(await catalog.removeTrustedKey(keyId))) throw RegistryErrors.trustedKeyNotFound(keyId);
}
