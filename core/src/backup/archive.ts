// The backup file: a gzip-compressed ustar archive (readable with `tar -tzf`), written and read as streams so a
// data folder of any size passes through bounded memory. Only regular files and folders; on reading, every path
// must stay inside the target folder (no absolute paths, no "..", no links), and the data must match its size.
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  openSync,
  writeSync,
  closeSync,
  type WriteStream,
} from 'node:fs';
import { once } from 'node:events';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';
import { BackupErrors } from './errors.ts';

const BLOCK = 512;
/** ustar's size field: 11 octal digits. */
const MAX_FILE_BYTES = 8 ** 11 - 1;

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

/** Splits a path into ustar's prefix (155) and name (100) at a "/", or fails for a path no split fits. */
function splitPath(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let index = path.indexOf('/'); index !== -1; index = path.indexOf('/', index + 1)) {
    const prefix = path.slice(0, index);
    const name = path.slice(index + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { prefix, name };
  }
  throw BackupErrors.archiveInvalid({ problem: `the path ${path} is too long for the archive` }, { path });
}

function header(path: string, size: number, kind: 'file' | 'directory', mtime: Date): Buffer {
  const block = Buffer.alloc(BLOCK);
  const { prefix, name } = splitPath(path);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(kind === 'directory' ? 0o755 : 0o600, 8), 100, 8, 'ascii');
  block.write(octal(0, 8), 108, 8, 'ascii');
  block.write(octal(0, 8), 116, 8, 'ascii');
  block.write(octal(size, 12), 124, 12, 'ascii');
  block.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 12, 'ascii');
  block.write('        ', 148, 8, 'ascii');
  block.write(kind === 'directory' ? '5' : '0', 156, 1, 'ascii');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148, 8, 'ascii');
  return block;
}

/** Writes an archive entry by entry; close() ends it and waits until the file is on disk. */
export class ArchiveWriter {
  readonly #gzip: Gzip;
  readonly #file: WriteStream;
  readonly #done: Promise<void>;

  constructor(file: string) {
    // Level 1: a backup is mostly SQLite pages; the best ratio is not worth several times the CPU of a busy host.
    this.#gzip = createGzip({ level: 1 });
    this.#file = createWriteStream(file, { mode: 0o600 });
    this.#done = pipeline(this.#gzip, this.#file);
  }

  async #write(chunk: Buffer): Promise<void> {
    if (!this.#gzip.write(chunk)) await once(this.#gzip, 'drain');
  }

  async directory(path: string): Promise<void> {
    await this.#write(header(`${path.replace(/\/$/, '')}/`, 0, 'directory', new Date()));
  }

  async bytes(path: string, data: Buffer): Promise<void> {
    await this.#write(header(path, data.length, 'file', new Date()));
    await this.#write(data);
    await this.#pad(data.length);
  }

  /** Streams a file of `size` bytes (it must not change while it is read: snapshots and immutable plugin files). */
  async file(path: string, source: string, size: number): Promise<void> {
    if (size > MAX_FILE_BYTES) throw BackupErrors.archiveInvalid({ problem: `${path} is larger than 8 GiB` }, { path });
    await this.#write(header(path, size, 'file', new Date()));
    let written = 0;
    for await (const chunk of createReadStream(source)) {
      written += (chunk as Buffer).length;
      await this.#write(chunk as Buffer);
    }
    if (written !== size)
      throw BackupErrors.archiveInvalid({ problem: `${source} changed while it was read` }, { path });
    await this.#pad(size);
  }

  async #pad(size: number): Promise<void> {
    const rest = size % BLOCK;
    if (rest !== 0) await this.#write(Buffer.alloc(BLOCK - rest));
  }

  async close(): Promise<void> {
    await this.#write(Buffer.alloc(BLOCK * 2));
    this.#gzip.end();
    await this.#done;
  }

  /** Stops writing after a failure (the caller removes the file). */
  async abort(): Promise<void> {
    this.#gzip.destroy();
    await this.#done.catch(() => undefined);
  }
}

export interface ArchiveEntry {
  path: string;
  kind: 'file' | 'directory';
  size: number;
}

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return (end === -1 ? raw : raw.subarray(0, end)).toString('utf8');
}

