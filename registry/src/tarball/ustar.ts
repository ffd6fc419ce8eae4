// An incremental tar reader (ustar, GNU long names, pax headers) that never touches the file system: it
// hands each entry's header to `onHeader` (which may refuse it) before a byte of its data is buffered.
import { RegistryErrors } from '../errors.ts';

const BLOCK = 512;
/** pax and GNU long-name records are small; a bigger one is an attack on the reader, not a name. */
const MAX_META_BYTES = 64 * 1024;

export type EntryKind =
  | 'file'
  | 'directory'
  | 'symlink'
  | 'hardlink'
  | 'character-device'
  | 'block-device'
  | 'fifo'
  | 'contiguous-file'
  | 'unknown';

export interface TarHeader {
  /** The path as the archive spells it (after pax / GNU long-name overrides), undecoded trailing slash kept. */
  path: string;
  kind: EntryKind;
  /** The raw type flag, for error messages */
  typeflag: string;
  size: number;
  linkpath: string;
}

export interface TarVisitor {
  /** Called once per real entry; throw to refuse it. */
  onHeader(header: TarHeader): void;
  /** Called with a file's complete data (only for kind "file"). */
  onFile(header: TarHeader, data: Buffer): void;
}

const KINDS: Record<string, EntryKind> = {
  '0': 'file',
  '\0': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'character-device',
  '4': 'block-device',
  '5': 'directory',
  '6': 'fifo',
  '7': 'contiguous-file',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(block: Buffer, offset: number, length: number, field: string): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  try {
    return utf8.decode(end === -1 ? raw : raw.subarray(0, end));
  } catch {
    throw RegistryErrors.unsafeEntry(`<${field}>`, `the ${field} is not valid UTF-8`);
  }
}

function numeric(block: Buffer, offset: number, length: number, field: string): number {
  const raw = block.subarray(offset, offset + length);
  if ((raw[0] & 0x80) !== 0) {
    // GNU base-256: only ever used for values too big for octal, which every cap here refuses anyway.
    let value = 0;
    for (let i = 1; i < raw.length; i++) value = value * 256 + raw[i];
    return (raw[0] & 0x40) !== 0 ? -1 : value + (raw[0] & 0x3f) * 256 ** (raw.length - 1);
  }
  const digits = raw
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '');
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw RegistryErrors.tarballInvalid(`bad ${field} field in a tar header`);
  return parseInt(digits, 8);
}

function checksumMatches(block: Buffer): boolean {
  const recorded = numeric(block, 148, 8, 'checksum');
  let unsigned = 0,
    signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i];
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return recorded === unsigned || recorded === signed;
}

/** Parses a pax extended header body: "<length> <key>=<value>\n" records, lengths in bytes. */
function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number(data.subarray(at, space).toString('latin1'));
    if (!Number.isInteger(length) || length <= space - at || at + length > data.length) {
      throw RegistryErrors.tarballInvalid('malformed pax header record');
    }
    const record = data.subarray(space + 1, at + length - 1); // drop the trailing newline
    const equals = record.indexOf(0x3d);
    if (equals === -1) throw RegistryErrors.tarballInvalid('malformed pax header record');
    let value: string;
    try {
      value = utf8.decode(record.subarray(equals + 1));
    } catch {
      throw RegistryErrors.unsafeEntry('<pax header>', 'a pax value is not valid UTF-8');
    }
    records.set(record.subarray(0, equals).toString('utf8'), value);
    at += length;
  }
  return records;
}

type State =
  | { mode: 'header' }
  | { mode: 'data'; header: TarHeader; remaining: number; chunks: Buffer[]; keep: boolean; padding: number }
  | { mode: 'meta'; typeflag: string; remaining: number; chunks: Buffer[]; padding: number }
  | { mode: 'end' };

export class TarReader {
  #pending: Buffer = Buffer.alloc(0);
  #state: State = { mode: 'header' };
  #zeroBlocks = 0;
  #sawEntry = false;
  #pax = new Map<string, string>();
  #longName: string | undefined;
  #longLink: string | undefined;
  readonly #visitor: TarVisitor;

  constructor(visitor: TarVisitor) {
    this.#visitor = visitor;
  }

  /** True once the end-of-archive marker (two zero blocks) was read; the rest of the stream is ignored. */
  get done(): boolean {
    return this.#state.mode === 'end';
  }

