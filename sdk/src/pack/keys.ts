// Publisher keys (ed25519, node:crypto): a private key is a PKCS#8 PEM file readable by its owner only (what
// `actionhost-sdk keygen` and `openssl genpkey -algorithm ed25519` write); a public key is an SPKI PEM file or the
// one-line form "ed25519:<base64 of the 32 raw bytes>". A key is named by its id: hex of sha256(raw key)[0..16).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SdkErrors } from '../contract/index.ts';

const ONE_LINE = /^ed25519:([A-Za-z0-9+/]{43}=)$/;

/** A publisher's public key in the forms the signature file, the trust store and the API use. */
export interface PublicKeyInfo {
  /** hex of the first 16 bytes of sha256(raw key): how signatures and the trust store name a key */
  keyId: string;
  /** "ed25519:<base64 of the 32 raw bytes>" */
  publicKey: string;
}

export function keyIdOf(raw: Uint8Array): string {
  return createHash('sha256').update(raw).digest('hex').slice(0, 32);
}

/** The 32 raw bytes of an ed25519 public (or private: its public half) key. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

export function describePublicKey(key: KeyObject): PublicKeyInfo {
  const raw = rawPublicKey(key);
  return { keyId: keyIdOf(raw), publicKey: `ed25519:${raw.toString('base64')}` };
}

/** The KeyObject of 32 raw public key bytes; undefined when they are not an ed25519 key. */
export function publicKeyFromRaw(raw: Uint8Array): KeyObject | undefined {
  if (raw.length !== 32) return undefined;
  try {
    return createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return undefined;
  }
}

/** Reads a public key given as SPKI PEM text or "ed25519:<base64>"; AH_PUBLIC_KEY_INVALID otherwise. */
export function parsePublicKey(text: string): { key: KeyObject } & PublicKeyInfo {
  const trimmed = text.trim();
  const oneLine = ONE_LINE.exec(trimmed);
  let key: KeyObject | undefined;
  if (oneLine) key = publicKeyFromRaw(Buffer.from(oneLine[1], 'base64'));
  else if (trimmed.startsWith('-----BEGIN PUBLIC KEY-----')) {
    try {
      key = createPublicKey(trimmed);
    } catch {
      key = undefined;
    }
  } else if (trimmed.includes('PRIVATE KEY')) {
    throw SdkErrors.AH_PUBLIC_KEY_INVALID({ reason: 'this is a private key: give the .pub file' });
  }
  if (!key || key.asymmetricKeyType !== 'ed25519') {
    throw SdkErrors.AH_PUBLIC_KEY_INVALID({
      reason: 'expected a PEM "BEGIN PUBLIC KEY" block of an ed25519 key or "ed25519:<base64 of 32 bytes>"',
    });
  }
  return { key, ...describePublicKey(key) };
}

/** Reads the private key a package is signed with; refuses a file other users can read, as ssh does. */
export async function readSigningKey(file: string): Promise<KeyObject> {
  const path = resolve(file);
  const invalid = (reason: string) => SdkErrors.AH_SIGNING_KEY_INVALID({ file: path, reason }, { path });
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw invalid('no such file');
  if ((info.mode & 0o077) !== 0) {
    throw invalid(`it is readable by other users (mode ${(info.mode & 0o777).toString(8)}); chmod 600 it`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(await readFile(path, 'utf8'));
  } catch {
    throw invalid('not a private key in PKCS#8 PEM ("BEGIN PRIVATE KEY")');
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw invalid(`it is an ${key.asymmetricKeyType ?? 'unknown'} key, not ed25519`);
  return key;
}

export interface KeyPairFiles extends PublicKeyInfo {
  /** <out>/<name>.key: PKCS#8 PEM, mode 0600 */
  privateKeyFile: string;
  /** <out>/<name>.pub: SPKI PEM */
  publicKeyFile: string;
}

/** Writes a new key pair as <out>/<name>.key (0600) and <out>/<name>.pub; never overwrites either. */
export async function generateKeyPairFiles(out: string, name: string): Promise<KeyPairFiles> {
  const dir = resolve(out);
  const privateKeyFile = join(dir, `${name}.key`);
  const publicKeyFile = join(dir, `${name}.pub`);
  for (const file of [privateKeyFile, publicKeyFile]) {
    if (
      await stat(file).then(
        () => true,
        () => false,
      )
    )
      throw SdkErrors.AH_KEYGEN_TARGET_EXISTS({ file }, { path: file });
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const write = async (file: string, text: string, mode: number) => {
    const handle = await open(file, 'wx', mode);
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
  };
  await write(privateKeyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 0o600);
  try {
    await write(publicKeyFile, publicKey.export({ format: 'pem', type: 'spki' }).toString(), 0o644);
  } catch (error) {
    await rm(privateKeyFile, { force: true });
    throw error;
  }
  return { privateKeyFile, publicKeyFile, ...describePublicKey(publicKey) };
}
