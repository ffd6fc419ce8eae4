// `actionhost executions`: look at workflow executions, run a finished one again, cancel a stuck one. Works on
// the data folder's database directly, so it also works (and is most useful) when the host is not running.
import { join } from 'node:path';
import { ActionhostError } from '@actionhost/sdk';
import { loadConfig } from '../config/index.ts';
import { Store } from '../store/index.ts';
import { ExecutionStatus, WorkflowRepository, enqueueRetry } from '../workflow/index.ts';
import { printJson, settingFlags, UsageError } from './output.ts';

export const EXECUTIONS_HELP = `Usage: actionhost executions <list|show|retry|cancel> [options]

  list [--request <id>] [--workflow <id>] [--status <s>] [--limit <n>] [--json]
                                                                   executions, newest first; status is
                                                                   queued|running|succeeded|failed
  show <execution-id> [--json]                                     one execution with its steps
  retry <execution-id> [--json]                                    queue a new run of a finished execution
  cancel <execution-id> [--json]                                   close a queued, waiting or stuck execution

retry and cancel write to the data folder's SQLite database directly (not through the API), so they work
whether the host runs or not:
  retry   queues a new execution of the same pinned workflow version and trigger (retryOf = the original);
          a running host starts it within its poll interval, a stopped one when it next starts.
          Through the API instead: POST /api/executions/<id>/retry (runs it and answers when it finished).
  cancel  marks the execution failed with AH_EXECUTION_CANCELLED. A queued one (or one waiting for a retry)
          never runs again; a running one stops before its next step (the step in flight finishes first;
          POST /api/executions/<id>/cancel aborts that step too).

Options:
  --data <dir>   data folder (env ACTIONHOST_DATA, default ./data)
  --json         print JSON
  -h, --help     show this help`;

export async function executionsCommand(
  positionals: string[],
  flags: Record<string, string | boolean | undefined>,
): Promise<number> {
  const [action, id] = positionals;
  if (action !== 'list' && action !== 'show' && action !== 'retry' && action !== 'cancel') {
    throw new UsageError('executions takes list, show, retry or cancel');
  }
  if (action !== 'list' && !id) throw new UsageError(`executions ${action} takes an execution id`);
  const config = loadConfig(settingFlags(flags), process.env);
  const store = Store.open(join(config.dataDir, 'actionhost.db'));
  try {
    const repository = new WorkflowRepository(store);
    const existing = () => {
      const execution = repository.getExecution(id);
      if (!execution)
        throw new ActionhostError('AH_EXECUTION_NOT_FOUND', `execution ${id} does not exist`, 404, { id: id });
      return execution;
    };
    if (action === 'show') {
      printJson(existing());
      return 0;
    }
    if (action === 'retry') {
      const retryId = await enqueueRetry(repository, null, id);
      const queued = repository.getExecution(retryId)!;
      if (flags.json) printJson(queued);
      else process.stdout.write(`${retryId}  queued  (retry of ${id})\n`);
      return 0;
    }
    if (action === 'cancel') {
      const execution = existing();
      if (
        !repository.cancelExecution(id, { code: 'AH_EXECUTION_CANCELLED', message: 'cancelled from the command line' })
      ) {
        throw new ActionhostError('AH_EXECUTION_NOT_RUNNING', `execution ${id} already ${execution.status}`, 409, {
          id: id,
          status: execution.status,
        });
      }
      const cancelled = repository.getExecution(id)!;
      if (flags.json) printJson(cancelled);
      else process.stdout.write(`${id}  ${cancelled.status}  (was ${execution.status})\n`);
      return 0;
    }
    const executions = repository.listExecutions({
      ...(typeof flags.request === 'string' ? { requestId: Number(flags.request) } : {}),
      ...(typeof flags.workflow === 'string' ? { workflowId: flags.workflow } : {}),
      ...(typeof flags.status === 'string' ? { status: parseStatus(flags.status) } : {}),
      limit: typeof flags.limit === 'string' ? Number(flags.limit) : 50,
    });
    if (flags.json) printJson(executions);
    else
      for (const e of executions)
        process.stdout.write(
          `${e.id}  ${e.status.padEnd(9)}  request ${e.requestId}  workflow ${e.workflowId}  ${e.startedAt ?? ''}\n`,
        );
    return 0;
  } finally {
    store.close();
  }
}

function parseStatus(value: string): ExecutionStatus {
  const parsed = ExecutionStatus.safeParse(value);
  if (!parsed.success) throw new UsageError(`--status takes ${ExecutionStatus.options.join(', ')}`);
  return parsed.data;
}
