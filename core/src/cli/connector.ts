// `actionhost connector`: runs an Integration Connector next to a directory the host cannot reach. It connects out
// to the host over HTTPS with the connector token an admin issued, and carries the ldap operations of the
// Applications marked "via connector <its name>". Settings: --host-url, --ca, ACTIONHOST_CONNECTOR_TOKEN.
import { readFile } from 'node:fs/promises';
import { Command, CommandLineErrors, packageVersion, untilStopped, type ProgramContext } from '@actionhost/sdk/cli';
import { HOST_SETTINGS, loadConfig } from '../config/index.ts';
import { runConnector } from '../connectors/index.ts';
import { CoreErrors } from '../errors/index.ts';

const SETTINGS = ['connectorHostUrl', 'connectorCa', 'connectorToken'] as const;

const AFTER_HELP = `
The host needs nothing but its API over HTTPS (tlsCert, tlsKey): the connector connects out, long-polls for
operations and posts their results. An admin issues the token (POST /api/connectors) and marks Applications with
"connector": "<name>". SIGTERM/SIGINT: finishes the operations in hand, tells the host it is leaving, exits. A
revoked token stops it with AH_CONNECTOR_UNAUTHENTICATED (exit 1); network or TLS failures are retried.`;

export function connectorCommand(context: ProgramContext): Command {
  const { io } = context;
  const command: Command = new Command('connector')
    .summary('run an Integration Connector next to a directory the host cannot reach')
    .description(
      'Runs an Integration Connector: it connects out to the host over HTTPS (certificate verified), authenticated ' +
        'with its connector token, and runs the ldap operations of the Applications marked "via connector <name>" ' +
        'against the directory next to it. The host never needs a route to the directory.',
    );
  for (const option of HOST_SETTINGS.options([...SETTINGS])) command.addOption(option);
  command.addHelpText('after', `\n${HOST_SETTINGS.environmentHelp([...SETTINGS])}\n${AFTER_HELP}`).action(
    context.action(async () => {
      const config = loadConfig(HOST_SETTINGS.given(command), io.env);
      const hostUrl = config.connectorHostUrl;
      if (hostUrl === undefined)
        throw CommandLineErrors.configInvalid([
          {
            setting: 'connectorHostUrl',
            source: 'default',
            problem: 'is not set',
            fix: 'give --host-url https://<host>:<port> (or set ACTIONHOST_CONNECTOR_HOST_URL)',
          },
        ]);
      const token = config.connectorToken;
      if (token === undefined)
        throw CommandLineErrors.configInvalid([
          {
            setting: 'connectorToken',
            source: 'default',
            problem: 'is not set',
            fix: 'set ACTIONHOST_CONNECTOR_TOKEN to the token an admin issued (POST /api/connectors)',
          },
        ]);
      let ca: string | undefined;
      if (config.connectorCa !== undefined) {
        ca = await readFile(config.connectorCa, 'utf8').catch((error: NodeJS.ErrnoException) => {
          throw CoreErrors.AH_INPUT_UNREADABLE(
            { file: config.connectorCa!, reason: error.code ?? error.message },
            { path: config.connectorCa! },
          );
        });
      }
      const stop = new AbortController();
      void untilStopped({ env: io.env }).then((reason) => {
        io.stderr(`connector: ${reason}, stopping`);
        stop.abort();
      });
      await runConnector({
        hostUrl,
        token,
        ...(ca !== undefined ? { ca } : {}),
        version: packageVersion(new URL('../../package.json', import.meta.url)),
        signal: stop.signal,
        log: (message) => io.stderr(`connector: ${message}`),
      });
      io.stderr('connector: stopped');
    }),
  );
  return command;
}