  push(chunk: Buffer): void {
    if (this.done) return;
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    let offset = 0;
    while (!this.done) {
      const state = this.#state;
      if (state.mode === 'header') {
        if (this.#pending.length - offset < BLOCK) break;
        this.#header(this.#pending.subarray(offset, offset + BLOCK));
        offset += BLOCK;
      } else if (state.mode === 'data' || state.mode === 'meta') {
        const available = this.#pending.length - offset;
        if (state.remaining > 0) {
          if (available === 0) break;
          const take = Math.min(available, state.remaining);
          if (state.mode === 'meta' || state.keep)
            state.chunks.push(Buffer.from(this.#pending.subarray(offset, offset + take)));
          state.remaining -= take;
          offset += take;
          continue;
        }
        if (available < state.padding) {
          state.padding -= available;
          offset += available;
          break;
        }
        offset += state.padding;
        this.#finishEntry(state);
        this.#state = { mode: 'header' };
      } else break;
    }
    this.#pending = this.#pending.subarray(offset);
  }

  /** The input ended: it must have ended at the end-of-archive marker (or, as GNU tar allows, after one zero block). */
  finish(): void {
    if (this.done) return;
    if (this.#state.mode === 'header' && this.#pending.length === 0 && this.#zeroBlocks === 1) return;
    if (this.#state.mode === 'header' && this.#pending.length === 0 && this.#zeroBlocks === 0 && this.#sawEntry) {
      return; // some writers omit the trailing zero blocks; every entry was complete
    }
    throw RegistryErrors.tarballInvalid('the archive is truncated');
  }

  #header(block: Buffer): void {
    if (block.every((byte) => byte === 0)) {
      this.#zeroBlocks++;
      if (this.#zeroBlocks === 2) this.#state = { mode: 'end' };
      return;
    }
    if (this.#zeroBlocks > 0) throw RegistryErrors.tarballInvalid('data after an end-of-archive block');
    if (!checksumMatches(block))
      throw RegistryErrors.tarballInvalid('a tar header checksum does not match (not a tar archive?)');
    this.#sawEntry = true;
    const typeflag = String.fromCharCode(block[156]);
    const size = numeric(block, 124, 12, 'size');
    if (size < 0) throw RegistryErrors.tarballInvalid('negative entry size');
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;

    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (size > MAX_META_BYTES) throw RegistryErrors.tooLarge('a tar metadata header', size, MAX_META_BYTES);
      this.#state = { mode: 'meta', typeflag, remaining: size, chunks: [], padding };
      return;
    }

    // Only POSIX ustar puts a path prefix at 345; GNU tar uses those bytes for times.
    const posix = block.subarray(257, 263).toString('latin1') === 'ustar\0';
    const name = text(block, 0, 100, 'name');
    const prefix = posix ? text(block, 345, 155, 'name prefix') : '';
    const header: TarHeader = {
      path: this.#pax.get('path') ?? this.#longName ?? (prefix ? `${prefix}/${name}` : name),
      kind: KINDS[typeflag] ?? 'unknown',
      typeflag,
      size: this.#pax.has('size') ? Number(this.#pax.get('size')) : size,
      linkpath: this.#pax.get('linkpath') ?? this.#longLink ?? text(block, 157, 100, 'link name'),
    };
    this.#pax = new Map();
    this.#longName = undefined;
    this.#longLink = undefined;
    if (!Number.isSafeInteger(header.size) || header.size < 0) throw RegistryErrors.tarballInvalid('bad pax size');

    this.#visitor.onHeader(header);
    const dataPadding = (BLOCK - (header.size % BLOCK)) % BLOCK;
    this.#state = {
      mode: 'data',
      header,
      remaining: header.size,
      chunks: [],
      keep: header.kind === 'file',
      padding: dataPadding,
    };
  }

  #finishEntry(state: Extract<State, { mode: 'data' | 'meta' }>): void {
    const data = Buffer.concat(state.chunks);
    if (state.mode === 'data') {
      if (state.header.kind === 'file') this.#visitor.onFile(state.header, data);
      return;
    }
    if (state.typeflag === 'x') {
      for (const [key, value] of paxRecords(data)) this.#pax.set(key, value);
    } else if (state.typeflag === 'L' || state.typeflag === 'K') {
      const end = data.indexOf(0);
      let value: string;
      try {
        value = utf8.decode(end === -1 ? data : data.subarray(0, end));
      } catch {
        throw RegistryErrors.unsafeEntry('<long name>', 'a GNU long name is not valid UTF-8');
      }
      if (state.typeflag === 'L') this.#longName = value;
      else this.#longLink = value;
    }
    // 'g' (pax global) headers carry archive-wide defaults such as comments; nothing in them is honoured.
  }
}
