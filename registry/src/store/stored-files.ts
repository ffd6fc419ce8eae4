// Checks an installed version's folder against what was recorded at install: the kept package.tgz against
// its sha512 integrity, every extracted file against its sha256, and nothing added or swapped for a link.
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SIGNATURE_FILE, integrityOf } from '@actionhost/sdk';
import { RegistryErrors } from '../errors.ts';
import { RESERVED_FILE, sha256, type FileRecord } from '../tarball/index.ts';

/** Reads a file of a version folder, or says why it cannot be trusted; undefined only when `problems` got a line. */
function readRegularFile(dir: string, path: string, problems: string[]): Buffer | undefined {
  const file = join(dir, ...path.split('/'));
  try {
    if (!lstatSync(file).isFile()) {
      problems.push(`${path} is no longer a regular file`);
      return undefined;
    }
    return readFileSync(file);
  } catch {
    problems.push(`${path} is missing`);
    return undefined;
  }
}

/** The recorded file's bytes, after checking its sha256; AH_INTEGRITY_MISMATCH when it changed or went. */
export function readRecordedFile(plugin: string, dir: string, files: readonly FileRecord[], path: string): Buffer {
  const recorded = files.find((file) => file.path === path);
  if (!recorded) throw RegistryErrors.storedFileTampered(plugin, path, 'has no recorded hash');
  const problems: string[] = [];
  const data = readRegularFile(dir, path, problems);
  if (data === undefined) throw RegistryErrors.storedFileTampered(plugin, path, problems[0].slice(path.length + 1));
  if (sha256(data) !== recorded.sha256)
    throw RegistryErrors.storedFileTampered(plugin, path, 'was modified since install');
  return data;
}

/** Every difference between the folder and the record, as sentences; [] when the version is intact. */
export function storedVersionProblems(dir: string, integrity: string, files: readonly FileRecord[]): string[] {
  const problems: string[] = [];
  if (!existsSync(dir)) return [`the version folder ${dir} is missing`];
  const tarball = readRegularFile(dir, RESERVED_FILE, problems);
  if (tarball && integrityOf(tarball) !== integrity) problems.push(`${RESERVED_FILE} does not match ${integrity}`);
  const expected = new Set([RESERVED_FILE]);
  for (const file of files) {
    expected.add(file.path);
    const data = readRegularFile(dir, file.path, problems);
    if (data && sha256(data) !== file.sha256) problems.push(`${file.path} was modified (sha256 differs)`);
  }
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isDirectory()) continue;
    const path = relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/');
    if (!expected.has(path)) problems.push(`${path} is not part of the package`);
  }
  return problems;
}

/** Same files with the same hashes, the signature aside. */
export function sameContent(installed: readonly FileRecord[], offered: readonly FileRecord[]): boolean {
  const key = (files: readonly FileRecord[]) =>
    files
      .filter((file) => file.path !== SIGNATURE_FILE)
      .map((file) => `${file.path}\u0000${file.sha256}`)
      .sort()
      .join('\n');
  return key(installed) === key(offered);
}
