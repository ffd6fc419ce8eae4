// The codes of running a host for years: moving workflows between environments (export and import), and — in
// their own sections — retention, backup and restore, and TLS.
import type { ErrorTable } from '@actionhost/sdk/errors';

export const transferErrors = {
  AH_WORKFLOW_IMPORT_INVALID: {
    status: 422,
    message: 'the workflow cannot be imported here: {summary}',
    description:
      'Import checked everything at once and found problems; details.problems lists each (code, message, node, path). Nothing was created or changed: install the missing plugin versions, create the credentials and App Integrations named, approve the capabilities, then import again.',
  },
  AH_WORKFLOW_EXPORT_UNRESOLVED: {
    status: 422,
    message: 'the draft of workflow {id} cannot be exported: {summary}',
    description:
      'A draft is exported with the plugin versions a publish would pin; one of its nodes resolves to none (details.problems). Fix the draft (or export the published version with from=published).',
  },
  AH_WORKFLOW_EXPORT_FORMAT: {
    status: 422,
    message: 'this is a workflow export of format {format} version {version}; this host reads version {supported}',
    description:
      'The document was written by a newer actionhost (or is not a workflow export). Upgrade this host, or export from a host of the same version.',
  },
  AH_IMPORT_PLUGIN_MISSING: {
    status: 422,
    message: '{plugin} is not installed here (node "{node}")',
    description:
      'A problem of an import: the exported workflow pins a plugin version this host does not have. Install exactly that version (`registry install name@version --integrity <the integrity in the document>`).',
  },
  AH_IMPORT_PLUGIN_INTEGRITY: {
    status: 422,
    message: '{plugin} is installed here with other bytes than were exported (node "{node}")',
    description:
      'A problem of an import: the same name and version exist here with another integrity, so they are not the package the workflow was built and tested with. Find out which is genuine before going on.',
  },
  AH_IMPORT_CAPABILITY_UNAPPROVED: {
    status: 422,
    message: 'the capabilities of {plugin} are not approved here: {capabilities} (node "{node}")',
    description: "A problem of an import: an admin approves the plugin version's capabilities on this host first.",
  },
  AH_IMPORT_APP_INTEGRATION_MISSING: {
    status: 422,
    message: 'App Integration "{name}" does not exist here (node "{node}")',
    description:
      "A problem of an import: create an App Integration of that name (with this environment's application) first.",
  },
  AH_IMPORT_APP_INTEGRATION_MISMATCH: {
    status: 422,
    message: 'App Integration "{name}" runs {found} here, the workflow was built for {expected} (node "{node}")',
    description:
      'A problem of an import: the App Integration of that name uses another plugin here; point it at the plugin the workflow expects, or rename one of them.',
  },
  AH_IMPORT_CREDENTIAL_MISSING: {
    status: 422,
    message: 'credential "{name}" does not exist here',
    description:
      "A problem of an import: the workflow names a credential (never its secret); create one of that name and type on this host's API Credential page first.",
  },
  AH_IMPORT_CREDENTIAL_TYPE: {
    status: 422,
    message: 'credential "{name}" is a {found} credential here, the workflow expects {expected}',
    description: 'A problem of an import: the credential of that name has another type here; fix one of them.',
  },
  AH_WORKFLOW_NAME_TAKEN: {
    status: 409,
    message: 'a workflow named "{name}" exists here ({id}{published})',
    description:
      "A problem of an import: importing never overwrites silently. Import with replace=<its id> to replace that workflow's draft (its published version keeps running until someone publishes), or rename the workflow in the document.",
  },
  AH_IMPORT_SECRET_INPUT: {
    status: 200,
    message: 'node "{node}" had a secret typed into {path}: it was not exported; enter it again before publishing',
    description:
      'A warning of an import (the draft is created): a literal secret in Input Mappings never leaves its host, so the imported draft holds an empty value there.',
  },
  AH_IMPORT_PIN_DIFFERS: {
    status: 200,
    message: 'node "{node}" was exported with {exported}; publishing here would pin {here}',
    description:
      "A warning of an import: this host has a higher version in the node's range. Publish to use it, or narrow the node's range to the exported version.",
  },
} as const satisfies ErrorTable;

