// Publisher signatures: keygen writes a key pair, pack --sign puts an ed25519 signature over every file into the
// tarball, and the check rebuilds what was signed from the files as they are, so any change after signing shows.
import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tar from 'tar';
import {
  SIGNATURE_FILE,
  checkPackageSignature,
  generateKeyPairFiles,
  packPlugin,
  parsePublicKey,
  readSigningKey,
} from '../index.ts';
import { runCli, type CliIo } from '../cli/index.ts';
import { copyFixture, tempDir } from '../testing/fixtures.ts';

/** The files of a packed tarball, by path relative to package/. */
async function filesOf(tarball: string, scratch: string): Promise<Map<string, Uint8Array>> {
  const out = join(scratch, 'unpacked');
  await mkdir(out, { recursive: true });
  await tar.x({ file: tarball, cwd: out });
  const files = new Map<string, Uint8Array>();
  for (const entry of await readdir(join(out, 'package'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(join(out, 'package'), path), new Uint8Array(await readFile(path)));
  }
  return files;
}

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { cwd, stdout: (line) => void out.push(line), stderr: (line) => void err.push(line) };
  const code = await runCli(args, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const manifest = { name: '@fixtures/greeter', version: '1.2.3' };

describe('keygen', () => {
  it('writes a private key only its owner can read and a public key, and never overwrites them', async () => {
    await using keys = await tempDir();
    const pair = await generateKeyPairFiles(keys.dir, 'acme');
    expect((await stat(pair.privateKeyFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(pair.privateKeyFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(parsePublicKey(await readFile(pair.publicKeyFile, 'utf8'))).toMatchObject({
      keyId: pair.keyId,
      publicKey: pair.publicKey,
    });
    await expect(generateKeyPairFiles(keys.dir, 'acme')).rejects.toMatchObject({ code: 'AH_KEYGEN_TARGET_EXISTS' });
  });

  it('reads public keys as PEM or in their one-line form, and refuses anything else', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const parsed = parsePublicKey(pem);
    expect(parsePublicKey(parsed.publicKey).keyId).toBe(parsed.keyId);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' });
    for (const bad of [
      rsa.toString(),
      privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      'ed25519:AAAA',
      'hello',
    ]) {
      expect(() => parsePublicKey(bad), bad.slice(0, 30)).toThrow(
        expect.objectContaining({ code: 'AH_PUBLIC_KEY_INVALID' }),
      );
    }
  });

  it('refuses a signing key other users can read, a key of another kind, and a file that is no key', async () => {
    await using keys = await tempDir();
    const pair = await generateKeyPairFiles(keys.dir, 'acme');
    await chmod(pair.privateKeyFile, 0o644);
    await expect(readSigningKey(pair.privateKeyFile)).rejects.toMatchObject({ code: 'AH_SIGNING_KEY_INVALID' });
    const rsa = join(keys.dir, 'rsa.key');
    const rsaKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    await writeFile(rsa, rsaKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    const junk = join(keys.dir, 'junk.key');
    await writeFile(junk, 'not a key', { mode: 0o600 });
    for (const file of [rsa, junk, join(keys.dir, 'missing.key')]) {
      await expect(readSigningKey(file), file).rejects.toMatchObject({ code: 'AH_SIGNING_KEY_INVALID' });
    }
  });
});

describe('pack --sign', () => {
  it('signs every file of the package with the key, deterministically', async () => {
    await using plugin = await copyFixture('greeter');
    await using out = await tempDir();
    const pair = await generateKeyPairFiles(out.dir, 'acme');
    const first = await packPlugin(plugin.dir, { outDir: join(out.dir, 'a'), sign: pair.privateKeyFile });
    const second = await packPlugin(plugin.dir, { outDir: join(out.dir, 'b'), sign: pair.privateKeyFile });
    expect(first.signedBy).toEqual({ keyId: pair.keyId, publicKey: pair.publicKey });
    expect(second.integrity).toBe(first.integrity);
    const files = await filesOf(first.file, out.dir);
    expect([...files.keys()].sort()).toEqual([
      'README.md',
      SIGNATURE_FILE,
      'dist/plugin.js',
      'mappings/default.json',
      'mappings/loud.json',
      'plugin.json',
    ]);
    expect(checkPackageSignature(files, manifest)).toEqual({
      status: 'valid',
      keyId: pair.keyId,
      publicKey: pair.publicKey,
    });
    const unsigned = await packPlugin(plugin.dir, { outDir: join(out.dir, 'c') });
    expect(unsigned.signedBy).toBeUndefined();
    expect(checkPackageSignature(await filesOf(unsigned.file, join(out.dir, 'c')), manifest)).toEqual({
      status: 'unsigned',
    });
  });

  it('no longer verifies once a file is changed, added or removed, or the package is renamed', async () => {
    await using plugin = await copyFixture('greeter');
    await using out = await tempDir();
    const pair = await generateKeyPairFiles(out.dir, 'acme');
    const files = await filesOf(
      (await packPlugin(plugin.dir, { outDir: out.dir, sign: pair.privateKeyFile })).file,
      out.dir,
    );
    const changed = (edit: (copy: Map<string, Uint8Array>) => void) => {
      const copy = new Map(files);
      edit(copy);
      return copy;
    };
    const cases: [string, Map<string, Uint8Array>, { name: string; version: string }][] = [
      [
        'changed entry',
        changed((c) => c.set('dist/plugin.js', new TextEncoder().encode('globalThis.plugin = {};'))),
        manifest,
      ],
      ['added file', changed((c) => c.set('mappings/extra.json', new TextEncoder().encode('{}'))), manifest],
      ['removed file', changed((c) => c.delete('README.md')), manifest],
      ['other name', files, { name: '@evil/greeter', version: '1.2.3' }],
      ['other version', files, { name: manifest.name, version: '1.2.4' }],
      ['garbled signature', changed((c) => c.set(SIGNATURE_FILE, new TextEncoder().encode('{"format":1}'))), manifest],
    ];
    for (const [what, candidate, claimed] of cases) {
      expect(checkPackageSignature(candidate, claimed).status, what).toBe('invalid');
    }
    const forged = JSON.parse(new TextDecoder().decode(files.get(SIGNATURE_FILE)));
    const other = generateKeyPairSync('ed25519').publicKey;
    forged.publicKey = parsePublicKey(other.export({ format: 'pem', type: 'spki' }).toString()).publicKey;
    expect(
      checkPackageSignature(
        changed((c) => c.set(SIGNATURE_FILE, new TextEncoder().encode(JSON.stringify(forged)))),
        manifest,
      ),
    ).toMatchObject({ status: 'invalid' });
  });

  it('is what actionhost-sdk keygen and pack --sign do on the command line', async () => {
    await using plugin = await copyFixture('greeter');
    await using out = await tempDir();
    const keygen = await cli(['keygen', '--out', out.dir, '--name', 'acme', '--json'], plugin.dir);
    expect(keygen.code, keygen.stderr).toBe(0);
    const pair = JSON.parse(keygen.stdout) as { keyId: string; privateKeyFile: string };
    const packed = await cli(['pack', '--out', out.dir, '--sign', pair.privateKeyFile, '--json'], plugin.dir);
    expect(packed.code, packed.stderr).toBe(0);
    expect(JSON.parse(packed.stdout)).toMatchObject({ signedBy: { keyId: pair.keyId } });
    await chmod(pair.privateKeyFile, 0o640);
    const refused = await cli(['pack', '--out', out.dir, '--sign', pair.privateKeyFile], plugin.dir);
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining('AH_SIGNING_KEY_INVALID')]);
  });
});
