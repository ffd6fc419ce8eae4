// The actionhost-sdk commands (init, build, build-all, pack, keygen, test) on the shared command-line plumbing: each
// declares its arguments and flags (for parsing and --help) and what it does.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { buildPlugin } from '../plugin-build/index.ts';
import { generateKeyPairFiles, packPlugin } from '../pack/index.ts';
import { isActionhostError } from '../contract/index.ts';
import { Command, matching, passTrailingArguments, text, valueOption, type ProgramContext } from './kit/index.ts';
import { CliErrors } from './errors.ts';
import { initPlugin } from './init.ts';
import { runPluginTests } from './test-runner.ts';

/** Output of a child process (vitest): absent, the child inherits this process's stdio. */
export type ChildOutput = (stream: 'stdout' | 'stderr', text: string) => void;

const JSON_HELP = 'print the result as one JSON object on stdout';

async function pluginFolders(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const folders: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = join(root, entry.name);
    const isPlugin = await stat(join(dir, 'src', 'plugin.ts')).then(
      (s) => s.isFile(),
      () => false,
    );
    if (isPlugin) folders.push(dir);
  }
  return folders;
}

export function sdkCommands(context: ProgramContext, childOutput?: ChildOutput): Command[] {
  const { io } = context;
  const at = (path: string | undefined) => resolve(io.cwd, path ?? '.');
  const shown = (path: string) => {
    const rel = relative(io.cwd, path);
    return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
  };

  const init = new Command('init')
    .summary('scaffold a working plugin (definePlugin source, sandbox test, README)')
    .description('Scaffolds a working plugin (definePlugin source, sandbox test, README) in a new or empty folder.')
    .argument('<dir>', 'the new plugin folder')
    .addOption(valueOption('--name <@scope/name>', 'package name (default: the folder name)', text()))
    .option('--json', JSON_HELP)
    .addHelpText('after', '\nThen: npm install, actionhost-sdk build, actionhost-sdk test.')
    .action(
      context.action(async (dir: string, options: { name?: string; json?: boolean }) => {
        const target = at(dir);
        io.stderr(`scaffolding ${shown(target)}`);
        const result = await initPlugin(target, { name: options.name });
        if (options.json) io.stdout(JSON.stringify(result));
        else {
          io.stdout(`created ${result.name} in ${shown(result.dir)}`);
          for (const file of result.files) io.stdout(`  ${file}`);
        }
      }),
    );

  const build = new Command('build')
    .summary('write plugin.json, mappings/*.json and dist/plugin.js')
    .description('Writes plugin.json, mappings/*.json and dist/plugin.js of the plugin in [dir] (default: .).')
    .argument('[dir]', 'the plugin folder (default: .)')
    .option('--json', JSON_HELP)
    .action(
      context.action(async (dir: string | undefined, options: { json?: boolean }) => {
        const root = at(dir);
        io.stderr(`building ${shown(root)}`);
        const result = await buildPlugin(root);
        const summary = {
          name: result.manifest.name,
          version: result.manifest.version,
          manifestFile: result.manifestFile,
          entryFile: result.entryFile,
          mappings: Object.values(result.manifest.mappings).map((file) => join(root, file)),
        };
        if (options.json) io.stdout(JSON.stringify(summary));
        else
          io.stdout(
            `built ${summary.name}@${summary.version} → ${shown(result.manifestFile)}, ${shown(result.entryFile)}`,
          );
      }),
    );

  const buildAll = new Command('build-all')
    .summary('build every plugin folder (one with src/plugin.ts) directly under <dir>')
    .description(
      'Builds every plugin folder (one with src/plugin.ts) directly under <dir>. Keeps going after a failure, ' +
        'reports each one, and exits 1 if any plugin failed.',
    )
    .argument('<dir>', 'the folder holding plugin folders')
    .option('--json', JSON_HELP)
    .action(
      context.action(async (dir: string, options: { json?: boolean }) => {
        const root = at(dir);
        const folders = await pluginFolders(root);
        if (folders.length === 0) throw CliErrors.noPlugins(root);
        const results: { dir: string; name?: string; version?: string; error?: { code: string; message: string } }[] =
          [];
        for (const folder of folders) {
          io.stderr(`building ${shown(folder)}`);
          try {
            const { manifest } = await buildPlugin(folder);
            results.push({ dir: folder, name: manifest.name, version: manifest.version });
            if (!options.json) io.stdout(`built ${manifest.name}@${manifest.version}`);
          } catch (error) {
            if (!isActionhostError(error)) throw error;
            results.push({ dir: folder, error: { code: error.code, message: error.message } });
            io.stderr(`error ${error.code}: ${shown(folder)}: ${error.message}`);
          }
        }
        const failed = results.filter((r) => r.error).map((r) => shown(r.dir));
        if (options.json) io.stdout(JSON.stringify({ plugins: results, failed: failed.length }));
        if (failed.length > 0) throw CliErrors.buildAllFailed(failed);
      }),
    );

  const pack = new Command('pack')
    .summary('write a deterministic <name>-<version>.tgz and print name@version, file and sha512 integrity')
    .description(
      'Writes a deterministic <name>-<version>.tgz and prints name@version, the file and its sha512 integrity. ' +
        'Builds first when plugin.json or dist/plugin.js is missing or older than the sources. With --sign, the ' +
        'package carries an ed25519 publisher signature (package/actionhost-signature.json, see sdk/README.md) ' +
        'that `registry install` checks against its trust store.',
    )
    .argument('[dir]', 'the plugin folder (default: .)')
    .addOption(valueOption('--out <dir>', 'where the tarball goes (default: <dir>/dist)', text()))
    .addOption(
      valueOption('--sign <keyfile>', 'sign with this ed25519 private key (PKCS#8 PEM, mode 0600; see keygen)', text()),
    )
    .option('--json', JSON_HELP)
    .action(
      context.action(async (dir: string | undefined, options: { out?: string; sign?: string; json?: boolean }) => {
        const root = at(dir);
        io.stderr(`packing ${shown(root)}${options.sign === undefined ? '' : `, signed with ${options.sign}`}`);
        const result = await packPlugin(root, {
          outDir: options.out === undefined ? undefined : at(options.out),
          ...(options.sign === undefined ? {} : { sign: at(options.sign) }),
        });
        if (options.json) io.stdout(JSON.stringify(result));
        else {
          io.stdout(`${result.name}@${result.version}`);
          io.stdout(result.file);
          io.stdout(result.integrity);
          if (result.signedBy) io.stdout(`signed by key ${result.signedBy.keyId} (${result.signedBy.publicKey})`);
        }
      }),
    );

  const keygen = new Command('keygen')
    .summary('make an ed25519 key pair to sign packages with: <name>.key (private, 0600) and <name>.pub')
    .description(
      'Writes <out>/<name>.key (PKCS#8 PEM, mode 0600: keep it secret, never commit it) and <out>/<name>.pub ' +
        '(SPKI PEM: give it to the hosts that install your plugins, `registry trust add <name>.pub --name ' +
        '<publisher>`). Never overwrites a key.',
    )
    .addOption(valueOption('--out <dir>', 'where the key files go (default: .)', text()))
    .addOption(
      valueOption(
        '--name <name>',
        'file name of the pair, without extension (default: publisher)',
        matching(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"'),
      ),
    )
    .option('--json', JSON_HELP)
    .action(
      context.action(async (options: { out?: string; name?: string; json?: boolean }) => {
        const pair = await generateKeyPairFiles(at(options.out), options.name ?? 'publisher');
        if (options.json) io.stdout(JSON.stringify(pair));
        else {
          io.stdout(`private key ${shown(pair.privateKeyFile)} (keep it secret)`);
          io.stdout(`public key  ${shown(pair.publicKeyFile)}`);
          io.stdout(`key id      ${pair.keyId}`);
        }
      }),
    );

  const test = passTrailingArguments(
    new Command('test')
      .summary("run the plugin's tests (src/**/*.test.ts) with vitest, in the real sandbox")
      .description(
        "Runs the plugin's tests (src/**/*.test.ts) with vitest, in the real sandbox, and exits with vitest's exit " +
          'code. Arguments after "--" go to vitest. Tests use createTestHost() from @actionhost/core/testing.',
      )
      .usage('[dir] [-- vitest arguments]')
      .argument('[dir]', 'the plugin folder (default: .)')
      .action(
        context.action(async (dir: string | undefined) => {
          const root = at(dir);
          io.stderr(`testing ${shown(root)}`);
          return runPluginTests(root, {
            extraArgs: [...context.trailing],
            ...(childOutput ? { onOutput: childOutput } : {}),
          });
        }),
      ),
  );

  return [init, build, buildAll, pack, keygen, test];
}
