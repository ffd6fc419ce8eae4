// `actionhost admin-log`: the admin action log of a data folder — a readable list, or every entry as JSON lines
// for a SIEM (resumable with --after). Reads the database directly, so it works whether the host runs or not.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Command, matching, text, textTable, valueOption, wholeNumber, type ProgramContext } from '@actionhost/sdk/cli';
import { AdminLog, type AdminActionFilter } from '../admin-log/index.ts';
import { HOST_SETTINGS } from '../config/index.ts';
import { SqliteDatabase } from '../store/index.ts';
import { withDataStore } from './data-store.ts';

const ISO_TIME = matching(
  /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/,
  'an ISO 8601 time, e.g. 2026-03-01T00:00:00Z',
);

interface FilterOptions {
  actor?: string;
  action?: string;
  targetType?: string;
  target?: string;
  since?: string;
  until?: string;
}

function withFilters(command: Command): Command {
  for (const option of HOST_SETTINGS.options(['dataDir'])) command.addOption(option);
  return command
    .addOption(valueOption('--actor <name>', "only this actor's changes (a token's name, a user)", text()))
    .addOption(valueOption('--action <action>', 'only this action, or every action of a kind ("workflow.")', text()))
    .addOption(
      valueOption('--target-type <type>', 'only changes of this kind of thing (workflow, credential...)', text()),
    )
    .addOption(valueOption('--target <id>', 'only changes of this one thing', text()))
    .addOption(valueOption('--since <time>', 'at or after this time', ISO_TIME))
    .addOption(valueOption('--until <time>', 'before this time', ISO_TIME));
}

function filterOf(options: FilterOptions): AdminActionFilter {
  return {
    ...(options.actor === undefined ? {} : { actor: options.actor }),
    ...(options.action === undefined ? {} : { action: options.action }),
    ...(options.targetType === undefined ? {} : { targetType: options.targetType }),
    ...(options.target === undefined ? {} : { targetId: options.target }),
    ...(options.since === undefined ? {} : { since: options.since }),
    ...(options.until === undefined ? {} : { until: options.until }),
  };
}

export function adminLogCommand(context: ProgramContext): Command {
  const { io } = context;

  const list: Command = withFilters(new Command('list'))
    .summary('the newest changes first, as a table (--json for everything)')
    .addOption(valueOption('--limit <n>', 'at most this many (default 50)', wholeNumber(1, 500)))
    .option('--json', 'print JSON')
    .action(
      context.action((options: FilterOptions & { limit?: number; json?: boolean }) =>
        withDataStore(list, io, async (store) => {
          const log = await AdminLog.open({ db: new SqliteDatabase(store) });
          const page = await log.page(filterOf(options), { limit: options.limit ?? 50 });
          if (options.json) {
            io.stdout(JSON.stringify(page.entries, null, 2));
            return;
          }
          const rows = page.entries.map((entry) => [
            String(entry.id),
            entry.at,
            `${entry.actor.type}:${entry.actor.name}`,
            entry.action,
            entry.target.id ?? '',
          ]);
          io.stdout(textTable([['id', 'at', 'actor', 'action', 'target'], ...rows]));
        }),
      ),
    );

  const exportCommand: Command = withFilters(new Command('export'))
    .summary('every entry as JSON lines, oldest first (for a SIEM)')
    .addOption(
      valueOption(
        '--after <id>',
        'only entries after this id (the last one a previous export wrote)',
        wholeNumber(0, Number.MAX_SAFE_INTEGER),
      ),
    )
    .addOption(valueOption('--out <file>', 'write to this file instead of stdout', text()))
    .action(
      context.action((options: FilterOptions & { after?: number; out?: string }) =>
        withDataStore(exportCommand, io, async (store) => {
          const log = await AdminLog.open({ db: new SqliteDatabase(store) });
          const entries = log.entries(filterOf(options), options.after ?? 0);
          if (options.out === undefined) {
            for await (const entry of entries) io.stdout(JSON.stringify(entry));
            return;
          }
          // 0600: the log names who holds which token and what the host is connected to.
          const file = createWriteStream(options.out, { mode: 0o600, flags: 'w' });
          let count = 0;
          let last = options.after ?? 0;
          for await (const entry of entries) {
            if (!file.write(`${JSON.stringify(entry)}\n`)) await once(file, 'drain');
            count++;
            last = entry.id;
          }
          file.end();
          await once(file, 'finish');
          io.stderr(`${count} entries written to ${options.out}; the next export continues with --after ${last}`);
        }),
      ),
    );

  return new Command('admin-log')
    .alias('audit-log')
    .summary('who changed what: the admin action log (list, or export as JSON lines)')
    .description(
      'The admin action log: every change a token made over the API, or a person at the command line, with who, ' +
        'when, what and a redacted before/after. Append-only; the API serves it at /api/admin-log.',
    )
    .addCommand(list)
    .addCommand(exportCommand);
}
