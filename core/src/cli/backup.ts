// `actionhost backup <file>` and `actionhost restore <file>`: a consistent copy of a (running) host's data folder
// — both databases and the installed plugin packages, never the master key — and its restore into an empty
// folder, refused for a backup from a newer schema, checked against the counts and checksums it recorded.
import { copyFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { PluginStore } from '@actionhost/registry';
import { Command, requireDataFile, text, textTable, valueOption, type ProgramContext } from '@actionhost/sdk/cli';
import { AdminLog } from '../admin-log/index.ts';
import {
  BackupErrors,
  emptyFolder,
  makeBackup,
  recordCounts,
  restoreBackup,
  withDatabase,
  type BackupManifest,
  type RecordCounts,
} from '../backup/index.ts';
import { HOST_SETTINGS, loadConfig } from '../config/index.ts';
import { keyIdOf, loadMasterKey, MASTER_KEY_FILE } from '../credentials/index.ts';
import { HOST_VERSION, knownSchema, openDataFolder } from '../host/index.ts';
import { SqliteDatabase, Store } from '../store/index.ts';
import { DATABASE, commandLineActor } from './data-store.ts';

const KEY_WARNING =
  'The master key is NOT in the backup (by design). Keep a copy of <data>/master.key, or of ACTIONHOST_MASTER_KEY, ' +
  'apart from the backup: without it the credentials and sealed inputs in the backup cannot be opened.';

function countRows(counts: RecordCounts): string[][] {
  return Object.entries(counts).map(([what, n]) => [what, String(n)]);
}

export function backupCommands(context: ProgramContext): Command[] {
  const { io } = context;

  const backup: Command = new Command('backup')
    .summary('copy a data folder (running host or not) into one backup file, without the master key')
    .description(
      'Writes a consistent copy of the data folder into <file> (a .tar.gz): actionhost.db and registry.db as of ' +
        'one moment each (SQLite VACUUM INTO: the host keeps running and writing), the installed plugin packages, ' +
        'and backup.json (schema versions, checksums, counts). ' +
        KEY_WARNING,
    )
    .argument('<file>');
  for (const option of HOST_SETTINGS.options(['dataDir'])) backup.addOption(option);
  backup.option('--json', 'print the manifest and timings as JSON').action(
    context.action(async (file: string, options: { json?: boolean }) => {
      const config = loadConfig(HOST_SETTINGS.given(backup), io.env);
      requireDataFile(config.dataDir, DATABASE, 'check --data (or ACTIONHOST_DATA)');
      const result = await makeBackup({
        dataDir: config.dataDir,
        file,
        hostVersion: HOST_VERSION,
        progress: (message) => io.stderr(`backup: ${message}`),
      });
      const store = Store.open(join(config.dataDir, DATABASE));
      try {
        const log = await AdminLog.open({ db: new SqliteDatabase(store) });
        await log.record({
          actor: commandLineActor(),
          action: 'backup.create',
          target: { type: 'backup', id: file },
          before: null,
          after: { createdAt: result.manifest.createdAt, bytes: result.bytes, counts: result.manifest.counts },
          origin: { command: `actionhost backup ${file}` },
        });
      } finally {
        store.close();
      }
      if (options.json) {
        io.stdout(
          JSON.stringify(
            { file, bytes: result.bytes, durationMs: result.durationMs, manifest: result.manifest },
            null,
            2,
          ),
        );
      } else {
        io.stdout(textTable([['backed up', 'rows'], ...countRows(result.manifest.counts)]));
        io.stdout(
          `${file}: ${result.bytes} bytes, ${result.manifest.plugins.length} plugin versions, ${result.durationMs} ms`,
        );
      }
      io.stderr(`backup: ${KEY_WARNING} Key id: ${result.manifest.masterKey.keyIds.join(', ') || '(no credentials)'}`);
    }),
  );

  const restore: Command = new Command('restore')
    .summary('restore a backup file into an empty data folder')
    .description(
      'Restores <file> (made by `actionhost backup`) into the data folder, which must be empty or not exist. A ' +
        'backup made by a newer actionhost is refused before anything is written. The databases are checked ' +
        'against their checksums and counts, the plugin packages against their integrity; anything that fails ' +
        'leaves the folder empty. The master key is not in a backup: give it with --master-key-file (or ' +
        'ACTIONHOST_MASTER_KEY), and the restore checks that it opens the credentials.',
    )
    .argument('<file>');
  for (const option of HOST_SETTINGS.options(['dataDir'])) restore.addOption(option);
  restore
    .addOption(
      valueOption('--master-key-file <file>', "the backed-up host's master.key, copied in (mode 0600)", text()),
    )
    .option('--json', 'print the result as JSON')
    .action(
      context.action(async (file: string, options: { masterKeyFile?: string; json?: boolean }) => {
        const started = performance.now();
        const config = loadConfig(HOST_SETTINGS.given(restore), io.env);
        const manifest = await restoreBackup({ file, dataDir: config.dataDir, known: await knownSchema(config) });
        let credentialsOpened: number | null = null;
        try {
          await verifyRestored(config.dataDir, manifest);
          if (options.masterKeyFile !== undefined) {
            copyFileSync(options.masterKeyFile, join(config.dataDir, MASTER_KEY_FILE));
            chmodSync(join(config.dataDir, MASTER_KEY_FILE), 0o600);
          }
          if (options.masterKeyFile !== undefined || config.masterKey !== undefined) {
            credentialsOpened = await openCredentials(config, manifest);
          }
        } catch (error) {
          emptyFolder(config.dataDir);
          throw error;
        }
        const durationMs = Math.round(performance.now() - started);
        if (options.json)
          io.stdout(JSON.stringify({ dataDir: config.dataDir, durationMs, credentialsOpened, manifest }, null, 2));
        else {
          io.stdout(textTable([['restored', 'rows'], ...countRows(manifest.counts)]));
          io.stdout(
            `${config.dataDir}: restored from a backup of ${manifest.createdAt} (actionhost ${manifest.hostVersion}) in ${durationMs} ms`,
          );
        }
        if (credentialsOpened === null && manifest.masterKey.keyIds.length > 0) {
          io.stderr(
            `restore: no master key given: put the backed-up host's key (id ${manifest.masterKey.keyIds.join(', ')}) in ` +
              `${join(config.dataDir, MASTER_KEY_FILE)} (mode 0600) or set ACTIONHOST_MASTER_KEY before starting the host`,
          );
        }
      }),
    );
  return [backup, restore];
}

/** The restored databases hold what the backup counted, and every plugin package has its recorded bytes. */
async function verifyRestored(dataDir: string, manifest: BackupManifest): Promise<void> {
  const counts = withDatabase(join(dataDir, DATABASE), recordCounts);
  for (const [what, expected] of Object.entries(manifest.counts)) {
    const found = counts[what as keyof RecordCounts];
    if (found !== expected)
      throw BackupErrors.verifyFailed({ problem: `${what}: ${found} restored, ${expected} backed up` }, { what });
  }
  const plugins = await PluginStore.open(dataDir);
  try {
    const broken = (await plugins.verify()).filter((report) => !report.ok);
    if (broken.length > 0 || (await plugins.list()).length !== manifest.plugins.length) {
      throw BackupErrors.verifyFailed(
        {
          problem: `plugin packages: ${broken.map((r) => `${r.name}@${r.version}: ${r.problems.join(', ')}`).join('; ') || 'a version is missing'}`,
        },
        { plugins: broken.map((r) => `${r.name}@${r.version}`) },
      );
    }
  } finally {
    await plugins.close();
  }
}

/** Checks that the master key given is the backed-up host's and opens every credential with it. */
async function openCredentials(config: ReturnType<typeof loadConfig>, manifest: BackupManifest): Promise<number> {
  const key = await loadMasterKey({ env: config.masterKey, dataDir: config.dataDir });
  const given = keyIdOf(key);
  if (manifest.masterKey.keyIds.length > 0 && !manifest.masterKey.keyIds.includes(given)) {
    throw BackupErrors.masterKeyMismatch(
      { given, needed: manifest.masterKey.keyIds.join(' or ') },
      { given, needed: manifest.masterKey.keyIds },
    );
  }
  const folder = await openDataFolder(config);
  try {
    const names = (await folder.credentials.list()).map((credential) => credential.name);
    for (const name of names) await folder.credentials.resolve(name);
    await folder.adminLog.record({
      actor: commandLineActor(),
      action: 'backup.restore',
      target: { type: 'backup', id: manifest.createdAt },
      before: null,
      after: { createdAt: manifest.createdAt, hostVersion: manifest.hostVersion, counts: manifest.counts },
      origin: { command: 'actionhost restore' },
    });
    return names.length;
  } finally {
    await folder.close();
  }
}
