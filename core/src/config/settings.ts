// Every setting of the host, in one table (fastify's build-validation.js is the model): environment variable,
// flag, kind of value, default and description. The schema the host parses its configuration with, the `--help`
// of `actionhost start` (and the flags the other commands share), and the README's settings table
// (`npm run docs:settings`) all come from here; nothing else reads a setting from process.env. Adding a setting
// is adding an entry. Defaults give the embedded setup: SQLite in ./data, 127.0.0.1:8080, private addresses closed.
import { DATA_DIR_SETTING } from '@actionhost/registry';
import {
  base64Bytes,
  choice,
  commaList,
  defineSettings,
  onOff,
  text,
  wholeNumber,
  type SettingTexts,
} from '@actionhost/sdk/cli';
import type { z } from 'zod';

export const HOST_SETTINGS = defineSettings({
  dataDir: DATA_DIR_SETTING,
  host: {
    env: 'ACTIONHOST_HOST',
    flag: '--host <address>',
    value: text(),
    default: '127.0.0.1',
    description: 'address the HTTP API listens on',
  },
  port: {
    env: 'ACTIONHOST_PORT',
    flag: '--port <port>',
    value: wholeNumber(0, 65_535),
    default: '8080',
    description: 'port the HTTP API listens on; 0 picks a free one',
  },
  workers: {
    env: 'ACTIONHOST_WORKERS',
    flag: '--workers <n>',
    value: wholeNumber(1, 64),
    default: '2',
    description: 'sandbox worker processes',
  },
  sandboxContext: {
    env: 'ACTIONHOST_SANDBOX_CONTEXT',
    flag: '--sandbox-context <mode>',
    value: choice(['reused', 'fresh']),
    default: 'reused',
    description:
      "reused: each sandbox isolate keeps one V8 context per plugin version, reset between invocations (built-ins frozen, globals and module state fresh); fresh: a new context for every invocation (slower); a plugin's manifest may ask for fresh ones itself (sandbox.context)",
  },
  allowPrivate: {
    env: 'ACTIONHOST_ALLOW_PRIVATE',
    flag: '--allow-private <list>',
    value: commaList('127.0.0.1,10.0.0.0/8'),
    default: '',
    description: 'hosts or CIDRs plugins may reach although private or loopback',
  },
  logLevel: {
    env: 'ACTIONHOST_LOG_LEVEL',
    flag: '--log-level <level>',
    value: choice(['fatal', 'error', 'warn', 'info', 'debug', 'silent']),
    default: 'info',
    description: 'HTTP API log level',
  },
  seed: {
    env: 'ACTIONHOST_SEED',
    flag: '--no-seed',
    value: onOff(),
    default: 'true',
    description: "load the seed's two example workflows as drafts on start (once: an existing name is kept)",
  },
  maxExecutions: {
    env: 'ACTIONHOST_MAX_EXECUTIONS',
    flag: '--max-executions <n>',
    value: wholeNumber(1, 1_000),
    default: '8',
    description: 'executions running at once; more wait queued in the database',
  },
  maxPerPlugin: {
    env: 'ACTIONHOST_MAX_PER_PLUGIN',
    flag: '--max-per-plugin <n>',
    value: wholeNumber(1, 1_000),
    default: '4',
    description: 'invocations of one plugin running at once',
  },
  maxBacklog: {
    env: 'ACTIONHOST_MAX_BACKLOG',
    flag: '--max-backlog <n>',
    value: wholeNumber(1, 100_000_000),
    default: '10000',
    description:
      'pending events plus queued executions beyond which request writes get 503 AH_HOST_BUSY with Retry-After',
  },
  stopTimeoutMs: {
    env: 'ACTIONHOST_STOP_TIMEOUT_MS',
    flag: '--stop-timeout-ms <ms>',
    value: wholeNumber(0, 3_600_000),
    default: '10000',
    description:
      'on SIGTERM, how long running executions may finish before their steps are checkpointed (resumed on next start)',
  },
  adminToken: {
    env: 'ACTIONHOST_ADMIN_TOKEN',
    value: text(16),
    secret: true,
    description:
      "the first admin's API token, registered only while the data folder has no token (a later, different value is " +
      'ignored with a warning, never added: recover with `actionhost tokens create --role admin`); without it one is ' +
      'created on first start and printed once',
  },
  masterKey: {
    env: 'ACTIONHOST_MASTER_KEY',
    value: base64Bytes(32),
    secret: true,
    description: 'key that encrypts credentials and sealed inputs; without it <data>/master.key (mode 0600) is used',
  },
});

/** The host's configuration: what HOST_SETTINGS parses to (z.infer of its one schema). */
export const HostConfig = HOST_SETTINGS.schema;
export type HostConfig = z.infer<typeof HostConfig>;
export type HostSettingTexts = SettingTexts<typeof HOST_SETTINGS.settings>;

/** Flags (as text, by setting name) win over the environment, the environment over the defaults. */
export function loadConfig(flags: HostSettingTexts = {}, env: NodeJS.ProcessEnv = {}): HostConfig {
  return HOST_SETTINGS.load({ flags, env });
}
