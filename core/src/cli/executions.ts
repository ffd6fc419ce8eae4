// `actionhost executions`: look at workflow executions, run a finished one again, cancel a stuck one. Works on
// the data folder's database directly, so it also works (and is most useful) when the host is not running; it
// refuses a data folder that holds no database instead of creating an empty one.
import { join } from 'node:path';
import {
  Command,
  choice,
  matching,
  requireDataFile,
  text,
  valueOption,
  wholeNumber,
  type CliIo,
  type ProgramContext,
} from '@actionhost/sdk/cli';
import { HOST_SETTINGS, loadConfig } from '../config/index.ts';
import { CoreErrors, errorSummary } from '../errors/index.ts';
import { Store } from '../store/index.ts';
import {
  ExecutionOutcome,
  ExecutionStatus,
  SqliteExecutionQueue,
  SqliteExecutionRepository,
  enqueueRetry,
} from '../workflow/index.ts';
import { executionReport } from './execution-report.ts';

const AFTER_HELP = `
retry and cancel write to the data folder's SQLite database directly (not through the API), so they work
whether the host runs or not:
  retry   queues a new execution of the same pinned workflow version and trigger (retryOf = the original);
          a running host starts it within its poll interval, a stopped one when it next starts.
          Through the API instead: POST /api/executions/<id>/retry (runs it and answers when it finished).
  cancel  marks the execution failed with AH_EXECUTION_CANCELLED. A queued one (or one waiting for a retry)
          never runs again; a running one stops before its next step (the step in flight finishes first;
          POST /api/executions/<id>/cancel aborts that step too).`;

const DATABASE = 'actionhost.db';
const isoTime = () =>
  matching(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
    'an ISO 8601 time with its offset, e.g. 2026-01-31T09:00:00Z',
  );
const NO_DATABASE_FIX = 'check --data (or ACTIONHOST_DATA); `actionhost start` creates the database in a new folder';

function printJson(io: Required<CliIo>, value: unknown): void {
  io.stdout(JSON.stringify(value, null, 2));
}

