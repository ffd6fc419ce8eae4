// How a registry command reaches the store: the data folder and signature policy from the shared settings, a
// read-only command refusing a folder that holds no store, the store closed afterwards; and who is acting.
import { userInfo } from 'node:os';
import { requireDataFile, type Command, type ProgramContext } from '@actionhost/sdk/cli';
import { PluginStore } from '../store/index.ts';
import { NO_REGISTRY_FIX, REGISTRY_FILE, REGISTRY_SETTINGS } from './settings.ts';

export type WithStore = <T>(
  command: Command,
  mode: 'create' | 'existing',
  use: (store: PluginStore) => T | Promise<T>,
) => Promise<T>;

export function storeAccess(context: ProgramContext): WithStore {
  const { io } = context;
  return async (command, mode, use) => {
    const { dataDir, pluginSignatures } = REGISTRY_SETTINGS.load({
      flags: REGISTRY_SETTINGS.given(command),
      env: io.env,
    });
    if (mode === 'existing') requireDataFile(dataDir, REGISTRY_FILE, NO_REGISTRY_FIX);
    const store = PluginStore.open(dataDir, { signatures: pluginSignatures });
    try {
      return await use(store);
    } finally {
      store.close();
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
