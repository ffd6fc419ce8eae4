// What the backup reads from a database snapshot and the restore checks again: schema versions, record counts,
// the ids of the master keys credentials are sealed under, and the installed plugin versions.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import type { RecordCounts } from './manifest.ts';

/** Counts rows of a table that may not exist in an older database (then 0). */
function count(db: DatabaseSync, table: string, where = '1'): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
  if (!exists) return 0;
  return Number((db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n);
}

export function recordCounts(db: DatabaseSync): RecordCounts {
  return {
    requests: count(db, 'itsm_requests'),
    configurationItems: count(db, 'itsm_configuration_items'),
    relations: count(db, 'itsm_relations'),
    auditEntries: count(db, 'itsm_audit'),
    workflows: count(db, 'workflows'),
    executions: count(db, 'workflow_executions'),
    finishedExecutions: count(db, 'workflow_executions', "status IN ('succeeded', 'failed')"),
    steps: count(db, 'workflow_steps'),
    credentials: count(db, 'credentials'),
    adminActions: count(db, 'admin_actions'),
  };
}

export function schemaOf(db: DatabaseSync): Record<string, number> {
  const rows = db.prepare('SELECT module, MAX(version) AS version FROM schema_migrations GROUP BY module').all() as {
    module: string;
    version: number;
  }[];
  return Object.fromEntries(rows.map((row) => [row.module, Number(row.version)]));
}

export function credentialKeyIds(db: DatabaseSync): string[] {
  if (count(db, 'credentials') === 0) return [];
  return (db.prepare('SELECT DISTINCT key_id FROM credentials ORDER BY key_id').all() as { key_id: string }[]).map(
    (row) => row.key_id,
  );
}

export function registrySchema(db: DatabaseSync): number {
  return Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
}

export function installedPlugins(db: DatabaseSync): { name: string; version: string; integrity: string }[] {
  return db.prepare('SELECT name, version, integrity FROM plugin_versions ORDER BY name, version').all() as {
    name: string;
    version: string;
    integrity: string;
  }[];
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Opens a database file for reading only, and closes it after `use`. */
export function withDatabase<T>(file: string, use: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return use(db);
  } finally {
    db.close();
  }
}