function parseHeader(block: Buffer): ArchiveEntry | null {
  if (block.every((byte) => byte === 0)) return null;
  let sum = 0;
  for (let index = 0; index < BLOCK; index++) sum += index >= 148 && index < 156 ? 32 : block[index];
  const stored = parseInt(field(block, 148, 8).trim(), 8);
  if (stored !== sum || field(block, 257, 6) !== 'ustar') {
    throw BackupErrors.archiveInvalid({ problem: 'an entry header is damaged (checksum or magic)' }, {});
  }
  const prefix = field(block, 345, 155);
  const name = field(block, 0, 100);
  const path = prefix ? `${prefix}/${name}` : name;
  const type = field(block, 156, 1) || '0';
  if (type !== '0' && type !== '5') {
    throw BackupErrors.archiveInvalid({ problem: `${path} is not a regular file or folder (type ${type})` }, { path });
  }
  const size = parseInt(field(block, 124, 12).trim() || '0', 8);
  if (!Number.isSafeInteger(size) || size < 0)
    throw BackupErrors.archiveInvalid({ problem: `${path} has no valid size` }, { path });
  return { path: path.replace(/\/$/, ''), kind: type === '5' ? 'directory' : 'file', size: type === '5' ? 0 : size };
}

/** The place of an entry inside `root`, or a failure for one that would leave it. */
export function safeTarget(root: string, path: string): string {
  const normalized = normalize(path);
  if (path === '' || isAbsolute(path) || normalized.split(sep).includes('..') || path.includes('\0')) {
    throw BackupErrors.archiveInvalid(
      { problem: `the entry ${JSON.stringify(path)} would leave the data folder` },
      { path },
    );
  }
  return join(root, normalized);
}

/**
 * Reads an archive entry by entry. `onEntry` decides what happens to each: 'extract' writes it under `root`,
 * 'read' hands its bytes to `onData` (small entries such as the manifest), 'stop' ends reading there.
 */
export async function readArchive(
  file: string,
  root: string,
  onEntry: (entry: ArchiveEntry) => 'extract' | 'read' | 'stop',
  onData: (entry: ArchiveEntry, data: Buffer) => void = () => undefined,
): Promise<void> {
  let pending: Buffer = Buffer.alloc(0);
  let current: { entry: ArchiveEntry; left: number; padding: number; fd: number | null; read: Buffer[] | null } | null =
    null;
  let ended = false;
  const source = createReadStream(file).pipe(createGunzip());
  try {
    for await (const chunk of source) {
      pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
      for (;;) {
        if (current) {
          const take = Math.min(current.left, pending.length);
          if (take > 0) {
            const data = pending.subarray(0, take);
            if (current.fd !== null) writeSync(current.fd, data);
            current.read?.push(Buffer.from(data));
            current.left -= take;
            pending = pending.subarray(take);
          }
          if (current.left > 0) break;
          if (pending.length < current.padding) break;
          pending = pending.subarray(current.padding);
          if (current.fd !== null) closeSync(current.fd);
          if (current.read) onData(current.entry, Buffer.concat(current.read));
          current = null;
          continue;
        }
        if (pending.length < BLOCK) break;
        const entry = parseHeader(pending.subarray(0, BLOCK));
        pending = pending.subarray(BLOCK);
        if (entry === null) {
          ended = true;
          break;
        }
        const decision = onEntry(entry);
        if (decision === 'stop') return;
        const padding = (BLOCK - (entry.size % BLOCK)) % BLOCK;
        let fd: number | null = null;
        if (decision === 'extract') {
          const target = safeTarget(root, entry.path);
          if (entry.kind === 'directory') mkdirSync(target, { recursive: true, mode: 0o700 });
          else {
            mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
            // 'wx': an archive that names a file twice is refused rather than overwriting what it wrote first.
            fd = openSync(target, 'wx', 0o600);
          }
        }
        current = { entry, left: entry.size, padding, fd, read: decision === 'read' ? [] : null };
      }
      if (ended) break;
    }
  } catch (error) {
    if (current?.fd !== null && current?.fd !== undefined) closeSync(current.fd);
    throw error;
  } finally {
    source.destroy();
  }
  if (!ended || current)
    throw BackupErrors.archiveInvalid({ problem: 'the archive ends before its last entry does' }, { file });
}
