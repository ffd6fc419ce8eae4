// Every refused tarball fails with its stable code and leaves the data folder exactly as it was.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { integrityOf } from '@actionhost/sdk';
import { PluginStore } from '../index.ts';
import { snapshot, tempDir } from '../testing/data-folder.ts';
import { paxPath, rawTarball, validRawEntries, validTarball, type RawEntry } from '../testing/tarballs.ts';

let data: ReturnType<typeof tempDir>;
let store: PluginStore;

beforeEach(async () => {
  data = tempDir();
  store = await PluginStore.open(data.path, {
    limits: { maxFileBytes: 64 * 1024, maxTotalBytes: 256 * 1024, maxEntries: 20 },
  });
});

afterEach(async () => {
  await store.close();
  data[Symbol.dispose]();
});

/** Installs the bytes, expects `code`, and checks nothing in the data folder changed. */
async function expectRefused(tarball: Uint8Array, code: string, options: { integrity?: string } = {}) {
  const before = snapshot(data.path);
  const error = await store.install({ tarball, source: 'test.tgz' }, options).then(
    () => undefined,
    (caught: unknown) => caught as { code?: string; details?: Record<string, unknown> },
  );
  expect(error?.code).toBe(code);
  expect(snapshot(data.path)).toEqual(before);
  expect(await store.list()).toEqual([]);
  return error!.details!;
}

const withEntry = (...extra: RawEntry[]) => rawTarball([...validRawEntries(), ...extra]);

describe('unsafe entries', () => {
  it('rejects a tarball whose entry escapes the package folder with ../', async () => {
    const details = await expectRefused(
      withEntry({ path: 'package/../evil.js', data: 'x' }),
      'AH_TARBALL_UNSAFE_ENTRY',
    );
    expect(details.path).toBe('package/../evil.js');
  });

  it('rejects an absolute entry path', async () => {
    const details = await expectRefused(withEntry({ path: '/etc/evil', data: 'x' }), 'AH_TARBALL_UNSAFE_ENTRY');
    expect(details.path).toBe('/etc/evil');
  });

  it('rejects an entry that is not under package/', async () => {
    await expectRefused(withEntry({ path: 'other/file.js', data: 'x' }), 'AH_TARBALL_UNSAFE_ENTRY');
  });

  it('rejects a ../ path smuggled in through a pax header', async () => {
    const details = await expectRefused(
      rawTarball([
        ...validRawEntries(),
        ...paxPath('package/../../escape.js', { path: 'package/harmless.js', data: 'x' }),
      ]),
      'AH_TARBALL_UNSAFE_ENTRY',
    );
    expect(details.path).toBe('package/../../escape.js');
  });

  it('rejects a symbolic link', async () => {
    const details = await expectRefused(
      withEntry({ path: 'package/link', type: '2', linkpath: '/etc/passwd' }),
      'AH_TARBALL_UNSAFE_ENTRY',
    );
    expect(details).toMatchObject({ path: 'package/link' });
  });

  it('rejects a hard link', async () => {
    await expectRefused(
      withEntry({ path: 'package/hard', type: '1', linkpath: 'package/plugin.json' }),
      'AH_TARBALL_UNSAFE_ENTRY',
    );
  });

  it('rejects character and block devices and FIFOs', async () => {
    for (const type of ['3', '4', '6']) {
      const details = await expectRefused(
        withEntry({ path: `package/device-${type}`, type }),
        'AH_TARBALL_UNSAFE_ENTRY',
      );
      expect(details.path).toBe(`package/device-${type}`);
    }
  });

  it('rejects an unknown entry type', async () => {
    await expectRefused(withEntry({ path: 'package/odd', type: 'Z' }), 'AH_TARBALL_UNSAFE_ENTRY');
  });

  it('rejects backslashes in entry names', async () => {
    await expectRefused(withEntry({ path: 'package\\..\\evil.js', data: 'x' }), 'AH_TARBALL_UNSAFE_ENTRY');
  });

  it('rejects two names that are equal after Unicode NFC normalisation', async () => {
    const composed = 'package/caf\u00e9.txt';
    const decomposed = 'package/cafe\u0301.txt';
    const details = await expectRefused(
      withEntry({ path: composed, data: 'a' }, { path: decomposed, data: 'b' }),
      'AH_TARBALL_UNSAFE_ENTRY',
    );
    expect(details.path).toBe(decomposed);
  });

  it('rejects two names that are equal after case folding', async () => {
    await expectRefused(withEntry({ path: 'package/Dist/plugin.js', data: 'a' }), 'AH_TARBALL_UNSAFE_ENTRY');
  });

  it('rejects the same file twice', async () => {
    await expectRefused(withEntry({ path: 'package/dist/plugin.js', data: 'again' }), 'AH_TARBALL_UNSAFE_ENTRY');
  });

  it('rejects a package that ships its own package.tgz', async () => {
    await expectRefused(withEntry({ path: 'package/package.tgz', data: 'x' }), 'AH_TARBALL_UNSAFE_ENTRY');
  });
});

