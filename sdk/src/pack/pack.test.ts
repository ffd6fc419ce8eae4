// packPlugin: a deterministic .tgz (same input → same bytes) with the files the manifest lists, and its integrity.
import { createHash } from 'node:crypto';
import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as tar from 'tar';
import { buildPlugin, integrityOf, packPlugin, tarballName } from '../index.ts';
import { copyFixture, tempDir } from '../testing/fixtures.ts';

interface ListedEntry {
  path: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  uname?: string;
  gname?: string;
  type: string;
}

async function listTarball(file: string): Promise<ListedEntry[]> {
  const entries: ListedEntry[] = [];
  await tar.t({
    file,
    onReadEntry: (entry) => {
      entries.push({
        path: entry.path,
        mode: entry.mode ?? -1,
        uid: entry.uid ?? -1,
        gid: entry.gid ?? -1,
        mtime: entry.mtime?.getTime() ?? -1,
        uname: entry.uname || undefined,
        gname: entry.gname || undefined,
        type: entry.type,
      });
    },
  });
  return entries;
}

describe('packPlugin', () => {
  it('packs plugin.json, the guest script, listed mapping presets and README.md under package/, sorted', async () => {
    await using plugin = await copyFixture('greeter');
    await using out = await tempDir();
    const packed = await packPlugin(plugin.dir, { outDir: out.dir });
    expect(packed).toMatchObject({
      name: '@fixtures/greeter',
      version: '1.2.3',
      file: join(out.dir, 'fixtures-greeter-1.2.3.tgz'),
    });
    const entries = await listTarball(packed.file);
    expect(entries.map((e) => e.path)).toEqual([
      'package/README.md',
      'package/dist/plugin.js',
      'package/mappings/default.json',
      'package/mappings/loud.json',
      'package/plugin.json',
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({ type: 'File', mode: 0o644, uid: 0, gid: 0, uname: undefined, gname: undefined });
      expect(entry.mtime).toBe(entries[0].mtime);
    }
  });

  it('produces byte-identical tarballs across two runs, even after a rebuild and from another folder', async () => {
    await using first = await copyFixture('greeter', 'one');
    await using second = await copyFixture('greeter', 'two');
    await using out = await tempDir();
    const a = await packPlugin(first.dir, { outDir: join(out.dir, 'a') });
    const bytesA = await readFile(a.file);
    await buildPlugin(first.dir);
    const b = await packPlugin(first.dir, { outDir: join(out.dir, 'b') });
    const c = await packPlugin(second.dir, { outDir: join(out.dir, 'c') });
    expect(Buffer.compare(await readFile(b.file), bytesA)).toBe(0);
    expect(Buffer.compare(await readFile(c.file), bytesA)).toBe(0);
    expect(b.integrity).toBe(a.integrity);
  });

  it('reports the sha512 integrity and size of the bytes written', async () => {
    await using plugin = await copyFixture('greeter');
    await using out = await tempDir();
    const packed = await packPlugin(plugin.dir, { outDir: out.dir });
    const bytes = await readFile(packed.file);
    expect(packed.integrity).toBe('sha512-' + createHash('sha512').update(bytes).digest('base64'));
    expect(integrityOf(bytes)).toBe(packed.integrity);
    expect(packed.bytes).toBe(bytes.length);
  });

  it('writes gzip with no timestamp and a fixed OS byte', async () => {
    await using plugin = await copyFixture('greeter');
    await using out = await tempDir();
    const bytes = await readFile((await packPlugin(plugin.dir, { outDir: out.dir })).file);
    expect([...bytes.subarray(0, 4)]).toEqual([0x1f, 0x8b, 8, 0]);
    expect(bytes.readUInt32LE(4)).toBe(0);
    expect(bytes[9]).toBe(255);
    const tarBytes = gunzipSync(bytes);
    expect(tarBytes.length % 512).toBe(0);
    expect(tarBytes.subarray(257, 263).toString('latin1')).toBe('ustar\0');
  });

  it('builds first when plugin.json or dist/plugin.js is missing', async () => {
    await using plugin = await copyFixture('greeter');
    await using out = await tempDir();
    await buildPlugin(plugin.dir);
    await rm(join(plugin.dir, 'dist'), { recursive: true });
    const packed = await packPlugin(plugin.dir, { outDir: out.dir });
    expect((await listTarball(packed.file)).map((e) => e.path)).toContain('package/dist/plugin.js');
  });

  it('rebuilds when a source file is newer than the last build', async () => {
    await using plugin = await copyFixture('greeter');
    await using out = await tempDir();
    await buildPlugin(plugin.dir);
    const source = join(plugin.dir, 'src', 'greeting.ts');
    await writeFile(source, (await readFile(source, 'utf8')).replace("'Hello'", "'Howdy'"));
    const future = new Date(Date.now() + 60_000);
    await utimes(source, future, future);
    const packed = await packPlugin(plugin.dir, { outDir: out.dir });
    await tar.x({ file: packed.file, cwd: out.dir });
    expect(await readFile(join(out.dir, 'package', 'dist', 'plugin.js'), 'utf8')).toContain('Howdy');
  });

  it('defaults the output folder to <dir>/dist', async () => {
    await using plugin = await copyFixture('greeter');
    const packed = await packPlugin(plugin.dir);
    expect(packed.file).toBe(join(plugin.dir, 'dist', 'fixtures-greeter-1.2.3.tgz'));
  });

  it('leaves the package folder out of the name as npm does', () => {
    expect(tarballName('@acme/run-webhook', '1.4.0')).toBe('acme-run-webhook-1.4.0.tgz');
    expect(tarballName('plain', '0.1.0-beta.1')).toBe('plain-0.1.0-beta.1.tgz');
  });

  it('refuses with AH_PACK_FILE_MISSING when a listed mapping preset is gone', async () => {
    await using plugin = await copyFixture('greeter');
    await buildPlugin(plugin.dir);
    await rm(join(plugin.dir, 'mappings', 'loud.json'));
    await expect(packPlugin(plugin.dir)).rejects.toMatchObject({ code: 'AH_PACK_FILE_MISSING' });
  });
});
