// The tar reader on archive features real packers produce: long names (ustar prefix, pax, GNU), plain tar,
// missing end blocks; and the store under concurrency and cancellation.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { PluginStore } from '../index.ts';
import { readPackage } from './index.ts';
import { snapshot, tempDir } from '../testing/data-folder.ts';
import {
  packageFiles,
  rawTar,
  rawTarball,
  validRawEntries,
  validTarball,
  writePackageFolder,
} from '../testing/tarballs.ts';

const longName = `${'deep/'.repeat(25)}file.txt`; // 133 characters below package/

describe('readPackage', () => {
  it('reads long names written by tar 7 (pax or ustar prefix)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ah-registry-long-'));
    try {
      writePackageFolder(root, { ...packageFiles(), [longName]: 'far down' });
      const file = join(root, 'long.tgz');
      tar.create({ gzip: true, cwd: root, file, sync: true, portable: true }, ['package']);
      const contents = await readPackage(readFileSync(file));
      expect(contents.files.get(longName)?.toString()).toBe('far down');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reads a GNU long-name entry', async () => {
    const path = `package/${longName}`;
    const contents = await readPackage(
      rawTarball([
        ...validRawEntries(),
        { path: '././@LongLink', type: 'L', data: `${path}\0` },
        { path: path.slice(0, 99), data: 'gnu' },
      ]),
    );
    expect(contents.files.get(longName)?.toString()).toBe('gnu');
  });

  it('reads an uncompressed tar', async () => {
    const contents = await readPackage(rawTar(validRawEntries()));
    expect([...contents.files.keys()].sort()).toEqual([
      'README.md',
      'dist/plugin.js',
      'mappings/default.json',
      'plugin.json',
    ]);
  });

  it('accepts an archive without end-of-archive blocks when every entry is complete', async () => {
    const contents = await readPackage(rawTarball(validRawEntries(), { end: false }));
    expect(contents.files.has('plugin.json')).toBe(true);
  });

  it('rejects a header whose checksum is wrong', async () => {
    const archive = rawTar(validRawEntries());
    archive[0] = archive[0] ^ 0x01;
    await expect(readPackage(archive)).rejects.toMatchObject({ code: 'AH_TARBALL_INVALID' });
  });

  it('rejects a file entry whose data is cut short', async () => {
    const archive = rawTar([...validRawEntries(), { path: 'package/cut.bin', data: 'abc', size: 4096 }], {
      end: false,
    });
    await expect(readPackage(archive)).rejects.toMatchObject({ code: 'AH_TARBALL_INVALID' });
  });

  it('rejects a file under a path that is also a file', async () => {
    await expect(
      readPackage(rawTarball([...validRawEntries(), { path: 'package/plugin.json/inner', data: 'x' }])),
    ).rejects.toMatchObject({ code: 'AH_TARBALL_UNSAFE_ENTRY' });
  });
});

describe('PluginStore under concurrency and cancellation', () => {
  let data: ReturnType<typeof tempDir>;
  let store: PluginStore;

  beforeEach(async () => {
    data = tempDir();
    store = await PluginStore.open(data.path);
  });

  afterEach(async () => {
    await store.close();
    data[Symbol.dispose]();
  });

  it('installs the same tarball twice at once: one install, one no-op', async () => {
    const tarball = validTarball();
    const results = await Promise.all([store.install({ tarball }), store.install({ tarball })]);
    expect(results.map((r) => r.alreadyInstalled).sort()).toEqual([false, true]);
    expect(await store.list()).toHaveLength(1);
    expect((await store.verify())[0].ok).toBe(true);
  });

  it('lets a second store on the same folder see installs and refuse a different same version', async () => {
    const other = await PluginStore.open(data.path);
    try {
      await store.install({ tarball: validTarball() });
      expect((await other.resolve('@acme/echo', '^1')).version).toBe('1.0.0');
      await expect(other.install({ tarball: validTarball({ title: 'Changed' }) })).rejects.toMatchObject({
        code: 'AH_VERSION_IMMUTABLE',
      });
    } finally {
      await other.close();
    }
  });

  it('stops an aborted install without changing the data folder', async () => {
    const before = snapshot(data.path);
    const controller = new AbortController();
    controller.abort(new Error('operator cancelled'));
    await expect(store.install({ tarball: validTarball() }, { signal: controller.signal })).rejects.toThrow(
      'operator cancelled',
    );
    expect(snapshot(data.path)).toEqual(before);
  });

  it('sweeps trash left by a crashed remove when the store opens', async () => {
    const trash = join(data.path, 'plugins', '.trash-1234');
    mkdirSync(trash);
    writeFileSync(join(trash, 'plugin.json'), '{}');
    await store.close();
    store = await PluginStore.open(data.path);
    expect(snapshot(data.path).some((line) => line.includes('.trash-'))).toBe(false);
  });
});
