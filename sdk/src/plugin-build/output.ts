// Build outputs are written atomically (temp file + rename): parallel builds of one folder (test files run
// in parallel forks) write identical bytes, and a reader never sees half a plugin.json or dist/plugin.js.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

export async function writeFileAtomic(file: string, contents: string | Uint8Array): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, contents);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** JSON with two-space indent and a final newline; key order is the order the value was built in. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
