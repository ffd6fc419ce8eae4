// `actionhost tokens create|list|revoke`: API tokens managed on the data folder's database directly, whether the host
// runs or not. Whoever can write the data folder administers the host, so this is also the way back in when every
// admin token is lost (ACTIONHOST_ADMIN_TOKEN does not add an admin to a folder that has tokens).
import { join } from 'node:path';
import {
  Command,
  choice,
  requireDataFile,
  text,
  textTable,
  valueOption,
  wholeNumber,
  type CliIo,
  type ProgramContext,
} from '@actionhost/sdk/cli';
import { AdminLog } from '../admin-log/index.ts';
import { ApiTokens, Role } from '../api/index.ts';
import { HOST_SETTINGS, loadConfig } from '../config/index.ts';
import { SqliteDatabase, Store } from '../store/index.ts';
import { commandLineActor } from './data-store.ts';

const DATABASE = 'actionhost.db';
const NO_DATABASE_FIX = 'check --data (or ACTIONHOST_DATA); `actionhost start` creates the database in a new folder';
const DAY_MS = 24 * 60 * 60 * 1000;

const AFTER_HELP = `
These commands write the data folder's database directly (not through the API): a running host sees a new or
revoked token on its next request. Lost every admin token? On the host's machine:
  actionhost tokens create --role admin --name "recovered admin" --data <dir>
(ACTIONHOST_ADMIN_TOKEN only names the first admin of an empty data folder; later it is never added.)`;

function printJson(io: Required<CliIo>, value: unknown): void {
  io.stdout(JSON.stringify(value, null, 2));
}

export function tokensCommand(context: ProgramContext): Command {
  const { io } = context;
  const subcommand = (name: string): Command => {
    const command = new Command(name);
    for (const option of HOST_SETTINGS.options(['dataDir'])) command.addOption(option);
    return command.option('--json', 'print JSON');
  };
  const withTokens = async <T>(command: Command, use: (tokens: ApiTokens, log: AdminLog) => T | Promise<T>) => {
    const { dataDir } = loadConfig(HOST_SETTINGS.given(command), io.env);
    requireDataFile(dataDir, DATABASE, NO_DATABASE_FIX);
    const store = Store.open(join(dataDir, DATABASE));
    try {
      const db = new SqliteDatabase(store);
      return await use(await ApiTokens.open(db), await AdminLog.open({ db }));
    } finally {
      store.close();
    }
  };

  const create: Command = subcommand('create')
    .summary('make an API token with a role and print its secret, once')
    .description(
      'Makes an API token and prints it on stdout (the only time it is shown; the database keeps its sha256). ' +
        'Roles: admin (everything), editor (workflows, executions), agent (requests, CIs).',
    )
    .addOption(valueOption('--role <role>', 'admin, editor or agent', choice(Role.options)).makeOptionMandatory())
    .addOption(valueOption('--name <name>', 'who or what holds it (default: "<role> (command line)")', text()))
    .addOption(valueOption('--expires-in-days <n>', 'stop working after this many days', wholeNumber(1, 36_500)))
    .action(
      context.action((options: { role: Role; name?: string; expiresInDays?: number; json?: boolean }) =>
        withTokens(create, async (tokens, log) => {
          const expiresAt =
            options.expiresInDays === undefined
              ? undefined
              : new Date(Date.now() + options.expiresInDays * DAY_MS).toISOString();
          const created = await tokens.createToken(options.role, options.name ?? `${options.role} (command line)`, {
            expiresAt,
          });
          const { token: secret, ...info } = created;
          await log.record(
            {
              actor: commandLineActor(),
              action: 'token.create',
              target: { type: 'token', id: created.id },
              before: null,
              after: info,
              origin: { command: 'actionhost tokens create' },
            },
            [secret],
          );
          if (options.json) {
            printJson(io, created);
            return;
          }
          io.stderr(
            `created ${created.role} token "${created.name}" (id ${created.id}` +
              `${created.expiresAt ? `, expires ${created.expiresAt}` : ''}); it is shown only this once:`,
          );
          io.stdout(created.token);
        }),
      ),
    );

  const list: Command = subcommand('list')
    .summary('tokens that are not revoked (never their secrets)')
    .action(
      context.action((options: { json?: boolean }) =>
        withTokens(list, async (tokens) => {
          const all = await tokens.list();
          if (options.json) printJson(io, all);
          else
            io.stdout(
              textTable([
                ['id', 'name', 'role', 'created', 'expires'],
                ...all.map((t) => [t.id, t.name, t.role, t.createdAt, t.expiresAt ?? 'never']),
              ]),
            );
        }),
      ),
    );

  const revoke: Command = subcommand('revoke')
    .summary('revoke a token at once')
    .argument('<id>', 'the token id (from tokens list)')
    .action(
      context.action((id: string, options: { json?: boolean }) =>
        withTokens(revoke, async (tokens, log) => {
          const revoked = await tokens.revoke(id);
          await log.record({
            actor: commandLineActor(),
            action: 'token.revoke',
            target: { type: 'token', id: revoked.id },
            before: revoked,
            after: null,
            origin: { command: 'actionhost tokens revoke' },
          });
          if (options.json) printJson(io, revoked);
          else io.stdout(`revoked ${revoked.role} token "${revoked.name}" (${revoked.id})`);
        }),
      ),
    );

  return new Command('tokens')
    .summary('API tokens per role: create, list, revoke (on the data folder)')
    .description('API tokens per role, managed on the data folder whether the host runs or not.')
    .addHelpText('after', AFTER_HELP)
    .addCommand(create)
    .addCommand(list)
    .addCommand(revoke);
}
