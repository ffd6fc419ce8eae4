// Publisher signatures at install and verify, against real signed tarballs and a real registry.db: a signature that
// does not verify never installs; the `trusted` policy admits only packages a key in the trust store signed; verify
// checks the stored package again against the trust store as it is now.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginStore } from '../index.ts';
import { BACKENDS, testIndex, type TestIndex } from '../testing/backends.ts';
import { snapshot, tempDir } from '../testing/data-folder.ts';
import { publisherKey, signedTarball, validTarball } from '../testing/tarballs.ts';

describe.each(BACKENDS)('publisher signatures, on the %s index', (backend) => {
  let data: ReturnType<typeof tempDir>;
  let store: PluginStore;
  let index: TestIndex;
  const acme = publisherKey();

  beforeEach(async () => {
    data = tempDir();
    index = await testIndex(backend);
    store = await PluginStore.open(data.path, { database: index.database });
  });

  afterEach(async () => {
    await store.close();
    await index.drop();
    data[Symbol.dispose]();
  });

  async function strictStore(): Promise<PluginStore> {
    await store.close();
    store = await PluginStore.open(data.path, { signatures: 'trusted', database: index.database });
    return store;
  }

  describe('signatures at install', () => {
    it('reports a signed package untrusted until its key is trusted, and an unsigned one unsigned', async () => {
      const signed = await store.install({ tarball: signedTarball(acme.privateKey) });
      expect(signed.signature).toEqual({ status: 'untrusted', keyId: acme.keyId, publisher: null });
      expect((await store.install({ tarball: validTarball({ version: '2.0.0' }) })).signature.status).toBe('unsigned');
      expect(await store.trust(acme.pem, 'ACME Corp', 'test')).toMatchObject({
        added: true,
        key: { keyId: acme.keyId, publicKey: acme.publicKey, publisher: 'ACME Corp', addedBy: 'test' },
      });
      expect((await store.get('@acme/echo', '1.0.0')).signature).toEqual({
        status: 'trusted',
        keyId: acme.keyId,
        publisher: 'ACME Corp',
      });
      await store.distrust(acme.keyId);
      expect((await store.get('@acme/echo', '1.0.0')).signature.status).toBe('untrusted');
    });

    it('refuses a package changed after signing, whatever the policy, and leaves the data folder as it was', async () => {
      await store.trust(acme.publicKey, 'ACME Corp', 'test');
      const before = snapshot(data.path);
      const cases = [
        signedTarball(acme.privateKey, {}, { 'dist/plugin.js': 'globalThis.plugin = { run: () => steal() };' }),
        signedTarball(acme.privateKey, {}, { 'mappings/extra.json': '{}' }),
        signedTarball(acme.privateKey, {}, { 'README.md': null }),
        signedTarball(acme.privateKey, {}, { 'actionhost-signature.json': '{"format":"actionhost-signature/1"}' }),
      ];
      for (const tarball of cases) {
        await expect(store.install({ tarball })).rejects.toMatchObject({ code: 'AH_SIGNATURE_INVALID' });
      }
      expect(snapshot(data.path)).toEqual(before);
    });

    it('under the trusted policy refuses unsigned and untrusted packages and installs trusted ones', async () => {
      const strict = await strictStore();
      const before = snapshot(data.path);
      await expect(strict.install({ tarball: validTarball() })).rejects.toMatchObject({
        code: 'AH_SIGNATURE_MISSING',
        status: 403,
      });
      await expect(strict.install({ tarball: signedTarball(acme.privateKey) })).rejects.toMatchObject({
        code: 'AH_SIGNATURE_UNTRUSTED',
        details: { keyId: acme.keyId },
      });
      expect(snapshot(data.path).filter((line) => line.includes('plugins/'))).toEqual(
        before.filter((line) => line.includes('plugins/')),
      );
      await strict.trust(acme.pem, 'ACME Corp', 'test');
      const installed = await strict.install({ tarball: signedTarball(acme.privateKey) });
      expect(installed).toMatchObject({
        alreadyInstalled: false,
        signature: { status: 'trusted', publisher: 'ACME Corp' },
      });
    });

    it('treats the same files signed and unsigned as the same version, not a changed one', async () => {
      await store.install({ tarball: validTarball() });
      const again = await store.install({ tarball: signedTarball(acme.privateKey) });
      expect(again).toMatchObject({ alreadyInstalled: true, signature: { status: 'unsigned' } });
      await expect(store.install({ tarball: validTarball({ description: 'changed' }) })).rejects.toMatchObject({
        code: 'AH_VERSION_IMMUTABLE',
      });
    });
  });

  describe('the trust store', () => {
    it('keeps keys by id, adds one key once, and says when a key to remove is unknown', async () => {
      expect((await store.trust(acme.pem, 'ACME Corp', 'a')).added).toBe(true);
      expect(await store.trust(acme.publicKey, 'Someone else', 'b')).toMatchObject({
        added: false,
        key: { publisher: 'ACME Corp', addedBy: 'a' },
      });
      expect((await store.trustedKeys()).map((key) => key.keyId)).toEqual([acme.keyId]);
      await expect(store.trust('ed25519:short', 'x', 'a')).rejects.toMatchObject({
        code: 'AH_PUBLIC_KEY_INVALID',
      });
      await expect(store.distrust('0'.repeat(32))).rejects.toMatchObject({ code: 'AH_TRUSTED_KEY_NOT_FOUND' });
    });

    it('persists in registry.db for the next store on the folder', async () => {
      await store.trust(acme.pem, 'ACME Corp', 'a');
      await store.close();
      store = await PluginStore.open(data.path, { database: index.database });
      expect(await store.trustedKeys()).toEqual([
        expect.objectContaining({ keyId: acme.keyId, publisher: 'ACME Corp' }),
      ]);
    });
  });

  describe('verify', () => {
    it('checks each stored signature again against the trust store as it is now', async () => {
      await store.trust(acme.pem, 'ACME Corp', 'test');
      await store.install({ tarball: signedTarball(acme.privateKey) });
      await store.install({ tarball: validTarball({ version: '2.0.0' }) });
      expect((await store.verify()).map((report) => [report.version, report.ok, report.signature.status])).toEqual([
        ['1.0.0', true, 'trusted'],
        ['2.0.0', true, 'unsigned'],
      ]);
      await store.distrust(acme.keyId);
      const strict = await strictStore();
      const reports = await strict.verify();
      expect(reports.map((report) => [report.version, report.ok, report.signature.status])).toEqual([
        ['1.0.0', false, 'untrusted'],
        ['2.0.0', false, 'unsigned'],
      ]);
    });

    it('reports a stored package whose signature no longer matches its files', async () => {
      await store.install({ tarball: signedTarball(acme.privateKey) });
      const { dir } = await store.get('@acme/echo', '1.0.0');
      writeFileSync(
        join(dir, 'package.tgz'),
        signedTarball(acme.privateKey, {}, { 'dist/plugin.js': 'globalThis.plugin = { run: () => steal() };' }),
      );
      const [report] = await store.verify();
      expect(report.ok).toBe(false);
      expect(report.signature.status).toBe('invalid');
      expect(report.problems.join('\n')).toContain('signature');
    });
  });
});