export const backupErrors = {
  AH_BACKUP_INVALID: {
    status: 422,
    message: 'this is not a usable actionhost backup: {problem}',
    description:
      'The backup file is damaged, truncated, not a backup made by `actionhost backup`, or holds an entry that would leave the data folder. Nothing was restored; use another copy of the backup.',
  },
  AH_BACKUP_NEWER_SCHEMA: {
    status: 422,
    message: 'the backup was made by a newer actionhost ({module} at schema version {found}; this one knows {known})',
    description:
      'Restoring it here could lose or misread data. Restore it with an actionhost at least as new as the one that made it (the backup names it: hostVersion in backup.json).',
  },
  AH_BACKUP_PLUGIN_CHANGED: {
    status: 409,
    message: 'plugin {plugin} was removed or changed while the backup was being made',
    description: 'A plugin version was removed while its files were copied; run the backup again.',
  },
  AH_RESTORE_TARGET_NOT_EMPTY: {
    status: 409,
    message: 'the data folder {dataDir} is not empty',
    description:
      'A backup is restored into an empty (or new) data folder only, so nothing is mixed or overwritten; choose another --data or empty it first.',
  },
  AH_RESTORE_VERIFY_FAILED: {
    status: 422,
    message: 'the restored data does not match the backup: {problem}',
    description:
      'After extracting, the restore compares checksums, counts and plugin files with what the backup recorded; they differ, so the restore was undone. Use another copy of the backup.',
  },
  AH_RESTORE_MASTER_KEY_MISMATCH: {
    status: 422,
    message: 'the master key given opens none of the backed-up credentials (key {given}; the backup needs {needed})',
    description:
      'Credentials are encrypted under the master key, which is not in the backup. Give the key the backed-up host used (its master.key file or ACTIONHOST_MASTER_KEY).',
  },
  AH_STORE_SCHEMA_NEWER: {
    status: 503,
    message:
      'the database {file} was written by a newer actionhost ({module} at schema version {found}; this one knows {known})',
    description:
      'The data folder was upgraded (or restored from a newer host); this older host refuses to run on it rather than misread it. Run the newer actionhost.',
  },
} as const satisfies ErrorTable;

export const postgresMoveErrors = {
  AH_MIGRATE_TARGET_NOT_EMPTY: {
    status: 409,
    message: 'the PostgreSQL database {target} is not empty ({found})',
    description:
      '`actionhost migrate --to` moves a data folder into a new, empty database only, so nothing is mixed or overwritten: create a new database (CREATE DATABASE …) and give its URL.',
  },
  AH_MIGRATE_TABLE_UNKNOWN: {
    status: 422,
    message: 'table {table} of the data folder has no place in the PostgreSQL schema: {problem}',
    description:
      'The SQLite file holds a table (or a column) the PostgreSQL migrations do not create, so moving it would lose data. Nothing was written; run the same actionhost version that wrote the data folder, or report it.',
  },
  AH_MIGRATE_VERIFY_FAILED: {
    status: 500,
    message: 'the moved data does not match the data folder: {problem}',
    description:
      'After copying, the row counts of every table and a sample of credentials (decrypted on both sides) are compared; they differ, so the copy was rolled back (counts) or must not be used (secrets). Nothing in the data folder changed.',
  },
  AH_BACKUP_ON_POSTGRES: {
    status: 422,
    message: "`actionhost {command}` copies a data folder's SQLite files; this host runs on PostgreSQL ({target})",
    description:
      "On PostgreSQL the records live in the database several hosts share: back it up with PostgreSQL's own tools (pg_dump, or continuous archiving), and keep the master key apart. The data folder of each host holds only its plugin packages.",
  },
} as const satisfies ErrorTable;
