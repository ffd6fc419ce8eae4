// The settings of the plugin store, declared once for every command line that works on a data folder: `registry`
// here, and `actionhost`, whose settings table (core/src/config) takes these entries as they are (core depends on
// registry): the data folder, and which publisher signatures an install requires.
import { z } from 'zod';
import { choice, defineSettings, folder, type Setting, type Value } from '@actionhost/sdk/cli';
import { isPostgresUrl } from '../store/open-catalog.ts';

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

/** A PostgreSQL URL: the index (and the package bytes) shared by every host on that database. */
function databaseUrl(): Value<string> {
  return {
    schema: z.string().trim().refine(isPostgresUrl, 'not a postgres:// URL'),
    expects: 'a postgres://user:password@host:port/database URL',
  };
}

export const REGISTRY_DATABASE_SETTING = {
  env: 'ACTIONHOST_DATABASE_URL',
  flag: '--database <url>',
  value: databaseUrl(),
  secret: true,
  description:
    'PostgreSQL database several hosts share: the plugin index and the package bytes live there (each host extracts ' +
    'a version into its own data folder on first use); without it, registry.db in the data folder',
} as const satisfies Setting<string>;

/** What the registry reads, by the same declarations the host uses. */
export const REGISTRY_SETTINGS = defineSettings({
  dataDir: DATA_DIR_SETTING,
  database: REGISTRY_DATABASE_SETTING,
  pluginSignatures: SIGNATURE_POLICY_SETTING,
});

/** The store file a read-only command requires in the data folder, and what to do when it is missing. */
export const REGISTRY_FILE = 'registry.db';
export const NO_REGISTRY_FIX =
  'check --data (or ACTIONHOST_DATA); `registry install` or `actionhost start` creates the store in a new folder';
