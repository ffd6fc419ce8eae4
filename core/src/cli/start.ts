// `actionhost start`: the README's first command (after install) runs this through `npm start`.
import { loadConfig } from '../config/index.ts';
import { startHost } from '../host/index.ts';
import { progress, settingFlags } from './output.ts';

export const START_HELP = `Usage: actionhost start [options]

Starts the host: the HTTP API, the workflow engine and the sandbox workers, on the embedded SQLite store in
the data folder. On first start it installs the first-party plugins through the registry, loads the seed's
two example workflows as drafts, and prints the first admin's API token once.

Options:
  --data <dir>             data folder (env ACTIONHOST_DATA, default ./data)
  --host <address>         listen address (env ACTIONHOST_HOST, default 127.0.0.1)
  --port <port>            listen port, 0 = any free port (env ACTIONHOST_PORT, default 8080)
  --workers <n>            sandbox worker processes (env ACTIONHOST_WORKERS, default 2)
  --allow-private <list>   hosts/CIDRs plugins may reach though private, e.g. 127.0.0.1 (env ACTIONHOST_ALLOW_PRIVATE)
  --log-level <level>      fatal|error|warn|info|debug|silent (env ACTIONHOST_LOG_LEVEL, default info)
  --no-seed                do not load the example workflows
  -h, --help               show this help

Environment: ACTIONHOST_ADMIN_TOKEN (the first admin's token, at least 16 characters),
ACTIONHOST_MASTER_KEY (base64 of 32 bytes; otherwise <data>/master.key is created with mode 0600).
Load: ACTIONHOST_MAX_EXECUTIONS (executions at once, default 8; more wait queued in the database),
ACTIONHOST_MAX_PER_PLUGIN (invocations of one plugin at once, default 4), ACTIONHOST_MAX_BACKLOG (pending
events + queued executions beyond which request writes get 503 AH_HOST_BUSY with Retry-After, default 10000).

SIGTERM/SIGINT: stops taking requests and events, lets running executions finish for
ACTIONHOST_STOP_TIMEOUT_MS (default 10000), checkpoints the steps still in flight (they are attempted again,
with the same idempotency key, on the next start), then exits. After a crash, executions left running are
resumed on start from their last finished step.`;

export async function startCommand(
  _positionals: string[],
  flags: Record<string, string | boolean | undefined>,
): Promise<number> {
  const config = loadConfig(settingFlags(flags), process.env);
  progress(`actionhost: starting with data folder ${config.dataDir}`);
  const host = await startHost(config, { seed: !flags['no-seed'], progress });
  if (host.adminToken) {
    progress('first start: an admin API token was created. It is shown only this once:');
    process.stdout.write(`ACTIONHOST_ADMIN_TOKEN=${host.adminToken}\n`);
  }
  progress(`actionhost: listening on ${host.url}`);
  process.stdout.write(`listening on ${host.url}\n`);
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      progress(`actionhost: ${signal} received, stopping (finishing work in hand)`);
      host.stop().then(resolve, (error: unknown) => {
        progress(`actionhost: error while stopping: ${(error as Error).message}`);
        resolve();
      });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
  progress('actionhost: stopped');
  return 0;
}
