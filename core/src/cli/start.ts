// `actionhost start`: the README's first command (after install) runs this through `npm start`. Its flags, and the
// environment-only settings in its --help, come from the settings table (core/src/config).
import { Command, untilStopped, type ProgramContext } from '@actionhost/sdk/cli';
import { CONNECTOR_SETTING_KEYS, HOST_SETTINGS, loadConfig } from '../config/index.ts';
import { startHost, tuneHostHeap, type CertificateSummary } from '../host/index.ts';
import { redactUrl } from '../store/index.ts';

type SettingKey = keyof typeof HOST_SETTINGS.settings;
const HOST_ONLY = (Object.keys(HOST_SETTINGS.settings) as SettingKey[]).filter(
  (key) => !(CONNECTOR_SETTING_KEYS as readonly string[]).includes(key),
);

const AFTER_HELP = `
SIGTERM/SIGINT: stops taking requests and events, lets running executions finish for the stop timeout,
checkpoints the steps still in flight (they are attempted again, with the same idempotency key, on the next
start), then exits. Started by npm or npx, the host also stops when its launcher does. After a crash, executions
left running are resumed on start from their last finished step. With --database (ACTIONHOST_DATABASE_URL) several
hosts share one PostgreSQL database and the same ACTIONHOST_MASTER_KEY: a host that dies leaves its executions to
the others once its lease (ACTIONHOST_LEASE_MS) lapsed (README: Running more than one host).`;

export function startCommand(context: ProgramContext): Command {
  const { io } = context;
  const command: Command = new Command('start')
    .summary('start the host: HTTP API, workflow engine, sandbox workers')
    .description(
      'Starts the host: the HTTP API, the workflow engine and the sandbox workers, on the embedded SQLite store in ' +
        'the data folder, or on a PostgreSQL database several hosts share (--database). On first start it installs the first-party plugins through the registry, loads the ' +
        "seed's two example workflows as drafts, and prints the first admin's API token once.",
    );
  for (const option of HOST_SETTINGS.options(HOST_ONLY)) command.addOption(option);
  command
    .option('--json', 'print a failure to start as JSON on stdout')
    .addHelpText('after', `\n${HOST_SETTINGS.environmentHelp(HOST_ONLY)}\n${AFTER_HELP}`)
    .action(
      context.action(async () => {
        tuneHostHeap();
        const config = loadConfig(HOST_SETTINGS.given(command), io.env);
        const progress = (message: string) => io.stderr(message);
        progress(
          `actionhost: starting with data folder ${config.dataDir}` +
            (config.databaseUrl ? ` on PostgreSQL ${redactUrl(config.databaseUrl)}` : ''),
        );
        const host = await startHost(config, { progress });
        if (host.adminToken) {
          progress('first start: an admin API token was created. It is shown only this once:');
          io.stdout(`ACTIONHOST_ADMIN_TOKEN=${host.adminToken}`);
        }
        const certificate = host.certificate();
        if (certificate) progress(`actionhost: serving HTTPS with ${describe(certificate)}`);
        progress(`actionhost: listening on ${host.url}`);
        io.stdout(`listening on ${host.url}`);
        // Only a host that serves HTTPS takes SIGHUP over: without TLS there is nothing to reload, and a hang-up
        // keeps stopping it as before.
        const onHangUp = () => {
          const reload = host.reloadTls();
          if (!reload) return;
          if (reload.reloaded)
            progress(
              `actionhost: SIGHUP: serving ${describe(reload.certificate)} to new connections ` +
                `(was ${reload.previous.subject}, valid until ${reload.previous.validTo}); established ones keep theirs`,
            );
          else
            progress(
              `actionhost: SIGHUP: ${reload.error.code} ${reload.error.message}; ` +
                `still serving ${describe(reload.certificate)}`,
            );
        };
        if (certificate) process.on('SIGHUP', onHangUp);
        const reason = await untilStopped({ env: io.env });
        process.off('SIGHUP', onHangUp);
        progress(`actionhost: ${reason}, stopping (finishing work in hand)`);
        try {
          await host.stop();
        } catch (error) {
          progress(`actionhost: error while stopping: ${(error as Error).message}`);
        }
        progress('actionhost: stopped');
      }),
    );
  return command;
}

function describe(certificate: CertificateSummary): string {
  return (
    `the certificate of ${certificate.subject} (issuer ${certificate.issuer}, valid until ${certificate.validTo}, ` +
    `SHA-256 ${certificate.fingerprint256})`
  );
}
