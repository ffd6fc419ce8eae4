// The schema versions this host's code brings a data folder to: every module's migrations, as opening a data
// folder applies them, and the registry's. A restore compares a backup's versions with these.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMasterKey } from '../credentials/index.ts';
import { registrySchema, schemaOf, withDatabase, type SchemaVersions } from '../backup/index.ts';
import type { HostConfig } from '../config/index.ts';
import { openDataFolder } from './data-folder.ts';

/** Opens a throwaway data folder (so exactly the modules a host migrates are counted) and reads its versions. */
export async function knownSchema(config: HostConfig): Promise<SchemaVersions> {
  const dataDir = mkdtempSync(join(tmpdir(), 'actionhost-schema-'));
  try {
    const folder = await openDataFolder({
      ...config,
      dataDir,
      // registry.db's schema is what a backup holds: never the shared database's.
      databaseUrl: undefined,
      masterKey: generateMasterKey().toString('base64'),
    });
    await folder.close();
    return {
      actionhost: withDatabase(join(dataDir, 'actionhost.db'), schemaOf),
      registry: withDatabase(join(dataDir, 'registry.db'), registrySchema),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
