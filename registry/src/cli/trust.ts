// `registry trust add|list|remove`: the publisher keys whose signatures this data folder trusts.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, UsageError, text, textTable, valueOption, type ProgramContext } from '@actionhost/sdk/cli';
import { JSON_HELP, cliActor, storeAccess } from './store-access.ts';

export function trustCommand(context: ProgramContext): Command {
  const { io } = context;
  const withStore = storeAccess(context);

  const add: Command = new Command('add')
    .summary('trust a publisher key: packages it signed install as trusted')
    .argument('<key>', 'the publisher\'s .pub file (from `actionhost-sdk keygen`), or "ed25519:<base64>"')
    .addOption(
      valueOption(
        '--name <publisher>',
        'who the key belongs to, as shown with the packages it signed',
        text(),
      ).makeOptionMandatory(),
    )
    .option('--json', JSON_HELP)
    .action(
      context.action(async (key: string, options: { name: string; json?: boolean }) => {
        const keyText = key.startsWith('ed25519:')
          ? key
          : await readFile(resolve(io.cwd, key), 'utf8').catch(() => {
              throw new UsageError(`cannot read the key file ${key}; give a .pub file or "ed25519:<base64>"`);
            });
        await withStore(add, 'create', async (store) => {
          const result = await store.trust(keyText, options.name, cliActor());
          if (options.json) io.stdout(JSON.stringify(result));
          else
            io.stdout(
              `${result.added ? 'trusted' : 'already trusted'} key ${result.key.keyId} (${result.key.publisher})`,
            );
        });
      }),
    );

  const list: Command = new Command('list')
    .summary('list the trusted publisher keys')
    .option('--json', JSON_HELP)
    .action(
      context.action((options: { json?: boolean }) =>
        withStore(list, 'existing', async (store) => {
          const keys = await store.trustedKeys();
          if (options.json) io.stdout(JSON.stringify(keys, null, 2));
          else if (keys.length === 0) io.stderr('no trusted keys');
          else
            io.stdout(
              textTable([
                ['KEY ID', 'PUBLISHER', 'ADDED BY', 'ADDED'],
                ...keys.map((key) => [key.keyId, key.publisher, key.addedBy, key.addedAt]),
              ]),
            );
        }),
      ),
    );

  const remove: Command = new Command('remove')
    .summary('stop trusting a key (installed packages it signed stay installed, shown as untrusted)')
    .argument('<keyId>', 'the key id `registry trust list` shows')
    .action(
      context.action((keyId: string) =>
        withStore(remove, 'existing', async (store) => {
          await store.distrust(keyId);
          io.stdout(`removed key ${keyId}`);
        }),
      ),
    );

  return new Command('trust')
    .summary('the publisher keys whose signatures this host trusts: add, list, remove')
    .addCommand(add)
    .addCommand(list)
    .addCommand(remove);
}
