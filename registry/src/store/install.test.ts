// Installing verified packages: layout on disk, the index, versions side by side, ranges, idempotent reinstall.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_ABI_VERSION, integrityOf } from '@actionhost/sdk';
import { PluginStore } from '../index.ts';
import { BACKENDS, codeOf, testIndex, type TestIndex } from '../testing/backends.ts';
import { snapshot, tempDir } from '../testing/data-folder.ts';
import { PLUGIN_SCRIPT, packageFiles, rawTarball, validTarball, writePackageFolder } from '../testing/tarballs.ts';

describe.each(BACKENDS)('the plugin store, on the %s index', (backend) => {
  let data: ReturnType<typeof tempDir>;
  let store: PluginStore;
  let index: TestIndex;

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

  describe('install', () => {
    it('installs a tarball into plugins/<scope>/<name>/<version> with the original package.tgz', async () => {
      const tarball = validTarball();
      const progress: string[] = [];
      const result = await store.install({ tarball, source: 'echo.tgz' }, { onProgress: (m) => progress.push(m) });
      const dir = join(data.path, 'plugins', '@acme', 'echo', '1.0.0');
      expect(result).toEqual({
        name: '@acme/echo',
        version: '1.0.0',
        integrity: integrityOf(tarball),
        alreadyInstalled: false,
        dir,
        signature: { status: 'unsigned', keyId: null, publisher: null },
        capabilities: expect.objectContaining({
          approved: true,
          approval: expect.objectContaining({ via: 'first-version' }),
        }),
      });
      expect(readFileSync(join(dir, 'package.tgz'))).toEqual(tarball);
      expect(readFileSync(join(dir, 'dist', 'plugin.js'), 'utf8')).toBe(PLUGIN_SCRIPT);
      expect(statSync(join(dir, 'dist', 'plugin.js')).mode & 0o777).toBe(0o644);
      expect(statSync(join(dir, 'dist')).mode & 0o777).toBe(0o755);
      expect(progress.length).toBeGreaterThan(0);
      expect(existsSync(join(data.path, 'registry.db'))).toBe(backend === 'sqlite');
    });

    it('indexes the manifest, the mapping presets and the entry code', async () => {
      await store.install({ tarball: validTarball() });
      const [installed] = await store.list();
      expect(installed).toMatchObject({
        name: '@acme/echo',
        version: '1.0.0',
        manifest: { title: 'Echo', host: '^1.0.0' },
      });
      expect(Date.parse(installed.installedAt)).not.toBeNaN();
      expect(await store.mappings('@acme/echo', '1.0.0')).toEqual({ default: { Message: '#subject#' } });
      expect(await store.readEntry('@acme/echo', '1.0.0')).toBe(PLUGIN_SCRIPT);
      expect((await store.get('@acme/echo', '1.0.0')).integrity).toBe(installed.integrity);
    });

    it('writes files 0644 whatever mode the archive gives them', async () => {
      const files = packageFiles();
      const tarball = rawTarball([
        { path: 'package/', type: '5', mode: 0o777 },
        ...Object.entries(files).map(([path, text]) => ({ path: `package/${path}`, data: text, mode: 0o4777 })),
      ]);
      const { dir } = await store.install({ tarball });
      for (const file of ['plugin.json', 'dist/plugin.js', 'mappings/default.json']) {
        expect(statSync(join(dir, file)).mode & 0o7777).toBe(0o644);
      }
    });

    it('treats reinstalling identical bytes as a no-op', async () => {
      const tarball = validTarball();
      await store.install({ tarball });
      const before = snapshot(data.path);
      const again = await store.install({ tarball });
      expect(again.alreadyInstalled).toBe(true);
      expect(snapshot(data.path)).toEqual(before);
    });

    it('accepts the integrity it was told to expect', async () => {
      const tarball = validTarball();
      const result = await store.install({ tarball }, { integrity: integrityOf(tarball) });
      expect(result.integrity).toBe(integrityOf(tarball));
    });

    it('installs from a .tgz path', async () => {
      using folder = tempDir('ah-registry-tgz-');
      const file = join(folder.path, 'acme-echo-1.0.0.tgz');
      writeFileSync(file, validTarball());
      const result = await store.install(file);
      expect(result).toMatchObject({ name: '@acme/echo', version: '1.0.0', alreadyInstalled: false });
    });

    it('installs a built plugin folder without sources by packing it', async () => {
      using folder = tempDir('ah-registry-built-');
      writePackageFolder(folder.path, packageFiles({ name: 'built-only', version: '0.3.0' }), '.');
      const result = await store.install(folder.path);
      expect(result).toMatchObject({ name: 'built-only', version: '0.3.0', alreadyInstalled: false });
      expect(await store.readEntry('built-only', '0.3.0')).toBe(PLUGIN_SCRIPT);
    });

    it('reports a spec that is neither a file nor a folder', async () => {
      await expect(store.install(join(data.path, 'nope.tgz'))).rejects.toMatchObject({
        code: 'AH_INSTALL_SOURCE_NOT_FOUND',
      });
    });
  });

  describe('versions side by side', () => {
    beforeEach(async () => {
      for (const version of ['1.0.0', '1.2.0', '1.10.1', '2.0.0', '2.1.0-beta.1']) {
        await store.install({ tarball: validTarball({ version }) });
      }
      await store.install({ tarball: validTarball({ name: 'other', version: '0.1.0' }) });
    });

    it('keeps every version in its own folder', async () => {
      expect((await store.info('@acme/echo')).map((p) => p.version)).toEqual([
        '2.1.0-beta.1',
        '2.0.0',
        '1.10.1',
        '1.2.0',
        '1.0.0',
      ]);
      expect((await store.list()).map((p) => `${p.name}@${p.version}`)).toEqual([
        '@acme/echo@1.0.0',
        '@acme/echo@1.2.0',
        '@acme/echo@1.10.1',
        '@acme/echo@2.0.0',
        '@acme/echo@2.1.0-beta.1',
        'other@0.1.0',
      ]);
    });

    it('resolves a range to the highest satisfying version', async () => {
      expect((await store.resolve('@acme/echo', '^1.0.0')).version).toBe('1.10.1');
      expect((await store.resolve('@acme/echo', '~1.2.0')).version).toBe('1.2.0');
      expect((await store.resolve('@acme/echo', '*')).version).toBe('2.0.0');
      expect((await store.resolve('@acme/echo', '1.0.0')).version).toBe('1.0.0');
      expect((await store.resolve('@acme/echo', '>=2.1.0-beta.0')).version).toBe('2.1.0-beta.1');
    });

    it('filters info by range', async () => {
      expect((await store.info('@acme/echo', '>=1.2.0 <2')).map((p) => p.version)).toEqual(['1.10.1', '1.2.0']);
    });

    it('fails with AH_VERSION_NOT_FOUND, listing installed versions, when no version matches', async () => {
      try {
        await store.resolve('@acme/echo', '^3.0.0');
        expect.unreachable();
      } catch (error) {
        expect(error).toMatchObject({ code: 'AH_VERSION_NOT_FOUND', status: 404 });
        expect((error as { details: { installed: string[] } }).details.installed).toContain('1.10.1');
      }
    });

    it('fails with AH_PLUGIN_NOT_FOUND for an unknown plugin', async () => {
      expect(await codeOf(() => store.resolve('@acme/unknown', '*'))).toBe('AH_PLUGIN_NOT_FOUND');
      expect(await codeOf(() => store.info('@acme/unknown'))).toBe('AH_PLUGIN_NOT_FOUND');
    });

    it('refuses a range that is not semver', async () => {
      expect(await codeOf(() => store.resolve('@acme/echo', 'not a range!'))).toBe('AH_VERSION_RANGE_INVALID');
    });

    it('fails get for a version that is not installed', async () => {
      expect(await codeOf(() => store.get('@acme/echo', '9.9.9'))).toBe('AH_VERSION_NOT_FOUND');
    });

    it('survives closing and reopening the store', async () => {
      await store.close();
      store = await PluginStore.open(data.path, { database: index.database });
      expect(await store.list()).toHaveLength(6);
      expect(HOST_ABI_VERSION).toBe('1.0.0');
    });
  });
});
