// `actionhost workflows export|import`: move a workflow between environments as a self-contained JSON document.
// Works on the data folder directly (like `executions`), so a workflow can be exported from a stopped test host
// and imported into production while it runs; an import is written to the admin action log as the OS user's.
import { readFile, writeFile } from 'node:fs/promises';
import { Command, choice, requireDataFile, text, valueOption, type ProgramContext } from '@actionhost/sdk/cli';
import { HOST_SETTINGS, loadConfig } from '../config/index.ts';
import { CoreErrors } from '../errors/index.ts';
import { openDataFolder, type DataFolder } from '../host/index.ts';
import type { ExportFrom } from '../workflow/index.ts';
import { DATABASE, commandLineActor } from './data-store.ts';

const AFTER_HELP = `
The document holds the definition, the exact plugin versions with their integrity, and the App Integrations and
credentials the workflow names — never a secret (a password typed into a node is left out and listed under
secretInputs). Import checks everything before it writes anything and reports every problem at once; it creates a
draft (publish it yourself), and never replaces an existing workflow unless --replace names it, and then only its
draft: the published version keeps running until someone publishes.
Over HTTP: GET /api/workflows/<id>/export and POST /api/workflows/import[?replace=<id>&dryRun=true].`;

export function workflowsCommand(context: ProgramContext): Command {
  const { io } = context;
  const subcommand = (name: string): Command => {
    const command = new Command(name);
    for (const option of HOST_SETTINGS.options(['dataDir'])) command.addOption(option);
    return command;
  };
  const withFolder = async <T>(command: Command, use: (folder: DataFolder) => Promise<T>): Promise<T> => {
    const config = loadConfig(HOST_SETTINGS.given(command), io.env);
    requireDataFile(
      config.dataDir,
      DATABASE,
      'check --data (or ACTIONHOST_DATA); `actionhost start` creates the database in a new folder',
    );
    const folder = await openDataFolder(config);
    try {
      return await use(folder);
    } finally {
      await folder.close();
    }
  };

  const exportCommand: Command = subcommand('export')
    .summary('write a workflow as an export document (JSON)')
    .argument('<workflow-id>')
    .addOption(
      valueOption(
        '--from <which>',
        'the published version (default when there is one) or the draft',
        choice(['published', 'draft'] as const),
      ),
    )
    .addOption(valueOption('--out <file>', 'write to this file instead of stdout', text()))
    .action(
      context.action((id: string, options: { from?: ExportFrom; out?: string }) =>
        withFolder(exportCommand, async (folder) => {
          const document = await folder.workflows.export(id, options.from);
          const json = JSON.stringify(document, null, 2);
          if (options.out === undefined) {
            io.stdout(json);
            return;
          }
          await writeFile(options.out, `${json}\n`);
          io.stderr(
            `${document.workflow.name} (${document.source.version === null ? 'draft' : `version ${document.source.version}`}) written to ${options.out}`,
          );
        }),
      ),
    );

  const importCommand: Command = subcommand('import')
    .summary('check an export document against this data folder and create a draft from it')
    .argument('<file>')
    .addOption(valueOption('--replace <workflow-id>', "replace this workflow's draft instead of creating one", text()))
    .option('--dry-run', 'check only: report problems and warnings, create nothing')
    .option('--json', 'print the result as JSON')
    .action(
      context.action((file: string, options: { replace?: string; dryRun?: boolean; json?: boolean }) =>
        withFolder(importCommand, async (folder) => {
          let document: unknown;
          try {
            document = JSON.parse(await readFile(file, 'utf8'));
          } catch (error) {
            throw CoreErrors.AH_VALIDATION_FAILED(
              {
                what: 'workflow export',
                path: '/',
                problem: `is not a readable JSON file (${(error as Error).message})`,
              },
              { path: '/', file },
            );
          }
          const before = options.replace === undefined ? null : await folder.workflows.get(options.replace);
          const result = await folder.workflows.import(document, {
            ...(options.replace === undefined ? {} : { replace: options.replace }),
            dryRun: options.dryRun ?? false,
          });
          if (result.workflowId !== null) {
            await folder.adminLog.record({
              actor: commandLineActor(),
              action: 'workflow.import',
              target: { type: 'workflow', id: result.workflowId },
              before,
              after: await folder.workflows.get(result.workflowId),
              origin: {
                command: `actionhost workflows import ${file}${options.replace ? ` --replace ${options.replace}` : ''}`,
              },
            });
          }
          if (options.json) {
            io.stdout(JSON.stringify(result, null, 2));
            return;
          }
          for (const warning of result.warnings) io.stderr(`warning ${warning.code}: ${warning.message}`);
          if (result.workflowId === null) io.stdout('ok: the document can be imported here (dry run, nothing created)');
          else
            io.stdout(
              `${result.workflowId}  ${result.replaced ? 'draft replaced' : 'draft created'}  (publish it to run it)`,
            );
        }),
      ),
    );

  return new Command('workflows')
    .summary('export a workflow as a JSON document, or import one from another environment')
    .description('Moves workflows between environments (test → production) as self-contained JSON documents.')
    .addHelpText('after', AFTER_HELP)
    .addCommand(exportCommand)
    .addCommand(importCommand);
}
