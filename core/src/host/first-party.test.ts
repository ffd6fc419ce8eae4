// First-party plugins ship signed: the build step signs each with a generated (git-ignored) or supplied key, and a
// host trusts that key on its first start, so its own plugins install as trusted even where only trusted signatures
// are accepted. Real plugin folders, real tarballs, real registry.db.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginStore } from '@actionhost/registry';
import { FIRST_PARTY_KEY, generateKeyPairFiles, parsePublicKey, signFirstPartyPlugins } from '@actionhost/sdk';
import { FIRST_PARTY_PLUGINS_DIR, FIRST_PARTY_PUBLISHER, installFirstPartyPlugins } from './first-party.ts';

const ROOT = join(FIRST_PARTY_PLUGINS_DIR, '..');
const SCRIPT = join(ROOT, 'sdk', 'src', 'pack', 'sign-first-party.ts');
const NAMES = ['@actionhost/active-directory', '@actionhost/ci-linking', '@actionhost/run-webhook'];

let work: string;
let built: Awaited<ReturnType<typeof signFirstPartyPlugins>>;
const layout = () => ({
  pluginsDir: FIRST_PARTY_PLUGINS_DIR,
  signingDir: join(work, 'signing'),
  outDir: join(work, 'signed'),
});

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ah-first-party-'));
  built = await signFirstPartyPlugins(layout());
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const quiet = () => undefined;

/** The command lines of this process's child processes. */
function childCommands(): string[] {
  return readdirSync(`/proc/${process.pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8')
      .split(/\s+/)
      .filter(Boolean)
      .flatMap((pid) => {
        try {
          return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')];
        } catch {
          return []; // exited meanwhile
        }
      }),
  );
}

describe('signing the first-party plugins at build', () => {
  it('generates a key once, owner-only, and signs every plugin with it', async () => {
    expect(built.generated).toBe(true);
    expect(statSync(join(work, 'signing', FIRST_PARTY_KEY.privateKey)).mode & 0o777).toBe(0o600);
    expect(parsePublicKey(readFileSync(built.publicKeyFile, 'utf8')).keyId).toBe(built.keyId);
    expect(built.plugins.map((plugin) => [plugin.name, plugin.signedBy?.keyId])).toEqual(
      NAMES.map((name) => [name, built.keyId]),
    );
    const again = await signFirstPartyPlugins(layout());
    expect(again.generated).toBe(false);
    expect(again.plugins.map((plugin) => plugin.integrity)).toEqual(built.plugins.map((plugin) => plugin.integrity));
  });

  it('keeps private keys out of git: the generated key is ignored and no tracked file holds one', () => {
    const ignored = execFileSync('git', ['check-ignore', 'plugins/.signing/first-party.key', 'any/where/acme.key'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(ignored.trim().split('\n')).toHaveLength(2);
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    const withKeys = tracked.filter((file) => {
      try {
        return /-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/=]{32,}/.test(readFileSync(join(ROOT, file), 'utf8'));
      } catch {
        return false; // deleted in the work tree
      }
    });
    expect(withKeys).toEqual([]);
  });

  it("is the build script, which signs with the operator's key from ACTIONHOST_SIGNING_KEY when given", async () => {
    const plugins = join(work, 'script-plugins');
    cpSync(join(FIRST_PARTY_PLUGINS_DIR, 'ci-linking', 'src'), join(plugins, 'ci-linking', 'src'), { recursive: true });
    cpSync(join(FIRST_PARTY_PLUGINS_DIR, 'ci-linking', 'package.json'), join(plugins, 'ci-linking', 'package.json'));
    const operator = await generateKeyPairFiles(join(work, 'operator'), 'operator');
    const output = execFileSync(process.execPath, [SCRIPT, plugins], {
      env: { ...process.env, ACTIONHOST_SIGNING_KEY: operator.privateKeyFile },
      encoding: 'utf8',
    });
    expect(output).toContain(`key ${operator.keyId}`);
    expect(output).toMatch(/signed @actionhost\/ci-linking@\d+\.\d+\.\d+ .*actionhost-ci-linking-.*\.tgz/);
    const publicKey = readFileSync(join(plugins, '.signing', FIRST_PARTY_KEY.publicKey), 'utf8');
    expect(parsePublicKey(publicKey).keyId).toBe(operator.keyId);
    expect(() => statSync(join(plugins, '.signing', FIRST_PARTY_KEY.privateKey))).toThrow();
  }, 120_000);
});

describe('a host installing its first-party plugins', () => {
  it('trusts the build key on its first start and installs them as trusted under the trusted policy', async () => {
    const data = join(work, 'data-trusted');
    let store = await PluginStore.open(data, { signatures: 'trusted' });
    try {
      const installed = await installFirstPartyPlugins(store, quiet, layout());
      expect(installed.map((id) => id.replace(/@[^@]+$/, ''))).toEqual(NAMES);
      expect((await store.list()).map((plugin) => [plugin.name, plugin.signature])).toEqual(
        NAMES.map((name) => [name, { status: 'trusted', keyId: built.keyId, publisher: FIRST_PARTY_PUBLISHER }]),
      );
      expect(await store.trustedKeys()).toEqual([
        expect.objectContaining({ keyId: built.keyId, addedBy: 'host:first-party' }),
      ]);
      await store.distrust(built.keyId);
      await store.close();
      // An admin removed the key: a later start does not add it back.
      store = await PluginStore.open(data);
      const messages: string[] = [];
      expect(await installFirstPartyPlugins(store, (message) => messages.push(message), layout())).toEqual([]);
      expect(await store.trustedKeys()).toEqual([]);
      expect(messages.join('\n')).toContain('does not trust');
    } finally {
      await store.close();
    }
  });

  it('builds a plugin from its folder, unsigned, when its signed tarball is older than its sources', async () => {
    const plugins = join(work, 'stale-plugins');
    cpSync(join(FIRST_PARTY_PLUGINS_DIR, 'ci-linking', 'src'), join(plugins, 'ci-linking', 'src'), { recursive: true });
    cpSync(join(FIRST_PARTY_PLUGINS_DIR, 'ci-linking', 'package.json'), join(plugins, 'ci-linking', 'package.json'));
    const stale = { pluginsDir: plugins, signingDir: join(work, 'signing'), outDir: join(work, 'stale-signed') };
    await signFirstPartyPlugins(stale);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(plugins, 'ci-linking', 'src', 'plugin.ts'), later, later);

    const strict = await PluginStore.open(join(work, 'data-stale-strict'), { signatures: 'trusted' });
    try {
      await expect(installFirstPartyPlugins(strict, quiet, stale)).rejects.toMatchObject({
        code: 'AH_SIGNATURE_MISSING',
      });
    } finally {
      await strict.close();
    }
    const lenient = await PluginStore.open(join(work, 'data-stale'));
    try {
      await installFirstPartyPlugins(lenient, quiet, stale);
      expect((await lenient.list()).map((plugin) => plugin.signature.status)).toEqual(['unsigned']);
      // The build tool it used for that is not left running in the host (stopping it signals the process, which
      // then takes a moment to exit).
      const esbuild = () => childCommands().filter((command) => command.includes('esbuild'));
      for (let tries = 0; tries < 100 && esbuild().length > 0; tries++) await new Promise((r) => setTimeout(r, 100));
      expect(esbuild()).toEqual([]);
    } finally {
      await lenient.close();
    }
  }, 120_000);
});
