// The settings of the plugin store, declared once for every command line that works on a data folder: `registry`
// here, and `actionhost`, whose settings table (core/src/config) takes these entries as they are (core depends on
// registry): the data folder, and which publisher signatures an install requires.
import { choice, defineSettings, folder, type Setting } from '@actionhost/sdk/cli';

export const DATA_DIR_SETTING = {
  env: 'ACTIONHOST_DATA',
  flag: '--data <dir>',
  value: folder(),
  default: './data',
  description: 'data folder: actionhost.db, registry.db, plugins/<name>/<version>/, master.key',
} as const satisfies Setting<string>;

export const SIGNATURE_POLICY_SETTING = {
  env: 'ACTIONHOST_PLUGIN_SIGNATURES',
  flag: '--plugin-signatures <policy>',
  value: choice(['optional', 'trusted'] as const),
  default: 'optional',
  description:
    'which plugin packages install (registry install, API upload): trusted = only those signed by a publisher key ' +
    'in the trust store (registry trust add); optional = also unsigned and untrusted ones. A signature that does ' +
    'not verify is always refused',
} as const satisfies Setting<'optional' | 'trusted'>;

/** What the registry reads, by the same declarations the host uses. */
export const REGISTRY_SETTINGS = defineSettings({
  dataDir: DATA_DIR_SETTING,
  pluginSignatures: SIGNATURE_POLICY_SETTING,
});

/** The store file a read-only command requires in the data folder, and what to do when it is missing. */
export const REGISTRY_FILE = 'registry.db';
export const NO_REGISTRY_FIX =
  'check --data (or ACTIONHOST_DATA); `registry install` or `actionhost start` creates the store in a new folder';
