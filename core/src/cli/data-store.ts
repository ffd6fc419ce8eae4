// Commands that work on a data folder's database directly (whether the host runs or not) open it here: the folder
// comes from --data / ACTIONHOST_DATA, and a folder without a database is refused rather than created empty.
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { requireDataFile, type CliIo, type Command } from '@actionhost/sdk/cli';
import { HOST_SETTINGS, loadConfig, type HostConfig } from '../config/index.ts';
import { Store } from '../store/index.ts';
import type { AdminActor } from '../admin-log/index.ts';

export const DATABASE = 'actionhost.db';
const NO_DATABASE_FIX = 'check --data (or ACTIONHOST_DATA); `actionhost start` creates the database in a new folder';

/** Opens the data folder's store for `use` and closes it afterwards. */
export async function withDataStore<T>(
  command: Command,
  io: Required<CliIo>,
  use: (store: Store, config: HostConfig) => T | Promise<T>,
): Promise<T> {
  const config = loadConfig(HOST_SETTINGS.given(command), io.env);
  requireDataFile(config.dataDir, DATABASE, NO_DATABASE_FIX);
  const store = Store.open(join(config.dataDir, DATABASE));
  try {
    return await use(store, config);
  } finally {
    store.close();
  }
}

/** Who acts when a person changes something at the command line: the operating-system user. */
export function commandLineActor(): AdminActor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    /* no passwd entry (a container's arbitrary uid): keep "unknown" */
  }
  return { type: 'cli', name };
}
