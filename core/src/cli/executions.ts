// `actionhost executions`: look at workflow executions from the command line (reads the data folder).
import { loadConfig, type ConfigFlags } from '../config/index.ts';
import { Store } from '../store/index.ts';
import { WorkflowRepository } from '../workflow/index.ts';
import { join } from 'node:path';
import { ActionhostError } from '@actionhost/sdk';
import { printJson, UsageError } from './output.ts';

export const EXECUTIONS_HELP = `Usage: actionhost executions <list|show> [options]

  list [--request <id>] [--workflow <id>] [--limit <n>] [--json]   executions, newest first
  show <execution-id> [--json]                                     one execution with its steps

Options:
  --data <dir>   data folder (env ACTIONHOST_DATA, default ./data)
  -h, --help     show this help`;

export async function executionsCommand(positionals: string[], flags: Record<string, string | boolean | undefined>): Promise<number> {
  const [action, id] = positionals;
  if (action !== 'list' && action !== 'show') throw new UsageError('executions takes list or show');
  const config = loadConfig(flags as ConfigFlags);
  const store = Store.open(join(config.dataDir, 'actionhost.db'));
  try {
    const repository = new WorkflowRepository(store);
    if (action === 'show') {
      if (!id) throw new UsageError('executions show takes an execution id');
      const execution = repository.getExecution(id);
      if (!execution) throw new ActionhostError('AH_EXECUTION_NOT_FOUND', `execution ${id} does not exist`, 404, { id });
      printJson(execution);
      return 0;
    }
    const executions = repository.listExecutions({
      ...(typeof flags.request === 'string' ? { requestId: Number(flags.request) } : {}),
      ...(typeof flags.workflow === 'string' ? { workflowId: flags.workflow } : {}),
      limit: typeof flags.limit === 'string' ? Number(flags.limit) : 50,
    });
    if (flags.json) printJson(executions);
    else for (const e of executions) process.stdout.write(`${e.id}  ${e.status.padEnd(9)}  request ${e.requestId}  workflow ${e.workflowId}  ${e.startedAt ?? ''}\n`);
    return 0;
  } finally {
    store.close();
  }
}
