// Which index a data folder uses: PostgreSQL when a postgres:// URL is given (hosts sharing one database), otherwise
// the data folder's registry.db.
import { join } from 'node:path';
import type { Catalog } from './catalog.ts';
import { PostgresCatalog } from './postgres-catalog.ts';
import { SqliteCatalog } from './sqlite-catalog.ts';

export function isPostgresUrl(database: string | undefined): database is string {
  return database !== undefined && /^postgres(ql)?:\/\//i.test(database);
}

export async function openCatalog(dataDir: string, database?: string): Promise<Catalog> {
  return isPostgresUrl(database) ? PostgresCatalog.open(database) : SqliteCatalog.open(join(dataDir, 'registry.db'));
}
