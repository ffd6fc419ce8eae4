// The errors of backup and restore; codes, statuses and messages come from core's error table.
import { CoreErrors } from '../errors/index.ts';

export const BackupErrors = {
  archiveInvalid: CoreErrors.AH_BACKUP_INVALID,
  newerSchema: CoreErrors.AH_BACKUP_NEWER_SCHEMA,
  targetNotEmpty: CoreErrors.AH_RESTORE_TARGET_NOT_EMPTY,
  verifyFailed: CoreErrors.AH_RESTORE_VERIFY_FAILED,
  masterKeyMismatch: CoreErrors.AH_RESTORE_MASTER_KEY_MISMATCH,
  pluginChanged: CoreErrors.AH_BACKUP_PLUGIN_CHANGED,
} as const;
