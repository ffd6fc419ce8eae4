// Signing the first-party plugins at build time (`npm run build`, `prepare`): each plugin folder is packed and signed
// with the operator's key (ACTIONHOST_SIGNING_KEY) or, without one, a key generated once in <plugins>/.signing/
// (git-ignored: no private key is ever committed). The public key is written next to it for the host, which trusts
// it on its first start.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { text, type Setting } from '../cli/kit/index.ts';
import { writeFileAtomic } from '../plugin-build/output.ts';
import { describePublicKey, generateKeyPairFiles, readSigningKey } from './keys.ts';
import { packPlugin, type PackResult } from './pack.ts';

export const SIGNING_KEY_SETTING = {
  env: 'ACTIONHOST_SIGNING_KEY',
  value: text(),
  description:
    'build step only (npm run build, prepare): the ed25519 private key file (PKCS#8 PEM, mode 0600) the first-party ' +
    'plugins are signed with; without it a key is generated once in plugins/.signing/ (git-ignored). The host ' +
    'trusts plugins/.signing/first-party.pub on its first start',
} as const satisfies Setting<string>;

/** File names inside the signing folder. */
export const FIRST_PARTY_KEY = { privateKey: 'first-party.key', publicKey: 'first-party.pub' } as const;

export interface FirstPartyLayout {
  /** The folder holding one folder per first-party plugin (each with src/plugin.ts) */
  pluginsDir: string;
  /** Where the generated key pair and the public key live (default <pluginsDir>/.signing) */
  signingDir?: string;
  /** Where the signed tarballs go (default: each plugin's dist/) */
  outDir?: string;
}

export interface SignedFirstParty {
  keyId: string;
  publicKeyFile: string;
  /** Whether this run generated the key pair */
  generated: boolean;
  plugins: PackResult[];
}

export function signingDirOf(layout: FirstPartyLayout): string {
  return resolve(layout.signingDir ?? join(layout.pluginsDir, '.signing'));
}

export async function firstPartyPluginFolders(pluginsDir: string): Promise<string[]> {
  const folders: string[] = [];
  for (const entry of (await readdir(pluginsDir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = join(pluginsDir, entry.name);
    if (
      await stat(join(dir, 'src', 'plugin.ts')).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      folders.push(dir);
  }
  return folders;
}

async function signingKey(
  signingDir: string,
  keyFile: string | undefined,
): Promise<{ key: KeyObject; generated: boolean }> {
  if (keyFile !== undefined) return { key: await readSigningKey(keyFile), generated: false };
  const generatedKey = join(signingDir, FIRST_PARTY_KEY.privateKey);
  if (
    await stat(generatedKey).then(
      () => true,
      () => false,
    )
  )
    return { key: await readSigningKey(generatedKey), generated: false };
  const pair = await generateKeyPairFiles(signingDir, 'first-party');
  return { key: await readSigningKey(pair.privateKeyFile), generated: true };
}

/** Packs and signs every first-party plugin; `keyFile` is the operator's key (else one is generated or reused). */
export async function signFirstPartyPlugins(
  layout: FirstPartyLayout,
  options: { keyFile?: string; onProgress?: (message: string) => void } = {},
): Promise<SignedFirstParty> {
  const signingDir = signingDirOf(layout);
  const { key, generated } = await signingKey(signingDir, options.keyFile);
  const { keyId } = describePublicKey(key);
  // The public key the host will trust always matches the key that signed, whichever that was.
  const publicKeyFile = join(signingDir, FIRST_PARTY_KEY.publicKey);
  const pem = createPublicKey(key).export({ format: 'pem', type: 'spki' }).toString();
  if ((await readFile(publicKeyFile, 'utf8').catch(() => '')) !== pem) await writeFileAtomic(publicKeyFile, pem);
  const plugins: PackResult[] = [];
  for (const dir of await firstPartyPluginFolders(resolve(layout.pluginsDir))) {
    options.onProgress?.(`packing and signing ${dir}`);
    plugins.push(
      await packPlugin(dir, { sign: key, ...(layout.outDir === undefined ? {} : { outDir: layout.outDir }) }),
    );
  }
  return { keyId, publicKeyFile, generated, plugins };
}
