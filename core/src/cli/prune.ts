// `actionhost prune`: delete now what the retention settings no longer keep (or, with --dry-run, show what would
// go). The running host does the same in the background; this works on the data folder directly, running host
// or not, in the same small batches.
import { Command, requireDataFile, textTable, type ProgramContext } from '@actionhost/sdk/cli';
import { HOST_SETTINGS, loadConfig } from '../config/index.ts';
import { openDataFolder } from '../host/index.ts';
import type { PruneCounts } from '../retention/index.ts';
import { DATABASE, commandLineActor } from './data-store.ts';

const RETENTION_SETTINGS = [
  'dataDir',
  'retainSucceededDays',
  'retainFailedDays',
  'retainExecutions',
  'retainAuditDays',
  'retainAuditEntries',
  'pruneBatch',
] as const;

function rows(counts: PruneCounts): string[][] {
  return [
    ['succeeded executions past their age', String(counts.succeededExecutions)],
    ['failed executions past their age', String(counts.failedExecutions)],
    ['finished executions over the cap', String(counts.excessExecutions)],
    ['their steps', String(counts.steps)],
    ['Audit Trail entries past their age', String(counts.auditEntries)],
    ['Audit Trail entries over the cap', String(counts.excessAuditEntries)],
    ['processed outbox events (older than a day)', String(counts.processedEvents)],
  ];
}

export function pruneCommand(context: ProgramContext): Command {
  const { io } = context;
  const command: Command = new Command('prune')
    .summary('delete executions and Audit Trail entries past their retention (--dry-run: only show what would go)')
    .description(
      'Deletes finished executions (with their steps), Audit Trail entries and processed outbox events that the ' +
        'retention settings no longer keep, in small batches, and gives freed space back to the disk where the ' +
        'database allows it. A running host does this in the background on its own.',
    );
  for (const option of HOST_SETTINGS.options([...RETENTION_SETTINGS])) command.addOption(option);
  command
    .option('--dry-run', 'show what would be deleted; delete nothing')
    .option('--json', 'print JSON')
    .action(
      context.action(async (options: { dryRun?: boolean; json?: boolean }) => {
        const config = loadConfig(HOST_SETTINGS.given(command), io.env);
        requireDataFile(
          config.dataDir,
          DATABASE,
          'check --data (or ACTIONHOST_DATA); `actionhost start` creates the database in a new folder',
        );
        const folder = await openDataFolder(config);
        try {
          const { retention } = folder;
          if (options.dryRun) {
            const counts = retention.preview();
            if (options.json) io.stdout(JSON.stringify({ dryRun: true, policy: retention.policy, ...counts }, null, 2));
            else io.stdout(textTable([['would delete (dry run)', 'rows'], ...rows(counts)]));
            return;
          }
          // Half the time between batches goes to a host running on the same folder (the write lock is shared).
          const report = await retention.runOnce({ yieldFactor: 1 });
          await folder.adminLog.record({
            actor: commandLineActor(),
            action: 'retention.prune',
            target: { type: 'retention', id: null },
            before: null,
            after: { policy: { ...retention.policy }, ...report },
            origin: { command: 'actionhost prune' },
          });
          if (options.json) io.stdout(JSON.stringify({ dryRun: false, policy: retention.policy, ...report }, null, 2));
          else {
            io.stdout(textTable([['deleted', 'rows'], ...rows(report)]));
            io.stderr(
              `${report.batches} batches in ${report.durationMs} ms; ${report.reclaimedPages} pages given back`,
            );
          }
        } finally {
          await folder.close();
        }
      }),
    );
  return command;
}
