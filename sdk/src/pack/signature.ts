// Publisher signatures inside a plugin package: package/actionhost-signature.json holds an ed25519 signature over a
// statement listing the package's name, version and the sha256 of every other file. The tarball stays one file
// (an upload, `registry serve` and a copy carry it whole) and stays deterministic (ed25519 signatures are).
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { describePublicKey, keyIdOf, publicKeyFromRaw, type PublicKeyInfo } from './keys.ts';

/** The signature's path inside package/. */
export const SIGNATURE_FILE = 'actionhost-signature.json';
export const SIGNATURE_FORMAT = 'actionhost-signature/1';

/** package/actionhost-signature.json */
export const SignatureFile = z
  .object({
    format: z.literal(SIGNATURE_FORMAT),
    algorithm: z.literal('ed25519'),
    keyId: z.string().regex(/^[0-9a-f]{32}$/),
    /** "ed25519:<base64 of the 32 raw bytes>" */
    publicKey: z.string().regex(/^ed25519:[A-Za-z0-9+/]{43}=$/),
    /** base64 of the 64-byte signature over signedStatement(...) */
    signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
  })
  .strict();
export type SignatureFile = z.infer<typeof SignatureFile>;

/**
 * What is signed, as UTF-8 text: the format line, `name <name>`, `version <version>`, then one `file <sha256 hex>
 * <path>` line per file of package/ except the signature itself, sorted by the UTF-8 bytes of the path; each line
 * ends with "\n". Paths are relative to package/ (tarball rules forbid newlines in them).
 */
export function signedStatement(
  name: string,
  version: string,
  files: Iterable<[path: string, data: Uint8Array]>,
): Buffer {
  const lines = [...files]
    .filter(([path]) => path !== SIGNATURE_FILE)
    .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map(([path, data]) => `file ${createHash('sha256').update(data).digest('hex')} ${path}\n`);
  return Buffer.from(`${SIGNATURE_FORMAT}\nname ${name}\nversion ${version}\n${lines.join('')}`, 'utf8');
}

/** The signature file (as bytes, ready to go into the tarball) for a package's files. */
export function signPackage(
  name: string,
  version: string,
  files: Iterable<[path: string, data: Uint8Array]>,
  privateKey: KeyObject,
): Uint8Array {
  const signature = sign(null, signedStatement(name, version, files), privateKey);
  const file: SignatureFile = {
    format: SIGNATURE_FORMAT,
    algorithm: 'ed25519',
    ...describePublicKey(privateKey),
    signature: signature.toString('base64'),
  };
  return new TextEncoder().encode(JSON.stringify(file, null, 2) + '\n');
}

export type PackageSignature =
  | { status: 'unsigned' }
  | { status: 'invalid'; reason: string; keyId?: string }
  | ({ status: 'valid' } & PublicKeyInfo);

/**
 * Checks a package's signature against its files (paths relative to package/), never trusting the file's own
 * claims: the key id is recomputed and the statement rebuilt from the files as they are. Who may sign is the
 * trust store's business, not this function's.
 */
export function checkPackageSignature(
  files: ReadonlyMap<string, Uint8Array>,
  manifest: { name: string; version: string },
): PackageSignature {
  const data = files.get(SIGNATURE_FILE);
  if (data === undefined) return { status: 'unsigned' };
  let parsed: SignatureFile;
  try {
    const result = SignatureFile.safeParse(JSON.parse(Buffer.from(data).toString('utf8')));
    if (!result.success) return { status: 'invalid', reason: `${SIGNATURE_FILE} is not an ${SIGNATURE_FORMAT} file` };
    parsed = result.data;
  } catch {
    return { status: 'invalid', reason: `${SIGNATURE_FILE} is not JSON` };
  }
  const raw = Buffer.from(parsed.publicKey.slice('ed25519:'.length), 'base64');
  const key = publicKeyFromRaw(raw);
  if (!key) return { status: 'invalid', reason: 'its public key is not an ed25519 key' };
  if (keyIdOf(raw) !== parsed.keyId) return { status: 'invalid', reason: 'its key id does not match its public key' };
  const statement = signedStatement(manifest.name, manifest.version, files);
  if (!verify(null, statement, key, Buffer.from(parsed.signature, 'base64'))) {
    return {
      status: 'invalid',
      keyId: parsed.keyId,
      reason: 'the signature does not match the package contents (changed after signing)',
    };
  }
  return { status: 'valid', keyId: parsed.keyId, publicKey: parsed.publicKey };
}
