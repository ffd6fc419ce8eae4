// Where the master key comes from: ACTIONHOST_MASTER_KEY (base64 of 32 bytes), else <data>/master.key,
// else a new random key written there with mode 0600. A key file others can read is refused, not used.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CredentialErrors } from './errors.ts';
import { KEY_BYTES } from './crypto.ts';

export const MASTER_KEY_FILE = 'master.key';

export interface LoadMasterKeyOptions {
  /** Value of ACTIONHOST_MASTER_KEY, if set. */
  env?: string;
  dataDir: string;
  /**
   * The shared store (PostgreSQL, its URL without password) the host runs on: then the key must be given
   * (ACTIONHOST_MASTER_KEY or an existing master.key), never made here (AH_MASTER_KEY_REQUIRED).
   */
  sharedStore?: string;
}

function decode(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) throw CredentialErrors.masterKeyInvalid(source, 'not base64');
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES)
    throw CredentialErrors.masterKeyInvalid(source, `must decode to ${KEY_BYTES} bytes, got ${key.length}`);
  return key;
}

export function generateMasterKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

export async function loadMasterKey(options: LoadMasterKeyOptions): Promise<Buffer> {
  if (options.env !== undefined && options.env.trim() !== '') return decode(options.env, 'ACTIONHOST_MASTER_KEY');
  const file = join(options.dataDir, MASTER_KEY_FILE);
  try {
    const info = await stat(file);
    if ((info.mode & 0o077) !== 0) throw CredentialErrors.masterKeyInsecure(file, info.mode);
    return decode(await readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // A host of a shared store making a key of its own could not open what the others stored (nor they its secrets).
  if (options.sharedStore !== undefined) throw CredentialErrors.masterKeyRequired(options.sharedStore, file);
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const key = generateMasterKey();
  // 'wx' fails if another process created the file meanwhile: then use that one instead of overwriting it.
  try {
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writeFile(key.toString('base64') + '\n');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadMasterKey({ dataDir: options.dataDir });
    throw error;
  }
  return key;
}

/** Replaces <data>/master.key atomically (after `CredentialStore.rotate`), mode 0600. */
export async function saveMasterKey(options: { dataDir: string; key: Uint8Array }): Promise<string> {
  if (options.key.length !== KEY_BYTES)
    throw CredentialErrors.masterKeyInvalid('saveMasterKey', `must be ${KEY_BYTES} bytes`);
  const file = join(options.dataDir, MASTER_KEY_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(Buffer.from(options.key).toString('base64') + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await chmod(temporary, 0o600);
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  return file;
}
