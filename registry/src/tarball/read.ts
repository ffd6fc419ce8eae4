// Reads a plugin tarball into memory, checked: gunzip while streaming with a cap on decompressed bytes (a gzip
// bomb stops at the cap, not at the end of the bomb), tar headers checked by EntryRules before their data.
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { isActionhostError } from '@actionhost/sdk';
import { RegistryErrors } from '../errors.ts';
import { EntryRules, resolveLimits, type CheckedEntry, type ExtractLimits } from './entry-rules.ts';
import { TarReader } from './ustar.ts';

export interface PackageContents {
  /** Folders and files below package/, in archive order */
  entries: CheckedEntry[];
  /** File data by path relative to package/ */
  files: Map<string, Buffer>;
}

const CHUNK = 64 * 1024;

function* slices(bytes: Uint8Array): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += CHUNK) {
    yield Buffer.from(bytes.buffer, bytes.byteOffset + at, Math.min(CHUNK, bytes.length - at));
  }
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;
}

function isPlainTar(bytes: Uint8Array): boolean {
  return bytes.length >= 512 && Buffer.from(bytes.buffer, bytes.byteOffset + 257, 5).toString('latin1') === 'ustar';
}

export async function readPackage(
  tarball: Uint8Array,
  options: { limits?: ExtractLimits; signal?: AbortSignal } = {},
): Promise<PackageContents> {
  const limits = resolveLimits(options.limits);
  const rules = new EntryRules(limits);
  const contents: PackageContents = { entries: [], files: new Map() };
  const reader = new TarReader({
    onHeader(header) {
      const entry = rules.check(header);
      if (entry) contents.entries.push(entry);
    },
    onFile(_header, data) {
      // onFile always follows the onHeader of the same entry, which pushed it
      contents.files.set(contents.entries.at(-1)!.path, data);
    },
  });

  const gzip = isGzip(tarball);
  if (!gzip && !isPlainTar(tarball)) throw RegistryErrors.tarballInvalid('neither gzip-compressed nor a tar archive');
  const source = Readable.from(slices(tarball), { objectMode: false });
  const gunzip = gzip ? createGunzip() : undefined;
  const stream: Readable = gunzip ? source.pipe(gunzip) : source;
  let decompressed = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted();
      decompressed += chunk.length;
      if (decompressed > limits.maxDecompressedBytes) {
        throw RegistryErrors.tooLarge('the decompressed tarball', decompressed, limits.maxDecompressedBytes);
      }
      reader.push(chunk);
      if (reader.done) break;
    }
    reader.finish();
  } catch (error) {
    if (isActionhostError(error) || options.signal?.aborted) throw error;
    throw RegistryErrors.tarballInvalid(`cannot decompress: ${(error as Error).message}`);
  } finally {
    source.destroy();
    gunzip?.destroy();
  }
  if (!contents.files.has('plugin.json')) {
    throw RegistryErrors.manifestInvalid('plugin.json', 'the tarball has no package/plugin.json');
  }
  return contents;
}
