// The first-party plugins a host starts with: installed through the registry like any package, from the tarballs the
// build signed (`npm run build`/`prepare`, sdk/src/pack/sign-first-party.ts), and the build's public key trusted on the
// data folder's first start. A plugin whose signed tarball is missing or older than its sources is built from its
// folder instead (unsigned: a host that requires trusted signatures then refuses it, and says to run the build).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PluginStore } from '@actionhost/registry';
import {
  FIRST_PARTY_KEY,
  parsePublicKey,
  signingDirOf,
  stopBundler,
  tarballName,
  type FirstPartyLayout,
} from '@actionhost/sdk';

export const FIRST_PARTY_PLUGINS_DIR = fileURLToPath(new URL('../../../plugins/', import.meta.url));

/** Who the trust store and approvals name for what the host installs of its own. */
export const FIRST_PARTY_ACTOR = 'host:first-party';
export const FIRST_PARTY_PUBLISHER = 'actionhost first-party plugins';
/** The registry note that records the first-party key trusted on first start (it is offered once, never again). */
const TRUSTED_NOTE = 'first-party-key';

function newestSource(dir: string): number {
  let newest = statSync(join(dir, 'package.json')).mtimeMs;
  for (const entry of readdirSync(join(dir, 'src'), { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** The signed tarball of a plugin folder, when the build made one after the last change to its sources. */
function signedTarball(dir: string, name: string, version: string, layout: FirstPartyLayout): string | undefined {
  const file = join(layout.outDir ?? join(dir, 'dist'), tarballName(name, version));
  const made = statSync(file, { throwIfNoEntry: false })?.mtimeMs;
  return made !== undefined && made >= newestSource(dir) ? file : undefined;
}

/**
 * On the first start that finds the build's public key, trusts it; later starts never add it again (an admin who
 * removed it meant it), but say so when the build now signs with a key this data folder does not trust.
 */
async function trustFirstPartyKey(
  plugins: PluginStore,
  layout: FirstPartyLayout,
  progress: (message: string) => void,
): Promise<void> {
  const file = join(signingDirOf(layout), FIRST_PARTY_KEY.publicKey);
  if (!existsSync(file)) return;
  const publicKey = readFileSync(file, 'utf8');
  const trustedBefore = await plugins.note(TRUSTED_NOTE);
  if (trustedBefore === undefined) {
    const { key } = await plugins.trust(publicKey, FIRST_PARTY_PUBLISHER, FIRST_PARTY_ACTOR);
    await plugins.setNote(TRUSTED_NOTE, key.keyId);
    progress(`trusting the first-party signing key ${key.keyId} (${file})`);
    return;
  }
  const current = (await plugins.trustedKeys()).find((key) => key.publicKey === publicKeyLine(publicKey));
  if (!current) {
    progress(
      `the first-party plugins are signed with a key this data folder does not trust (it trusted ${trustedBefore} ` +
        `on its first start); if that is expected: registry trust add ${file} --name "${FIRST_PARTY_PUBLISHER}"`,
    );
  }
}

function publicKeyLine(pem: string): string | undefined {
  try {
    return parsePublicKey(pem).publicKey;
  } catch {
    return undefined;
  }
}

/** Installs every first-party plugin whose current version is not installed yet; returns name@version of each. */
export async function installFirstPartyPlugins(
  plugins: PluginStore,
  progress: (message: string) => void,
  layout: FirstPartyLayout = { pluginsDir: FIRST_PARTY_PLUGINS_DIR },
): Promise<string[]> {
  const installed: string[] = [];
  // An installed @actionhost/core (no checkout around it) has no plugins/ folder: there `registry install` adds them.
  if (!existsSync(layout.pluginsDir)) return installed;
  await trustFirstPartyKey(plugins, layout, progress);
  const present = new Set((await plugins.list()).map((plugin) => `${plugin.name}@${plugin.version}`));
  let builtFromFolder = false;
  try {
    for (const folder of readdirSync(layout.pluginsDir).sort()) {
      const dir = join(layout.pluginsDir, folder);
      if (folder.startsWith('.') || !existsSync(join(dir, 'src', 'plugin.ts'))) continue;
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
      if (present.has(`${pkg.name}@${pkg.version}`)) continue;
      const tarball = signedTarball(dir, pkg.name, pkg.version, layout);
      progress(
        tarball
          ? `installing first-party plugin ${pkg.name}@${pkg.version} (signed at build)`
          : `installing first-party plugin ${pkg.name}@${pkg.version} from its folder, unsigned: run \`npm run build\` to sign it`,
      );
      builtFromFolder ||= !tarball;
      // The host's own plugins are approved by shipping them: what they may reach is reviewed with the code.
      const result = await plugins.install(tarball ?? dir, {
        actor: FIRST_PARTY_ACTOR,
        acceptCapabilities: true,
        channel: 'first-party',
      });
      installed.push(`${result.name}@${result.version}`);
    }
  } finally {
    // A running host keeps no build tool: the esbuild service a folder build started ends here.
    if (builtFromFolder) await stopBundler();
  }
  return installed;
}
