// Tarball builders for registry tests: valid packages made by tar 7 from a real package/ folder, and hostile
// archives written header by header (links, devices, traversal...) because tar's own creator refuses to make them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SIGNATURE_FILE, createTgz, describePublicKey, signPackage } from '@actionhost/sdk';

export const PLUGIN_SCRIPT = "globalThis.plugin = { run(input) { return { path: 'success', output: input }; } };\n";

export function manifest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: '@acme/echo',
    version: '1.0.0',
    title: 'Echo',
    description: 'Returns its input',
    category: 'plugin',
    host: '^1.0.0',
    entry: 'dist/plugin.js',
    input: { type: 'object' },
    output: { type: 'object' },
    paths: ['success', 'failure'],
    capabilities: {},
    mappings: { default: 'mappings/default.json' },
    ...overrides,
  };
}

/** Files of a valid package, relative to package/; `extra` adds or replaces files (null removes one). */
export function packageFiles(
  manifestOverrides: Record<string, unknown> = {},
  extra: Record<string, string | null> = {},
): Record<string, string> {
  const files: Record<string, string | null> = {
    'plugin.json': JSON.stringify(manifest(manifestOverrides), null, 2),
    'dist/plugin.js': PLUGIN_SCRIPT,
    'mappings/default.json': JSON.stringify({ Message: '#subject#' }),
    'README.md': '# Echo\n',
    ...extra,
  };
  return Object.fromEntries(Object.entries(files).filter((entry): entry is [string, string] => entry[1] !== null));
}

/** Writes files under `<root>/package/` (or elsewhere with `prefix`), returns the root. */
export function writePackageFolder(root: string, files: Record<string, string>, prefix = 'package'): string {
  for (const [path, text] of Object.entries(files)) {
    const file = join(root, prefix, ...path.split('/'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return root;
}

/** A real .tgz made by tar 7's creator from a temp package/ folder. */
export function validTarball(
  manifestOverrides: Record<string, unknown> = {},
  extra: Record<string, string | null> = {},
): Buffer {
  const root = mkdtempSync(join(tmpdir(), 'ah-registry-pkg-'));
  try {
    writePackageFolder(root, packageFiles(manifestOverrides, extra));
    const file = join(root, 'out.tgz');
    tar.create({ gzip: true, cwd: root, file, sync: true, portable: true }, ['package']);
    return readFileSync(file);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export interface RawEntry {
  path: string;
  /** tar typeflag: '0' file, '1' hardlink, '2' symlink, '3' char device, '4' block device, '5' folder, '6' FIFO, 'x' pax */
  type?: string;
  data?: string | Uint8Array;
  linkpath?: string;
  /** Size written in the header, when it should lie about the data */
  size?: number;
  mode?: number;
}

function field(block: Buffer, offset: number, length: number, value: string | Buffer): void {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  bytes.copy(block, offset, 0, Math.min(bytes.length, length));
}

function octal(block: Buffer, offset: number, length: number, value: number): void {
  field(block, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

/** One raw ustar header block with a correct checksum. */
export function rawHeader(entry: RawEntry, size: number): Buffer {
  const block = Buffer.alloc(512);
  const nameBytes = Buffer.from(entry.path, 'utf8');
  if (nameBytes.length > 100) throw new Error(`raw test entry name too long: ${entry.path}`);
  field(block, 0, 100, nameBytes);
  octal(block, 100, 8, entry.mode ?? 0o644);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, size);
  octal(block, 136, 12, 0);
  block.fill(0x20, 148, 156);
  field(block, 156, 1, entry.type ?? '0');
  field(block, 157, 100, entry.linkpath ?? '');
  field(block, 257, 6, 'ustar\0');
  field(block, 263, 2, '00');
  let sum = 0;
  for (const byte of block) sum += byte;
  field(block, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return block;
}

/** An uncompressed tar of raw entries, each header exactly as given, then the end-of-archive blocks. */
export function rawTar(entries: RawEntry[], options: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = entry.data === undefined ? Buffer.alloc(0) : Buffer.from(entry.data);
    parts.push(rawHeader(entry, entry.size ?? data.length));
    parts.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  if (options.end !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** gzip(rawTar(...)): a hostile .tgz. */
export function rawTarball(entries: RawEntry[], options: { end?: boolean } = {}): Buffer {
  return gzipSync(rawTar(entries, options));
}

/** The entries of a valid package as raw entries, to which a test appends one hostile entry. */
export function validRawEntries(manifestOverrides: Record<string, unknown> = {}): RawEntry[] {
  return [
    { path: 'package/', type: '5', mode: 0o755 },
    ...Object.entries(packageFiles(manifestOverrides)).map(([path, data]) => ({ path: `package/${path}`, data })),
  ];
}

/** A pax extended header carrying `path`, followed by the entry it applies to. */
export function paxPath(path: string, entry: RawEntry): RawEntry[] {
  const record = (key: string, value: string) => {
    const body = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(body) + 1;
    while (String(length).length + Buffer.byteLength(body) !== length) length++;
    return `${length}${body}`;
  };
  return [{ path: 'PaxHeader/x', type: 'x', data: record('path', path) }, entry];
}

/** A publisher key pair for signing test packages, with its id and one-line public key. */
export function publisherKey(): { privateKey: KeyObject; keyId: string; publicKey: string; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey,
    ...describePublicKey(publicKey),
    pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/**
 * A package signed as `actionhost-sdk pack --sign` signs it; `tamper` changes files after signing (the signature
 * then no longer matches them).
 */
export function signedTarball(
  key: KeyObject,
  manifestOverrides: Record<string, unknown> = {},
  tamper: Record<string, string | null> = {},
): Buffer {
  const files = packageFiles(manifestOverrides);
  const data = new Map<string, Uint8Array>(
    Object.entries(files).map(([path, text]) => [path, new TextEncoder().encode(text)]),
  );
  const manifest = JSON.parse(files['plugin.json']) as { name: string; version: string };
  data.set(SIGNATURE_FILE, signPackage(manifest.name, manifest.version, data, key));
  for (const [path, text] of Object.entries(tamper)) {
    if (text === null) data.delete(path);
    else data.set(path, new TextEncoder().encode(text));
  }
  return Buffer.from(createTgz([...data].map(([path, bytes]) => ({ path: `package/${path}`, data: bytes }))));
}
