// The data folder setting, declared once for every command line that works on a data folder: `registry` here, and
// `actionhost`, whose settings table (core/src/config) takes this entry as it is (core depends on registry).
import { defineSettings, folder, type Setting } from '@actionhost/sdk/cli';

export const DATA_DIR_SETTING = {
  env: 'ACTIONHOST_DATA',
  flag: '--data <dir>',
  value: folder(),
  default: './data',
  description: 'data folder: actionhost.db, registry.db, plugins/<name>/<version>/, master.key',
} as const satisfies Setting<string>;

/** What the registry reads, by the same declaration the host uses. */
export const REGISTRY_SETTINGS = defineSettings({ dataDir: DATA_DIR_SETTING });

/** The store file a read-only command requires in the data folder, and what to do when it is missing. */
export const REGISTRY_FILE = 'registry.db';
export const NO_REGISTRY_FIX =
  'check --data (or ACTIONHOST_DATA); `registry install` or `actionhost start` creates the store in a new folder';
