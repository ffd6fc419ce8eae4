// `actionhost executions`: look at workflow executions, run a finished one again, cancel a stuck one. Works on
// the data folder's database directly, so it also works (and is most useful) when the host is not running; it
// refuses a data folder that holds no database instead of creating an empty one.
import { join } from 'node:path';
import {
  Command,
  choice,
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
import { ExecutionStatus, WorkflowRepository, enqueueRetry } from '../workflow/index.ts';
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
  const withRepository = async <T>(command: Command, use: (repository: WorkflowRepository) => T | Promise<T>) => {
    const { dataDir } = loadConfig(HOST_SETTINGS.given(command), io.env);
    requireDataFile(dataDir, DATABASE, NO_DATABASE_FIX);
    const store = Store.open(join(dataDir, DATABASE));
    try {
      return await use(new WorkflowRepository(store));
    } finally {
      store.close();
    }
  };
  const existing = (repository: WorkflowRepository, id: string) => {
    const execution = repository.getExecution(id);
    if (!execution) throw CoreErrors.AH_EXECUTION_NOT_FOUND({ id, problem: 'does not exist' }, { id });
    return execution;
  };

  const list: Command = subcommand('list')
    .summary('executions, newest first')
    .addOption(valueOption('--request <id>', 'only those of this request', wholeNumber(1, Number.MAX_SAFE_INTEGER)))
    .addOption(valueOption('--workflow <id>', 'only those of this workflow', text()))
    .addOption(valueOption('--status <status>', 'only those in this status', choice(ExecutionStatus.options)))
    .addOption(valueOption('--limit <n>', 'at most this many (default 50)', wholeNumber(1, 10_000)))
    .action(
      context.action(
        (options: { request?: number; workflow?: string; status?: ExecutionStatus; limit?: number; json?: boolean }) =>
          withRepository(list, (repository) => {
            const executions = repository.listExecutions({
              ...(options.request === undefined ? {} : { requestId: options.request }),
              ...(options.workflow === undefined ? {} : { workflowId: options.workflow }),
              ...(options.status === undefined ? {} : { status: options.status }),
              limit: options.limit ?? 50,
            });
            if (options.json) printJson(io, executions);
            else
              for (const e of executions)
                io.stdout(
                  `${e.id}  ${e.status.padEnd(9)}  request ${e.requestId}  workflow ${e.workflowId}  ${e.startedAt ?? ''}`,
                );
          }),
      ),
    );

  const show: Command = subcommand('show')
    .summary('one execution with its steps (a table; --json for everything)')
    .argument('<execution-id>')
    .action(
      context.action((id: string, options: { json?: boolean }) =>
        withRepository(show, (repository) => {
          const execution = existing(repository, id);
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
        withRepository(retry, async (repository) => {
          const retryId = await enqueueRetry(repository, null, id);
          const queued = repository.getExecution(retryId)!;
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
        withRepository(cancel, (repository) => {
          const execution = existing(repository, id);
          const cancelled = repository.cancelExecution(
            id,
            errorSummary(CoreErrors.AH_EXECUTION_CANCELLED({ when: 'from the command line' })),
          );
          if (!cancelled) {
            throw CoreErrors.AH_EXECUTION_NOT_RUNNING(
              { id, reason: `it is already ${execution.status}` },
              { id, status: execution.status },
            );
          }
          const after = repository.getExecution(id)!;
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
