// Backup and restore of a data folder: a consistent online copy of both databases and the installed plugin
// packages in one .tar.gz (never the master key), and a restore into an empty folder that refuses newer schemas.
export { makeBackup, DATABASES, type BackupOptions, type BackupResult } from './backup.ts';
export { restoreBackup, readManifest, checkSchema, emptyFolder, type RestoreOptions } from './restore.ts';
export { BackupManifest, RecordCounts, SchemaVersions, BACKUP_FORMAT, BACKUP_FORMAT_VERSION } from './manifest.ts';
export { recordCounts, schemaOf, registrySchema, withDatabase, credentialKeyIds } from './snapshot.ts';
export { BackupErrors } from './errors.ts';
export { readArchive, ArchiveWriter, safeTarget, type ArchiveEntry } from './archive.ts';
