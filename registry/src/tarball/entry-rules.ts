// What a plugin tarball may contain: plain files and folders under package/, with safe, unambiguous names,
// within the size and count caps. Checked per header, before any data is read or anything is written.
import { RegistryErrors } from '../errors.ts';
import type { TarHeader } from './ustar.ts';

export interface ExtractLimits {
  /** Largest single file, in bytes (default 5 MiB). */
  maxFileBytes?: number;
  /** Sum of all file sizes, in bytes (default 20 MiB). */
  maxTotalBytes?: number;
  /** Files and folders together (default 500). */
  maxEntries?: number;
  /** Decompressed tar stream, headers and padding included (default: total cap + room for headers). */
  maxDecompressedBytes?: number;
}

export type ResolvedLimits = Required<ExtractLimits>;

export const DEFAULT_LIMITS = {
  maxFileBytes: 5 * 1024 * 1024,
  maxTotalBytes: 20 * 1024 * 1024,
  maxEntries: 500,
} as const;

export function resolveLimits(limits: ExtractLimits = {}): ResolvedLimits {
  const maxFileBytes = limits.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes;
  const maxTotalBytes = limits.maxTotalBytes ?? DEFAULT_LIMITS.maxTotalBytes;
  const maxEntries = limits.maxEntries ?? DEFAULT_LIMITS.maxEntries;
  // Each entry costs at most a header, a pax header pair and padding (~2 KiB); 1 MiB covers meta headers.
  const maxDecompressedBytes = limits.maxDecompressedBytes ?? maxTotalBytes + (maxEntries + 1) * 2048 + 1024 * 1024;
  return { maxFileBytes, maxTotalBytes, maxEntries, maxDecompressedBytes };
}

/** Archive root every plugin tarball uses (npm's convention). */
export const PACKAGE_ROOT = 'package';
/** Where the registry keeps the original tarball beside the extracted files; a package may not ship it. */
export const RESERVED_FILE = 'package.tgz';

export interface CheckedEntry {
  /** Path relative to package/, '/'-separated, no trailing slash */
  path: string;
  kind: 'file' | 'directory';
}

const refusedKinds: Record<string, string> = {
  symlink: 'symbolic links are not allowed',
  hardlink: 'hard links are not allowed',
  'character-device': 'device entries are not allowed',
  'block-device': 'device entries are not allowed',
  fifo: 'FIFOs are not allowed',
  'contiguous-file': 'only plain files and folders are allowed',
};

/** Splits and checks an entry path; returns the segments below package/ ([] for package/ itself). */
function checkPath(path: string): string[] {
  const refuse = (reason: string) => RegistryErrors.unsafeEntry(path, reason);
  if (path === '') throw refuse('empty path');
  if (path.includes('\0')) throw refuse('NUL character in path');
  if (path.includes('\\')) throw refuse('backslash in path');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) throw refuse('absolute path');
  if (/[\u0000-\u001f\u007f]/.test(path)) throw refuse('control character in path');
  const segments = (path.endsWith('/') ? path.slice(0, -1) : path).split('/');
  if (segments.includes('..')) throw refuse('".." segment escapes the package folder');
  if (segments.some((segment) => segment === '' || segment === '.')) throw refuse('empty or "." path segment');
  if (segments.some((segment) => Buffer.byteLength(segment) > 255)) throw refuse('path segment longer than 255 bytes');
  if (segments[0] !== PACKAGE_ROOT) throw refuse(`entry is not under ${PACKAGE_ROOT}/`);
  return segments.slice(1);
}

/** Names that are equal after Unicode NFC normalisation and case folding land on one file on some systems. */
function foldName(path: string): string {
  return path.normalize('NFC').toLowerCase();
}

export class EntryRules {
  readonly #limits: ResolvedLimits;
  /** folded path → how the archive spelt it and what it is (folders include implied parents) */
  readonly #names = new Map<string, { spelling: string; kind: 'file' | 'directory' }>();
  #entries = 0;
  #totalBytes = 0;

  constructor(limits: ResolvedLimits) {
    this.#limits = limits;
  }

  /** Checks one header; returns the entry to create, or undefined for the package/ folder itself. */
  check(header: TarHeader): CheckedEntry | undefined {
    const refuse = (reason: string) => RegistryErrors.unsafeEntry(header.path, reason);
    const segments = checkPath(header.path);
    if (header.kind !== 'file' && header.kind !== 'directory') {
      throw refuse(refusedKinds[header.kind] ?? `unsupported entry type "${header.typeflag}"`);
    }
    if (++this.#entries > this.#limits.maxEntries) throw RegistryErrors.tooManyEntries(this.#limits.maxEntries);
    if (header.kind === 'directory' && header.size !== 0) throw refuse('a folder entry carries data');
    if (header.kind === 'file') {
      if (header.path.endsWith('/')) throw refuse('a file entry whose name ends with "/"');
      if (segments.length === 0) throw refuse(`${PACKAGE_ROOT} must be a folder`);
      if (header.size > this.#limits.maxFileBytes) {
        throw RegistryErrors.tooLarge(`file ${header.path}`, header.size, this.#limits.maxFileBytes, header.path);
      }
      this.#totalBytes += header.size;
      if (this.#totalBytes > this.#limits.maxTotalBytes) {
        throw RegistryErrors.tooLarge(
          'the unpacked package',
          this.#totalBytes,
          this.#limits.maxTotalBytes,
          header.path,
        );
      }
      if (segments.length === 1 && segments[0] === RESERVED_FILE) throw refuse('reserved file name');
    }
    if (segments.length === 0) return undefined;

    // Every parent is an implied folder: it must not be a file, nor spelt differently elsewhere.
    for (let depth = 1; depth <= segments.length; depth++) {
      const spelling = segments.slice(0, depth).join('/');
      const kind = depth === segments.length ? header.kind : 'directory';
      const known = this.#names.get(foldName(spelling));
      if (!known) {
        this.#names.set(foldName(spelling), { spelling, kind });
        continue;
      }
      if (known.spelling !== spelling) {
        throw refuse(
          `name collides with "${PACKAGE_ROOT}/${known.spelling}" after Unicode NFC normalisation or case folding`,
        );
      }
      if (depth < segments.length && known.kind === 'file') throw refuse(`a parent folder is a file`);
      if (depth === segments.length && (kind === 'file' || known.kind === 'file')) throw refuse('duplicate entry');
    }
    return { path: segments.join('/'), kind: header.kind };
  }
}
