// The registry commands: install, list, info, remove, verify, serve. Each validates its command line first, then
// opens the store of the data folder (only install may create one); results go to stdout (text or --json),
// progress to stderr.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import semver from 'semver';
import {
  Command,
  UsageError,
  httpUrl,
  matching,
  portInUseError,
  text,
  textTable,
  untilStopped,
  valueOption,
  wholeNumber,
  type ProgramContext,
} from '@actionhost/sdk/cli';
import { RegistryServer, fetchRemote } from '../remote/index.ts';
import { describeDifference, type InstalledPlugin, type InstallResult } from '../store/index.ts';
import { JSON_HELP, cliActor, storeAccess } from './store-access.ts';
import { trustCommand } from './trust.ts';
import { approveCommand, differenceOf, reviewLines } from './capabilities.ts';
import { splitSpec } from './spec.ts';

export { splitSpec };

const npmName = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** A spec that is no file or folder but reads as name[@range]: the user meant a remote install. */
function looksLikePluginName(spec: string, cwd: string): boolean {
  if (existsSync(resolve(cwd, spec)) || spec.endsWith('.tgz')) return false;
  const [name, range] = splitSpec(spec);
  return npmName.test(name) && (range === undefined || semver.validRange(range) !== null);
}

export function signatureText(signature: { status: string; keyId: string | null; publisher: string | null }): string {
  if (signature.keyId === null) return signature.status;
  return `${signature.status} (key ${signature.keyId}${signature.publisher === null ? '' : `, ${signature.publisher}`})`;
}

function describe(plugin: InstalledPlugin, pins: string[]): string {
  const { manifest } = plugin;
  const capabilities = [
    manifest.capabilities.http ? `http (${manifest.capabilities.http.hosts.join(', ')})` : '',
    manifest.capabilities.ldap ? 'ldap' : '',
    manifest.capabilities.itsm?.length ? `itsm (${manifest.capabilities.itsm.join(', ')})` : '',
  ].filter(Boolean);
  return [
    `${plugin.name}@${plugin.version}  ${manifest.title}`,
    ...(manifest.description ? [`  ${manifest.description}`] : []),
    `  category:      ${manifest.category}`,
    `  host:          ${manifest.host}`,
    `  paths:         ${manifest.paths.join(', ')}`,
    `  capabilities:  ${capabilities.join('; ') || 'none'}`,
    `  mappings:      ${Object.keys(manifest.mappings).join(', ') || 'none'}`,
    `  integrity:     ${plugin.integrity}`,
    `  signature:     ${signatureText(plugin.signature)}`,
    `  approved:      ${plugin.approval ? `${plugin.approval.via}, by ${plugin.approval.approvedBy}, ${plugin.approval.approvedAt}` : 'NO (registry approve, or publish as an admin with acceptCapabilities)'}`,
    `  installed:     ${plugin.installedAt}`,
    `  folder:        ${plugin.dir}`,
    `  pinned by:     ${pins.join(', ') || 'nobody'}`,
  ].join('\n');
}

