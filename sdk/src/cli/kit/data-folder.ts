// Data folders on the command line: a command that only reads refuses a folder that holds no store.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CommandLineErrors } from './errors.ts';

/**
 * Refuses a data folder without `file`: a command that only reads must not create an empty store where a mistyped
 * --data points, and then report that nothing is there.
 */
export function requireDataFile(dataDir: string, file: string, fix: string): void {
  if (!existsSync(join(dataDir, file))) throw CommandLineErrors.dataNotFound(dataDir, file, fix);
}
