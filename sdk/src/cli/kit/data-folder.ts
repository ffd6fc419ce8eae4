// Data folders on the command line: a command that only reads refuses a folder that holds no store, and the
// SQLite files a data folder holds are readable by their owner only, like master.key.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CommandLineErrors } from './errors.ts';

/**
 * Refuses a data folder without `file`: a command that only reads must not create an empty store where a mistyped
 * --data points, and then report that nothing is there.
 */
export function requireDataFile(dataDir: string, file: string, fix: string): void {
  if (!existsSync(join(dataDir, file))) throw CommandLineErrors.dataNotFound(dataDir, file, fix);
}

/** Creates a data folder (and its parents) owner-only, as master.key's folder is; an existing folder is left as is. */
export function makeDataFolder(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

/**
 * Makes a SQLite database file private before SQLite opens it: created empty with mode 0600 when missing (SQLite
 * would create it 0644), and group/other access taken from an existing file and its -wal and -shm companions (an
 * older data folder). SQLite gives the -wal and -shm files it creates the database file's mode, so they follow.
 */
export function privateDatabaseFile(file: string): void {
  if (!existsSync(file)) {
    try {
      closeSync(openSync(file, 'wx', 0o600));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    const mode = statSync(path, { throwIfNoEntry: false })?.mode;
    if (mode === undefined || (mode & 0o077) === 0) continue;
    try {
      chmodSync(path, mode & 0o700);
    } catch (error) {
      // A read-only mount or another user's file: the commands that only read still work, SQLite reports the rest.
      if (!['EROFS', 'EPERM', 'EACCES'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
  }
}
