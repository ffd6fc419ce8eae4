// A deterministic .tgz writer: same files → byte-identical tarball. Entries sorted, fixed mtime, uid/gid 0,
// no user/group names, modes 0644/0755, gzip without timestamp and with a fixed OS byte.
import { gzipSync } from 'node:zlib';
import { PackErrors } from './errors.ts';

export interface TarEntry {
  /** Path inside the archive, e.g. "package/plugin.json" */
  path: string;
  data: Uint8Array;
  executable?: boolean;
}

/** 1985-10-26T08:15:00Z, npm's fixed mtime: tools that treat 0 as "missing" still show a real date. */
export const FIXED_MTIME_SECONDS = 499162500;
const BLOCK = 512;
const encoder = new TextEncoder();

function writeString(header: Uint8Array, offset: number, length: number, text: string): void {
  const bytes = encoder.encode(text);
  if (bytes.length > length) throw new Error(`tar header field too long: ${text}`);
  header.set(bytes, offset);
}

function writeOctal(header: Uint8Array, offset: number, length: number, value: number): void {
  writeString(header, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

// ustar names: up to 100 bytes, or a prefix (≤155) + "/" + name (≤100) split at a slash.
function splitName(path: string): { prefix: string; name: string } {
  if (encoder.encode(path).length <= 100) return { prefix: '', name: path };
  for (let at = path.indexOf('/'); at > 0; at = path.indexOf('/', at + 1)) {
    const prefix = path.slice(0, at),
      name = path.slice(at + 1);
    if (encoder.encode(prefix).length <= 155 && encoder.encode(name).length <= 100) return { prefix, name };
  }
  throw PackErrors.pathTooLong(path);
}

function header(entry: TarEntry): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const { prefix, name } = splitName(entry.path);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, entry.executable ? 0o755 : 0o644);
  writeOctal(block, 108, 8, 0); // uid
  writeOctal(block, 116, 8, 0); // gid
  writeOctal(block, 124, 12, entry.data.length);
  writeOctal(block, 136, 12, FIXED_MTIME_SECONDS);
  block.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  block[156] = 0x30; // '0': regular file
  writeString(block, 257, 6, 'ustar\0');
  writeString(block, 263, 2, '00');
  writeString(block, 345, 155, prefix);
  let sum = 0;
  for (const byte of block) sum += byte;
  writeString(block, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return block;
}

/** An uncompressed ustar archive of the entries, sorted by path. */
export function createTar(entries: readonly TarEntry[]): Uint8Array {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (const entry of sorted) {
    const padded = Math.ceil(entry.data.length / BLOCK) * BLOCK;
    const body = new Uint8Array(padded);
    body.set(entry.data);
    chunks.push(header(entry), body);
    size += BLOCK + padded;
  }
  chunks.push(new Uint8Array(BLOCK * 2)); // end of archive
  size += BLOCK * 2;
  const tar = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    tar.set(chunk, offset);
    offset += chunk.length;
  }
  return tar;
}

/** gzip with MTIME 0 (zlib's default) and the OS byte forced to 255 ("unknown"), so no platform shows through. */
export function gzipDeterministic(data: Uint8Array): Uint8Array {
  const gz = new Uint8Array(gzipSync(data, { level: 9, memLevel: 9, strategy: 0 }));
  gz[4] = 0;
  gz[5] = 0;
  gz[6] = 0;
  gz[7] = 0;
  gz[9] = 255;
  return gz;
}

export function createTgz(entries: readonly TarEntry[]): Uint8Array {
  return gzipDeterministic(createTar(entries));
}