export function registryCommands(context: ProgramContext): Command[] {
  const { io } = context;
  const withStore = storeAccess(context);

  const install: Command = new Command('install')
    .summary('install plugin packages: .tgz files, plugin folders (built and packed first), or name@range with --from')
    .argument('<spec...>', '.tgz file, plugin folder, or name@range (with --from)')
    .addOption(
      valueOption(
        '--integrity <sha512-...>',
        'expected integrity of the tarball (one spec only)',
        matching(/^sha512-[A-Za-z0-9+/]+={0,2}$/, 'sha512-<base64>'),
      ),
    )
    .addOption(valueOption('--from <url>', 'install name@range from a remote `registry serve`', httpUrl()))
    .option(
      '--accept-capabilities',
      'approve what each version may reach (recorded with your user name), so that workflows may publish with it',
    )
    .option('--json', 'print the results as one JSON array')
    .action(
      context.action(
        async (
          specs: string[],
          options: { integrity?: string; from?: string; json?: boolean; acceptCapabilities?: boolean },
        ) => {
          const { integrity, from } = options;
          if (integrity !== undefined && specs.length > 1) throw new UsageError('--integrity applies to a single spec');
          if (from === undefined) {
            const named = specs.find((spec) => looksLikePluginName(spec, io.cwd));
            if (named !== undefined) {
              throw new UsageError(
                `"${named}" is no file or folder; to install name@range from a remote registry add --from <url> ` +
                  '(the address of a `registry serve`)',
              );
            }
          }
          await withStore(install, 'create', async (store) => {
            const results: Omit<InstallResult, 'dir'>[] = [];
            for (const spec of specs) {
              const onProgress = (message: string) => io.stderr(message);
              const approval = { actor: cliActor(), acceptCapabilities: options.acceptCapabilities === true };
              let result;
              if (from === undefined) {
                result = await store.install(resolve(io.cwd, spec), { integrity, onProgress, ...approval });
              } else {
                const [name, range = '*'] = splitSpec(spec);
                onProgress(`asking ${from} for ${name}@${range}`);
                const remote = await fetchRemote(from, name, range);
                if (integrity !== undefined && integrity !== remote.integrity) {
                  onProgress(`${from} advertises ${remote.integrity} for ${name}@${remote.version}`);
                }
                result = await store.install(
                  { tarball: remote.tarball, source: remote.source },
                  {
                    integrity: integrity ?? remote.integrity,
                    onProgress,
                    expect: { name, version: remote.version },
                    ...approval,
                  },
                );
              }
              const { dir: _dir, ...shown } = result;
              results.push(shown);
              if (options.json) continue;
              io.stdout(
                `${result.alreadyInstalled ? 'already installed' : 'installed'} ${result.name}@${result.version} ${result.integrity}`,
              );
              io.stdout(`  signature: ${signatureText(result.signature)}`);
              for (const line of reviewLines(result.capabilities)) io.stdout(line);
            }
            if (options.json) io.stdout(JSON.stringify(results, null, 2));
          });
        },
      ),
    );

  const list: Command = new Command('list')
    .summary('list installed plugin versions')
    .option('--json', JSON_HELP)
    .action(
      context.action((options: { json?: boolean }) =>
        withStore(list, 'existing', async (store) => {
          const plugins = await store.list();
          if (options.json) io.stdout(JSON.stringify(plugins, null, 2));
          else if (plugins.length === 0) io.stderr('no plugins installed');
          else
            io.stdout(
              textTable([
                ['NAME', 'VERSION', 'CATEGORY', 'SIGNATURE', 'INSTALLED'],
                ...plugins.map((p) => [p.name, p.version, p.manifest.category, p.signature.status, p.installedAt]),
              ]),
            );
        }),
      ),
    );

  const info: Command = new Command('info')
    .summary(
      'show the installed versions of a plugin (newest first), optionally those in a semver range; with --diff, ' +
        'what one version may reach and declares that another does not',
    )
    .argument('<spec...>', 'name[@range]; with --diff: name@a name@b, name a b, or name@version (against the approved)')
    .option('--diff', 'print the capability, limit and schema difference between two versions')
    .option('--json', JSON_HELP)
    .action(
      context.action((specs: string[], options: { json?: boolean; diff?: boolean }) =>
        withStore(info, 'existing', async (store) => {
          if (options.diff) {
            const difference = await differenceOf(store, specs);
            io.stdout(options.json ? JSON.stringify(difference, null, 2) : describeDifference(difference).join('\n'));
            return;
          }
          if (specs.length > 1) throw new UsageError('info takes one name[@range] (or two versions with --diff)');
          const [name, range] = splitSpec(specs[0]);
          const detailed = [];
          for (const plugin of await store.info(name, range)) {
            detailed.push({ ...plugin, pins: await store.pins(plugin.name, plugin.version) });
          }
          if (options.json) io.stdout(JSON.stringify(detailed, null, 2));
          else io.stdout(detailed.map((plugin) => describe(plugin, plugin.pins)).join('\n\n'));
        }),
      ),
    );

  const remove: Command = new Command('remove')
    .summary('remove an installed version (refused while a published workflow pins it, unless --force)')
    .argument('<name@version>', 'plugin name and exact version')
    .option('--force', 'remove even when pinned')
    .action(
      context.action((spec: string, options: { force?: boolean }) => {
        const [name, version] = splitSpec(spec);
        if (version === undefined || semver.valid(version) !== version) {
          throw new UsageError('remove needs an exact version: <name>@<version>');
        }
        return withStore(remove, 'existing', async (store) => {
          await store.remove(name, version, { force: options.force === true });
          io.stdout(`removed ${name}@${version}`);
        });
      }),
    );

  const verify: Command = new Command('verify')
    .summary(
      're-hash every stored tarball and extracted file and re-check its publisher signature; exit 1 on a problem',
    )
    .option('--json', JSON_HELP)
    .action(
      context.action((options: { json?: boolean }) =>
        withStore(verify, 'existing', async (store) => {
          const reports = await store.verify();
          if (options.json) io.stdout(JSON.stringify(reports, null, 2));
          else {
            for (const report of reports) {
              io.stdout(
                `${report.ok ? 'ok  ' : 'FAIL'} ${report.name}@${report.version}  signature: ${signatureText(report.signature)}`,
              );
              for (const problem of report.problems) io.stdout(`     ${problem}`);
            }
            if (reports.length === 0) io.stderr('no plugins installed');
          }
          return reports.every((report) => report.ok) ? 0 : 1;
        }),
      ),
    );

  const serve: Command = new Command('serve')
    .summary('serve the installed tarballs over HTTP (read-only) until interrupted')
    .addOption(
      valueOption('--port <port>', 'port to listen on (default 4873; 0 picks a free one)', wholeNumber(0, 65_535)),
    )
    .addOption(valueOption('--host <address>', 'address to listen on (default 127.0.0.1)', text()))
    .action(
      context.action((options: { port?: number; host?: string }) =>
        withStore(serve, 'existing', async (store) => {
          const host = options.host ?? '127.0.0.1';
          const port = options.port ?? 4873;
          const server = await RegistryServer.listen(store, { port, host }).catch((error: unknown) => {
            throw portInUseError(
              error,
              host,
              port,
              'stop what uses it, or choose another with --port (0 = any free port)',
            );
          });
          io.stdout(`serving ${store.dataDir} at ${server.url}`);
          await untilStopped({ env: io.env });
          await server.close();
        }),
      ),
    );

  return [install, list, info, remove, verify, serve, approveCommand(context), trustCommand(context)];
}
