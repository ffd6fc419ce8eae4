// backup.json, the first entry of every backup: what made it and when, the schema versions of its databases (a
// restore refuses newer ones before extracting anything), checksums, the plugin versions, counts to verify the
// restore against, and the master key's id — the key itself is never in a backup.
import { z } from 'zod';

export const BACKUP_FORMAT = 'actionhost.backup';
export const BACKUP_FORMAT_VERSION = 1;
export const MANIFEST_ENTRY = 'backup.json';

export const RecordCounts = z.object({
  requests: z.number().int(),
  configurationItems: z.number().int(),
  relations: z.number().int(),
  auditEntries: z.number().int(),
  workflows: z.number().int(),
  executions: z.number().int(),
  finishedExecutions: z.number().int(),
  steps: z.number().int(),
  credentials: z.number().int(),
  adminActions: z.number().int(),
});
export type RecordCounts = z.infer<typeof RecordCounts>;

/** module → applied migration version (actionhost.db), and registry.db's schema version. */
export const SchemaVersions = z.object({
  actionhost: z.record(z.string(), z.number().int()),
  registry: z.number().int(),
});
export type SchemaVersions = z.infer<typeof SchemaVersions>;

export const BackupManifest = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.number().int().min(1),
  createdAt: z.string(),
  hostVersion: z.string(),
  schema: SchemaVersions,
  files: z.array(z.object({ path: z.string(), bytes: z.number().int(), sha256: z.string() })),
  plugins: z.array(z.object({ name: z.string(), version: z.string(), integrity: z.string() })),
  counts: RecordCounts,
  masterKey: z.object({
    included: z.literal(false),
    /** The ids of the keys the credentials are sealed under: the key to restore with must have one of them. */
    keyIds: z.array(z.string()),
  }),
});
export type BackupManifest = z.infer<typeof BackupManifest>;
