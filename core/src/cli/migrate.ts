// `actionhost migrate --to postgres://…` (issue 14): moves an existing data folder's records from its SQLite file to
// a new PostgreSQL database, verified by row counts per table and a sample of credentials decrypted on both sides;
// afterwards hosts start with --database on that database (the data folder keeps the plugin packages).
import { join } from 'node:path';
import { Command, requireDataFile, textTable, valueOption, type ProgramContext } from '@actionhost/sdk/cli';
import { HOST_SETTINGS, loadConfig } from '../config/index.ts';
import { moveDataFolder } from '../host/index.ts';
import { PostgresStore } from '../store/index.ts';
import { DATABASE } from './data-store.ts';

const AFTER_HELP = `
The target must be a new, empty database (CREATE DATABASE actionhost); a database holding any table is refused
(AH_MIGRATE_TARGET_NOT_EMPTY). The data folder is read in one read transaction and never changed: stop the host
first, or the records it writes after the copy began stay behind. Hosts on PostgreSQL share the master key: start
each with ACTIONHOST_MASTER_KEY set to the content of <data>/master.key.`;

export function migrateCommand(context: ProgramContext): Command {
  const { io } = context;
  const command: Command = new Command('migrate')
    .summary("move a data folder's records from SQLite to a new PostgreSQL database")
    .description(
      "Creates the PostgreSQL schema in the database --to names and copies every table of the data folder's " +
        'SQLite file into it, parents before children, in one transaction; then compares the row count of every ' +
        'table and decrypts a sample of credentials on both sides. Progress goes to stderr.',
    );
  for (const option of HOST_SETTINGS.options(['dataDir'])) command.addOption(option);
  command
    .addOption(
      valueOption('--to <url>', 'the new PostgreSQL database (postgres://user@host:port/database)', {
        schema: HOST_SETTINGS.settings.databaseUrl.value.schema,
        expects: HOST_SETTINGS.settings.databaseUrl.value.expects,
      }).makeOptionMandatory(),
    )
    .option('--json', 'print the result as JSON')
    .addHelpText('after', AFTER_HELP)
    .action(
      context.action(async (options: { to: string; json?: boolean }) => {
        const config = loadConfig(HOST_SETTINGS.given(command), io.env);
        requireDataFile(config.dataDir, DATABASE, 'check --data (or ACTIONHOST_DATA)');
        const progress = (message: string) => io.stderr(`migrate: ${message}`);
        const started = performance.now();
        const target = await PostgresStore.open(options.to);
        try {
          progress(`moving ${join(config.dataDir, DATABASE)} to ${target.location}`);
          const result = await moveDataFolder({ ...config, databaseUrl: undefined }, target, progress);
          const durationMs = Math.round(performance.now() - started);
          if (options.json) io.stdout(JSON.stringify({ target: target.location, durationMs, ...result }, null, 2));
          else {
            io.stdout(textTable([['table', 'rows'], ...result.tables.map((t) => [t.table, String(t.rows)])]));
            io.stdout(
              `moved ${result.tables.length} tables to ${target.location} in ${durationMs} ms; ` +
                `${result.credentialsCompared} credentials decrypted and compared`,
            );
          }
          progress(
            `start the hosts with --database (or ACTIONHOST_DATABASE_URL) and ACTIONHOST_MASTER_KEY set to the ` +
              `content of ${join(config.dataDir, 'master.key')} (key id ${result.masterKeyId})`,
          );
        } finally {
          await target.close();
        }
      }),
    );
  return command;
}
