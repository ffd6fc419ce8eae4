// packPlugin: a built plugin folder → a deterministic <name>-<version>.tgz with its sha512 integrity, signed with
// the publisher's ed25519 key when asked. Builds first when plugin.json or the guest script is missing or older
// than the sources.
import { createHash, type KeyObject } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PluginManifest } from '../contract/index.ts';
import { buildPlugin } from '../plugin-build/index.ts';
import { writeFileAtomic } from '../plugin-build/output.ts';
import { PackErrors } from './errors.ts';
import { createTgz, type TarEntry } from './tar.ts';
import { readSigningKey } from './keys.ts';
import { SIGNATURE_FILE, checkPackageSignature, signPackage } from './signature.ts';

export interface PackOptions {
  /** Where the .tgz goes; defaults to `<dir>/dist`. */
  outDir?: string;
  signal?: AbortSignal;
  /** Sign with this ed25519 private key (a KeyObject, or the path of its PKCS#8 PEM file, mode 0600). */
  sign?: KeyObject | string;
}

export interface PackResult {
  /** Absolute path of the .tgz */
  file: string;
  name: string;
  version: string;
  /** "sha512-<base64>" of the tarball bytes */
  integrity: string;
  bytes: number;
  /** The signing key's id and public key ("ed25519:<base64>") when signed */
  signedBy?: { keyId: string; publicKey: string };
}

/** Subresource-integrity string of a tarball, as npm and the registry write it. */
export function integrityOf(bytes: Uint8Array): string {
  return 'sha512-' + createHash('sha512').update(bytes).digest('base64');
}

/** "@acme/run-webhook" + "1.4.0" → "acme-run-webhook-1.4.0.tgz" (npm's naming). */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replaceAll('/', '-')}-${version}.tgz`;
}

async function modifiedAt(file: string): Promise<number | undefined> {
  return stat(file).then(
    (s) => s.mtimeMs,
    () => undefined,
  );
}

async function newestSource(dir: string): Promise<number> {
  let newest = (await modifiedAt(join(dir, 'package.json'))) ?? 0;
  const entries = await readdir(join(dir, 'src'), { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, (await modifiedAt(join(entry.parentPath, entry.name))) ?? 0);
  }
  return newest;
}

async function needsBuild(dir: string): Promise<boolean> {
  const manifestAt = await modifiedAt(join(dir, 'plugin.json'));
  const entryAt = await modifiedAt(join(dir, 'dist', 'plugin.js'));
  if (manifestAt === undefined || entryAt === undefined) return true;
  return (await newestSource(dir)) > Math.min(manifestAt, entryAt);
}

async function readManifest(dir: string): Promise<PluginManifest> {
  const file = join(dir, 'plugin.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw PackErrors.manifestInvalid(file, `cannot be read as JSON: ${(error as Error).message}`);
  }
  const parsed = PluginManifest.safeParse(json);
  if (!parsed.success) {
    throw PackErrors.manifestInvalid(
      file,
      parsed.error.issues.map((i) => `/${i.path.join('/')}: ${i.message}`).join('; '),
      parsed.error.issues,
    );
  }
  return parsed.data;
}

async function packageFile(dir: string, relative: string): Promise<TarEntry> {
  try {
    return { path: `package/${relative}`, data: new Uint8Array(await readFile(join(dir, relative))) };
  } catch {
    throw PackErrors.fileMissing(dir, relative);
  }
}

export async function packPlugin(dir: string, options: PackOptions = {}): Promise<PackResult> {
  const root = resolve(dir);
  // The key is read before anything is built: a bad key fails fast and leaves no half-done output.
  const key = typeof options.sign === 'string' ? await readSigningKey(options.sign) : options.sign;
  if (await needsBuild(root)) await buildPlugin(root, { signal: options.signal });
  options.signal?.throwIfAborted();
  const manifest = await readManifest(root);

  const files = new Set(['plugin.json', manifest.entry, ...Object.values(manifest.mappings)]);
  const entries = await Promise.all([...files].map((file) => packageFile(root, file)));
  if (
    await stat(join(root, 'README.md')).then(
      (s) => s.isFile(),
      () => false,
    )
  ) {
    entries.push(await packageFile(root, 'README.md'));
  }
  let signedBy: PackResult['signedBy'];
  if (key) {
    const files = entries.map((entry): [string, Uint8Array] => [entry.path.slice('package/'.length), entry.data]);
    if (files.some(([path]) => path === SIGNATURE_FILE)) {
      throw PackErrors.manifestInvalid(join(root, 'plugin.json'), `${SIGNATURE_FILE} is reserved for the signature`);
    }
    const signature = signPackage(manifest.name, manifest.version, files, key);
    entries.push({ path: `package/${SIGNATURE_FILE}`, data: signature });
    const check = checkPackageSignature(new Map([...files, [SIGNATURE_FILE, signature]]), manifest);
    if (check.status === 'valid') signedBy = { keyId: check.keyId, publicKey: check.publicKey };
  }
  const tgz = createTgz(entries);
  const file = join(resolve(options.outDir ?? join(root, 'dist')), tarballName(manifest.name, manifest.version));
  await writeFileAtomic(file, tgz);
  return {
    file,
    name: manifest.name,
    version: manifest.version,
    integrity: integrityOf(tgz),
    bytes: tgz.length,
    ...(signedBy ? { signedBy } : {}),
  };
}