export function executionsCommand(context: ProgramContext): Command {
  const { io } = context;

  /** A subcommand with the flags every executions command shares (--data, --json). */
  const subcommand = (name: string): Command => {
    const command = new Command(name);
    for (const option of HOST_SETTINGS.options(['dataDir'])) command.addOption(option);
    return command.option('--json', 'print JSON');
  };
  type Stores = { executions: SqliteExecutionRepository; queue: SqliteExecutionQueue };
  const withRepository = async <T>(command: Command, use: (stores: Stores) => T | Promise<T>) => {
    const { dataDir } = loadConfig(HOST_SETTINGS.given(command), io.env);
    requireDataFile(dataDir, DATABASE, NO_DATABASE_FIX);
    const store = Store.open(join(dataDir, DATABASE));
    try {
      return await use({ executions: new SqliteExecutionRepository(store), queue: new SqliteExecutionQueue(store) });
    } finally {
      store.close();
    }
  };
  const existing = async ({ executions }: Stores, id: string) => {
    const execution = await executions.getExecution(id);
    if (!execution) throw CoreErrors.AH_EXECUTION_NOT_FOUND({ id, problem: 'does not exist' }, { id });
    return execution;
  };

  const list: Command = subcommand('list')
    .summary('executions, newest first')
    .addOption(valueOption('--request <id>', 'only those of this request', wholeNumber(1, Number.MAX_SAFE_INTEGER)))
    .addOption(valueOption('--workflow <id>', 'only those of this workflow', text()))
    .addOption(valueOption('--status <status>', 'only those in this status', choice(ExecutionStatus.options)))
    .addOption(
      valueOption(
        '--outcome <outcome>',
        'only those whose actions all succeeded (success) or one failed or took its failure path (failure)',
        choice(ExecutionOutcome.options),
      ),
    )
    .addOption(valueOption('--since <time>', 'only those created at or after this ISO 8601 time', isoTime()))
    .addOption(valueOption('--until <time>', 'only those created before this ISO 8601 time', isoTime()))
    .addOption(valueOption('--limit <n>', 'at most this many (default 50)', wholeNumber(1, 10_000)))
    .action(
      context.action((options: ListOptions) =>
        withRepository(list, async ({ executions }) => {
          const found = await listAll(executions, options);
          if (options.json) printJson(io, found);
          else
            for (const e of found)
              io.stdout(
                `${e.id}  ${e.status.padEnd(9)}  ${(e.outcome ?? '-').padEnd(7)}  request ${e.requestId}  workflow ${e.workflowId}  ${e.startedAt ?? ''}`,
              );
        }),
      ),
    );

  const show: Command = subcommand('show')
    .summary('one execution with its steps (a table; --json for everything)')
    .argument('<execution-id>')
    .action(
      context.action((id: string, options: { json?: boolean }) =>
        withRepository(show, async (stores) => {
          const execution = await existing(stores, id);
          if (options.json) printJson(io, execution);
          else io.stdout(executionReport(execution));
        }),
      ),
    );

  const retry: Command = subcommand('retry')
    .summary('queue a new run of a finished execution')
    .argument('<execution-id>')
    .action(
      context.action((id: string, options: { json?: boolean }) =>
        withRepository(retry, async ({ executions, queue }) => {
          const retryId = await enqueueRetry(queue, executions, null, id);
          const queued = (await executions.getExecution(retryId))!;
          if (options.json) printJson(io, queued);
          else io.stdout(`${retryId}  queued  (retry of ${id})`);
        }),
      ),
    );

  const cancel: Command = subcommand('cancel')
    .summary('close a queued, waiting or stuck execution')
    .argument('<execution-id>')
    .action(
      context.action((id: string, options: { json?: boolean }) =>
        withRepository(cancel, async (stores) => {
          const execution = await existing(stores, id);
          const cancelled = await stores.executions.cancelExecution(
            id,
            errorSummary(CoreErrors.AH_EXECUTION_CANCELLED({ when: 'from the command line' })),
          );
          if (!cancelled) {
            throw CoreErrors.AH_EXECUTION_NOT_RUNNING(
              { id, reason: `it is already ${execution.status}` },
              { id, status: execution.status },
            );
          }
          const after = (await stores.executions.getExecution(id))!;
          if (options.json) printJson(io, after);
          else io.stdout(`${id}  ${after.status}  (was ${execution.status})`);
        }),
      ),
    );

  return new Command('executions')
    .summary('list, show, retry or cancel workflow executions')
    .description('Looks at workflow executions in the data folder, runs a finished one again, or cancels one.')
    .addHelpText('after', AFTER_HELP)
    .addCommand(list)
    .addCommand(show)
    .addCommand(retry)
    .addCommand(cancel);
}

interface ListOptions {
  request?: number;
  workflow?: string;
  status?: ExecutionStatus;
  outcome?: ExecutionOutcome;
  since?: string;
  until?: string;
  limit?: number;
  json?: boolean;
}

/** Up to --limit executions, newest first, read page by page (a page holds at most 500). */
async function listAll(executions: SqliteExecutionRepository, options: ListOptions) {
  const wanted = options.limit ?? 50;
  const found = [];
  let cursor: string | undefined;
  while (found.length < wanted) {
    const page = await executions.listExecutions({
      ...(options.request === undefined ? {} : { requestId: options.request }),
      ...(options.workflow === undefined ? {} : { workflowId: options.workflow }),
      ...(options.status === undefined ? {} : { status: options.status }),
      ...(options.outcome === undefined ? {} : { outcome: options.outcome }),
      ...(options.since === undefined ? {} : { since: options.since }),
      ...(options.until === undefined ? {} : { until: options.until }),
      ...(cursor === undefined ? {} : { cursor }),
      limit: Math.min(500, wanted - found.length),
    });
    found.push(...page.executions);
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  return found;
}
