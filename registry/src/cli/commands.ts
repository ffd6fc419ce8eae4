// The registry commands: install, list, info, remove, verify. Each gets its parsed flags and positionals and
// an open store; results go to stdout (text or --json), progress to stderr. Returns the exit code.
import semver from 'semver';
import { RegistryServer, fetchRemote } from '../remote/index.ts';
import type { InstalledPlugin, PluginStore } from '../store/index.ts';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** A wrong command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

export interface OptionSpec {
  type: 'boolean' | 'string';
  value?: string;
  description: string;
}

export interface CommandContext {
  store: PluginStore;
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
  io: CliIo;
}

export interface Command {
  name: string;
  usage: string;
  summary: string;
  options: Record<string, OptionSpec>;
  run(context: CommandContext): Promise<number> | number;
}

const json = { type: 'boolean', description: 'print JSON instead of text' } as const;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** "@acme/x@^1.2" → ["@acme/x", "^1.2"]; the scope's leading @ is not a separator. */
export function splitSpec(spec: string): [name: string, rest: string | undefined] {
  const at = spec.lastIndexOf('@');
  return at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, undefined];
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
    `  installed:     ${plugin.installedAt}`,
    `  folder:        ${plugin.dir}`,
    `  pinned by:     ${pins.join(', ') || 'nobody'}`,
  ].join('\n');
}

export const commands: Command[] = [
  {
    name: 'install',
    usage: 'install <spec>...',
    summary: 'install plugin packages: .tgz files, plugin folders (built and packed first), or name@range with --from',
    options: {
      integrity: {
        type: 'string',
        value: 'sha512-...',
        description: 'expected integrity of the tarball (one spec only)',
      },
      from: { type: 'string', value: 'URL', description: 'install name@range from a remote `registry serve`' },
    },
    async run({ store, positionals, values, io }) {
      if (positionals.length === 0)
        throw new UsageError('install needs at least one .tgz file or plugin folder', 'install');
      const integrity = values.integrity as string | undefined;
      const from = values.from as string | undefined;
      if (integrity !== undefined && positionals.length > 1)
        throw new UsageError('--integrity applies to a single spec', 'install');
      if (integrity !== undefined && !/^sha512-[A-Za-z0-9+/]+={0,2}$/.test(integrity)) {
        throw new UsageError('--integrity must look like sha512-<base64>', 'install');
      }
      if (from !== undefined && !URL.canParse(from)) throw new UsageError('--from needs an http(s) URL', 'install');
      for (const spec of positionals) {
        const onProgress = (message: string) => io.err(message);
        let result;
        if (from === undefined) {
          result = await store.install(spec, { integrity, onProgress });
        } else {
          const [name, range = '*'] = splitSpec(spec);
          onProgress(`asking ${from} for ${name}@${range}`);
          const remote = await fetchRemote(from, name, range);
          if (integrity !== undefined && integrity !== remote.integrity) {
            onProgress(`${from} advertises ${remote.integrity} for ${name}@${remote.version}`);
          }
          result = await store.install(
            { tarball: remote.tarball, source: remote.source },
            { integrity: integrity ?? remote.integrity, onProgress, expect: { name, version: remote.version } },
          );
        }
        io.out(
          `${result.alreadyInstalled ? 'already installed' : 'installed'} ${result.name}@${result.version} ${result.integrity}`,
        );
      }
      return 0;
    },
  },
  {
    name: 'list',
    usage: 'list [--json]',
    summary: 'list installed plugin versions',
    options: { json },
    run({ store, positionals, values, io }) {
      if (positionals.length > 0) throw new UsageError('list takes no arguments', 'list');
      const plugins = store.list();
      if (values.json) io.out(JSON.stringify(plugins, null, 2));
      else if (plugins.length === 0) io.err('no plugins installed');
      else {
        io.out(
          table([
            ['NAME', 'VERSION', 'CATEGORY', 'INSTALLED'],
            ...plugins.map((p) => [p.name, p.version, p.manifest.category, p.installedAt]),
          ]),
        );
      }
      return 0;
    },
  },
  {
    name: 'info',
    usage: 'info <name>[@range] [--json]',
    summary: 'show the installed versions of a plugin (newest first), optionally those in a semver range',
    options: { json },
    run({ store, positionals, values, io }) {
      if (positionals.length !== 1) throw new UsageError('info needs exactly one <name>[@range]', 'info');
      const [name, range] = splitSpec(positionals[0]);
      const plugins = store.info(name, range);
      const detailed = plugins.map((plugin) => ({ ...plugin, pins: store.pins(plugin.name, plugin.version) }));
      if (values.json) io.out(JSON.stringify(detailed, null, 2));
      else io.out(detailed.map((plugin) => describe(plugin, plugin.pins)).join('\n\n'));
      return 0;
    },
  },
  {
    name: 'remove',
    usage: 'remove <name>@<version> [--force]',
    summary: 'remove an installed version (refused while a published workflow pins it, unless --force)',
    options: { force: { type: 'boolean', description: 'remove even when pinned' } },
    run({ store, positionals, values, io }) {
      if (positionals.length !== 1) throw new UsageError('remove needs exactly one <name>@<version>', 'remove');
      const [name, version] = splitSpec(positionals[0]);
      if (version === undefined || semver.valid(version) !== version) {
        throw new UsageError('remove needs an exact version: <name>@<version>', 'remove');
      }
      store.remove(name, version, { force: values.force === true });
      io.out(`removed ${name}@${version}`);
      return 0;
    },
  },
  {
    name: 'verify',
    usage: 'verify [--json]',
    summary: 're-hash every stored tarball and extracted file; exit 1 if anything changed',
    options: { json },
    run({ store, positionals, values, io }) {
      if (positionals.length > 0) throw new UsageError('verify takes no arguments', 'verify');
      const reports = store.verify();
      if (values.json) io.out(JSON.stringify(reports, null, 2));
      else {
        for (const report of reports) {
          io.out(`${report.ok ? 'ok  ' : 'FAIL'} ${report.name}@${report.version}`);
          for (const problem of report.problems) io.out(`     ${problem}`);
        }
        if (reports.length === 0) io.err('no plugins installed');
      }
      return reports.every((report) => report.ok) ? 0 : 1;
    },
  },
  {
    name: 'serve',
    usage: 'serve [--port N] [--host ADDRESS]',
    summary: 'serve the installed tarballs over HTTP (read-only) until interrupted',
    options: {
      port: { type: 'string', value: 'N', description: 'port to listen on (default 4873; 0 picks a free one)' },
      host: { type: 'string', value: 'ADDRESS', description: 'address to listen on (default 127.0.0.1)' },
    },
    async run({ store, positionals, values, io }) {
      if (positionals.length > 0) throw new UsageError('serve takes no arguments', 'serve');
      const port = Number(values.port ?? 4873);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0-65535', 'serve');
      const server = await RegistryServer.listen(store, { port, host: values.host as string | undefined });
      io.out(`serving ${store.dataDir} at ${server.url}`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
      return 0;
    },
  },
];
