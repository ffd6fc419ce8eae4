// Pins protect published versions from removal; verify and readEntry notice a store changed behind their back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginStore } from '../index.ts';
import { BACKENDS, testIndex, type TestIndex } from '../testing/backends.ts';
import { snapshot, tempDir } from '../testing/data-folder.ts';
import { validTarball } from '../testing/tarballs.ts';

describe.each(BACKENDS)('the plugin store, on the %s index', (backend) => {
  let data: ReturnType<typeof tempDir>;
  let store: PluginStore;
  let index: TestIndex;

  beforeEach(async () => {
    data = tempDir();
    index = await testIndex(backend);
    store = await PluginStore.open(data.path, { database: index.database });
    await store.install({ tarball: validTarball({ version: '1.0.0' }) });
    await store.install({ tarball: validTarball({ version: '1.1.0' }) });
  });

  afterEach(async () => {
    await store.close();
    await index.drop();
    data[Symbol.dispose]();
  });

  const caught = async (
    fn: () => unknown,
  ): Promise<{ code?: string; status?: number; details?: Record<string, unknown> } | undefined> => {
    try {
      await fn();
    } catch (error) {
      return error as { code?: string };
    }
    return undefined;
  };

  describe('pins and remove', () => {
    it('records pins per owner and drops them with unpin', async () => {
      await store.pin('@acme/echo', '1.0.0', 'workflow:1');
      await store.pin('@acme/echo', '1.0.0', 'workflow:2');
      await store.pin('@acme/echo', '1.0.0', 'workflow:2');
      expect(await store.pins('@acme/echo', '1.0.0')).toEqual(['workflow:1', 'workflow:2']);
      await store.unpin('workflow:1');
      expect(await store.pins('@acme/echo', '1.0.0')).toEqual(['workflow:2']);
    });

    it('refuses to pin a version that is not installed', async () => {
      expect((await caught(() => store.pin('@acme/echo', '3.0.0', 'workflow:1')))?.code).toBe('AH_VERSION_NOT_FOUND');
    });

    it('refuses to remove a pinned version and changes nothing', async () => {
      await store.pin('@acme/echo', '1.0.0', 'workflow:7');
      const before = snapshot(data.path);
      const error = await caught(() => store.remove('@acme/echo', '1.0.0'));
      expect(error).toMatchObject({ code: 'AH_VERSION_PINNED', status: 409 });
      expect(error?.details?.owners).toEqual(['workflow:7']);
      expect(snapshot(data.path)).toEqual(before);
      expect(await store.info('@acme/echo')).toHaveLength(2);
    });

    it('removes a pinned version with force, folder and row and pins', async () => {
      await store.pin('@acme/echo', '1.0.0', 'workflow:7');
      const { dir } = await store.get('@acme/echo', '1.0.0');
      await store.remove('@acme/echo', '1.0.0', { force: true });
      expect(existsSync(dir)).toBe(false);
      expect((await store.info('@acme/echo')).map((p) => p.version)).toEqual(['1.1.0']);
      expect(await store.pins('@acme/echo', '1.0.0')).toEqual([]);
      expect(readdirSync(join(data.path, 'plugins')).filter((name) => name.startsWith('.'))).toEqual([]);
    });

    it('removes an unpinned version, and the empty plugin folders with the last one', async () => {
      await store.remove('@acme/echo', '1.0.0');
      await store.remove('@acme/echo', '1.1.0');
      expect(await store.list()).toEqual([]);
      expect(readdirSync(join(data.path, 'plugins'))).toEqual([]);
      expect((await caught(() => store.resolve('@acme/echo', '*')))?.code).toBe('AH_PLUGIN_NOT_FOUND');
    });

    it('reports removing a version that is not installed', async () => {
      expect((await caught(() => store.remove('@acme/echo', '9.0.0')))?.code).toBe('AH_VERSION_NOT_FOUND');
    });

    it('installs a removed version again', async () => {
      await store.remove('@acme/echo', '1.0.0');
      const again = await store.install({ tarball: validTarball({ version: '1.0.0' }) });
      expect(again.alreadyInstalled).toBe(false);
    });

    it('replaces a crash leftover folder that has no index row', async () => {
      const { dir } = await store.get('@acme/echo', '1.1.0');
      await store.remove('@acme/echo', '1.1.0');
      // a crash between the rename into place and the index insert leaves exactly this
      const leftover = join(dir, 'dist');
      mkdirSync(leftover, { recursive: true });
      writeFileSync(join(leftover, 'plugin.js'), 'stale');
      await store.install({ tarball: validTarball({ version: '1.1.0' }) });
      expect(await store.readEntry('@acme/echo', '1.1.0')).toContain('globalThis.plugin');
    });
  });

  describe('verify and readEntry', () => {
    it('reports every version ok on an untouched store', async () => {
      const unsigned = { status: 'unsigned', keyId: null, publisher: null };
      expect(await store.verify()).toEqual([
        { name: '@acme/echo', version: '1.0.0', ok: true, problems: [], signature: unsigned },
        { name: '@acme/echo', version: '1.1.0', ok: true, problems: [], signature: unsigned },
      ]);
    });

    it('detects a tampered entry script, and readEntry refuses to return it', async () => {
      const { dir } = await store.get('@acme/echo', '1.1.0');
      appendFileSync(join(dir, 'dist', 'plugin.js'), '\nfetch("https://evil.example")');
      const report = (await store.verify()).find((r) => r.version === '1.1.0')!;
      expect(report.ok).toBe(false);
      expect(report.problems.join(' ')).toContain('dist/plugin.js');
      expect((await caught(() => store.readEntry('@acme/echo', '1.1.0')))?.code).toBe('AH_INTEGRITY_MISMATCH');
      expect((await store.verify()).find((r) => r.version === '1.0.0')!.ok).toBe(true);
    });

    it('detects a tampered tarball, a missing file and an added file', async () => {
      const { dir } = await store.get('@acme/echo', '1.0.0');
      appendFileSync(join(dir, 'package.tgz'), 'x');
      rmSync(join(dir, 'README.md'));
      writeFileSync(join(dir, 'dist', 'extra.js'), 'added');
      const report = (await store.verify()).find((r) => r.version === '1.0.0')!;
      expect(report.ok).toBe(false);
      expect(report.problems).toHaveLength(3);
    });

    it('reports a missing entry script as an integrity problem', async () => {
      const { dir } = await store.get('@acme/echo', '1.0.0');
      rmSync(join(dir, 'dist', 'plugin.js'));
      expect((await caught(() => store.readEntry('@acme/echo', '1.0.0')))?.code).toBe('AH_INTEGRITY_MISMATCH');
    });
  });
});