describe('size and count caps', () => {
  it('rejects a file over the per-file cap', async () => {
    const details = await expectRefused(
      withEntry({ path: 'package/big.bin', data: Buffer.alloc(64 * 1024 + 1) }),
      'AH_TARBALL_TOO_LARGE',
    );
    expect(details.path).toBe('package/big.bin');
  });

  it('rejects a header announcing a huge file before reading its data', async () => {
    await expectRefused(
      withEntry({ path: 'package/huge.bin', size: 8 * 1024 ** 3, data: 'tiny' }),
      'AH_TARBALL_TOO_LARGE',
    );
  });

  it('rejects files that together exceed the total cap', async () => {
    const files = Array.from({ length: 5 }, (_, i) => ({
      path: `package/part-${i}.bin`,
      data: Buffer.alloc(60 * 1024, i),
    }));
    await expectRefused(withEntry(...files), 'AH_TARBALL_TOO_LARGE');
  });

  it('rejects a gzip bomb by capping decompressed bytes while streaming', async () => {
    // pax global headers are metadata, not entries: only the decompressed-bytes cap stops an endless run of them.
    const filler = Buffer.alloc(60 * 1024, 0x20);
    const metadata = Array.from({ length: 256 }, () => ({ path: 'PaxHeader/global', type: 'g', data: filler }));
    const bomb = rawTarball([...metadata, ...validRawEntries()]);
    expect(bomb.length).toBeLessThan(256 * 1024); // 15 MiB of tar in well under 1 MiB of gzip
    const details = await expectRefused(bomb, 'AH_TARBALL_TOO_LARGE');
    expect(details.limit).toBeLessThan(2 * 1024 * 1024);
  });

  it('rejects more entries than the entry cap', async () => {
    const files = Array.from({ length: 20 }, (_, i) => ({ path: `package/f${i}.txt`, data: 'x' }));
    await expectRefused(withEntry(...files), 'AH_TARBALL_TOO_MANY_ENTRIES');
  });
});

describe('not a plugin package', () => {
  it('rejects bytes that are not a tarball at all', async () => {
    await expectRefused(Buffer.from('just some text, not gzip'), 'AH_TARBALL_INVALID');
  });

  it('rejects gzip data that is not a tar archive', async () => {
    await expectRefused(gzipSync(Buffer.from('gzip, but not a tar archive inside'.repeat(40))), 'AH_TARBALL_INVALID');
  });

  it('rejects a truncated tarball', async () => {
    const whole = validTarball();
    await expectRefused(whole.subarray(0, Math.floor(whole.length / 2)), 'AH_TARBALL_INVALID');
  });

  it('rejects a tarball without package/plugin.json', async () => {
    await expectRefused(rawTarball([{ path: 'package/dist/plugin.js', data: 'x' }]), 'AH_MANIFEST_INVALID');
  });

  it('rejects a wrong integrity', async () => {
    const tarball = validTarball();
    await expectRefused(tarball, 'AH_INTEGRITY_MISMATCH', { integrity: integrityOf(Buffer.from('something else')) });
  });
});

describe('invalid manifests and contents', () => {
  it('rejects a version that is not semver, pointing at plugin.json#/version', async () => {
    const details = await expectRefused(validTarball({ version: 'one' }), 'AH_MANIFEST_INVALID');
    expect(details.path).toBe('plugin.json#/version');
  });

  it('rejects a manifest with a missing field', async () => {
    const details = await expectRefused(validTarball({ title: undefined }), 'AH_MANIFEST_INVALID');
    expect(details.path).toBe('plugin.json#/title');
  });

  it('rejects an undeclared capability', async () => {
    const details = await expectRefused(validTarball({ capabilities: { shell: true } }), 'AH_MANIFEST_INVALID');
    expect(String(details.path)).toMatch(/^plugin\.json#\/capabilities/);
  });

  it('rejects an itsm scope that does not exist', async () => {
    await expectRefused(validTarball({ capabilities: { itsm: ['everything:write'] } }), 'AH_MANIFEST_INVALID');
  });

  it('rejects plugin.json that is not JSON', async () => {
    await expectRefused(validTarball({}, { 'plugin.json': '{ nope' }), 'AH_MANIFEST_INVALID');
  });

  it('rejects a host range that excludes this host', async () => {
    await expectRefused(validTarball({ host: '^2.0.0' }), 'AH_HOST_RANGE_UNSUPPORTED');
  });

  it('rejects an entry outside the package', async () => {
    const details = await expectRefused(validTarball({ entry: '../outside.js' }), 'AH_MANIFEST_INVALID');
    expect(details.path).toBe('plugin.json#/entry');
  });

  it('rejects a missing entry file', async () => {
    await expectRefused(validTarball({ entry: 'dist/missing.js' }), 'AH_ENTRY_MISSING');
  });

  it('rejects an entry that is a folder', async () => {
    await expectRefused(validTarball({ entry: 'dist' }), 'AH_ENTRY_MISSING');
  });

  it('rejects a mapping preset that is missing', async () => {
    await expectRefused(validTarball({}, { 'mappings/default.json': null }), 'AH_MAPPING_INVALID');
  });

  it('rejects a mapping preset that is not a JSON object', async () => {
    await expectRefused(validTarball({}, { 'mappings/default.json': '[1, 2]' }), 'AH_MAPPING_INVALID');
  });
});

describe('immutable versions', () => {
  it('rejects the same version with different bytes', async () => {
    const first = await store.install({ tarball: validTarball() });
    expect(first.alreadyInstalled).toBe(false);
    const details = await expectRefused2(validTarball({ description: 'changed' }), 'AH_VERSION_IMMUTABLE');
    expect(details.plugin).toBe('@acme/echo@1.0.0');
  });
});

/** Like expectRefused, for a store that already holds versions. */
async function expectRefused2(tarball: Uint8Array, code: string) {
  const before = snapshot(data.path);
  const listed = await store.list();
  const error = await store.install({ tarball }).then(
    () => undefined,
    (caught: unknown) => caught as { code?: string; details?: Record<string, unknown> },
  );
  expect(error?.code).toBe(code);
  expect(snapshot(data.path)).toEqual(before);
  expect(await store.list()).toEqual(listed);
  return error!.details!;
}
