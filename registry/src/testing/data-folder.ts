// Temp data folders for registry tests, and a snapshot of one (every path, its kind, mode and content hash)
// so a test can prove a refused install left the folder exactly as it was.
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'ah-registry-'): { path: string; [Symbol.dispose](): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Recursive listing with content hashes. registry.db-shm is left out on purpose: it is SQLite's shared-memory
 * index of the WAL, which readers update (read marks) without changing any data.
 */
export function snapshot(root: string): string[] {
  const lines: string[] = [];
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const relative = path.slice(root.length + 1);
    if (relative === 'registry.db-shm') continue;
    const stat = lstatSync(path);
    const mode = (stat.mode & 0o7777).toString(8);
    if (stat.isFile()) {
      lines.push(`file ${relative} ${mode} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
    } else if (stat.isDirectory()) {
      lines.push(`dir ${relative} ${mode}`);
    } else {
      lines.push(`other ${relative} ${mode}`);
    }
  }
  return lines.sort();
}
