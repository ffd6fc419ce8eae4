// How a registry command reaches the store: the data folder, database and signature policy from the shared settings,
// a read-only command refusing a folder that holds no store, the store closed afterwards; and who is acting.
import { userInfo } from 'node:os';
import { requireDataFile, type Command, type ProgramContext } from '@actionhost/sdk/cli';
import { PluginStore, isPostgresUrl } from '../store/index.ts';
import { NO_REGISTRY_FIX, REGISTRY_FILE, REGISTRY_SETTINGS } from './settings.ts';

export type WithStore = <T>(
  command: Command,
  mode: 'create' | 'existing',
  use: (store: PluginStore) => T | Promise<T>,
) => Promise<T>;

export function storeAccess(context: ProgramContext): WithStore {
  const { io } = context;
  return async (command, mode, use) => {
    const { dataDir, database, pluginSignatures } = REGISTRY_SETTINGS.load({
      flags: REGISTRY_SETTINGS.given(command),
      env: io.env,
    });
    // On PostgreSQL the index is the database's: a host's data folder may not hold a version yet.
    if (mode === 'existing' && !isPostgresUrl(database)) requireDataFile(dataDir, REGISTRY_FILE, NO_REGISTRY_FIX);
    const store = await PluginStore.open(dataDir, { signatures: pluginSignatures, database });
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  };
}

/** Who acts on the command line, as approvals and the trust store record it: `cli:<user name>`. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:uid-${process.getuid?.() ?? 'unknown'}`;
  }
}

export const JSON_HELP = 'print JSON instead of text';
