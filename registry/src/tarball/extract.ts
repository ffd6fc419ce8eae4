// Writes checked package contents into a fresh folder: folders 0755, files 0644 whatever the archive said,
// each file created exclusively (never through something already there), and hashed as it is written.
import { createHash } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PackageContents } from './read.ts';

export interface FileRecord {
  /** Path relative to the version folder, '/'-separated */
  path: string;
  sha256: string;
  bytes: number;
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `dir` must not exist yet; its parent must. Returns one record per file, sorted by path. */
export async function writePackage(contents: PackageContents, dir: string): Promise<FileRecord[]> {
  // Folders first, parents before children, each chmod-ed so the umask cannot change the result.
  const folders = new Set<string>(['']);
  for (const entry of contents.entries) {
    const segments = entry.path.split('/');
    const last = entry.kind === 'directory' ? segments.length : segments.length - 1;
    for (let i = 1; i <= last; i++) folders.add(segments.slice(0, i).join('/'));
  }
  const depth = (folder: string) => (folder === '' ? 0 : folder.split('/').length);
  for (const folder of [...folders].sort((a, b) => depth(a) - depth(b))) {
    const target = folder === '' ? dir : join(dir, ...folder.split('/'));
    await mkdir(target, { mode: 0o755 });
    await chmod(target, 0o755);
  }
  const records: FileRecord[] = [];
  for (const entry of contents.entries) {
    if (entry.kind !== 'file') continue;
    const data = contents.files.get(entry.path) ?? Buffer.alloc(0);
    const target = join(dir, ...entry.path.split('/'));
    await writeFile(target, data, { flag: 'wx', mode: 0o644 });
    await chmod(target, 0o644);
    records.push({ path: entry.path, sha256: sha256(data), bytes: data.length });
  }
  return records.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
