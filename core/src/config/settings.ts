// Every setting of the host, in one table (fastify's build-validation.js is the model): environment variable,
// flag, kind of value, default and description. The schema the host parses its configuration with, the `--help`
// of `actionhost start` (and the flags the other commands share), and the README's settings table
// (`npm run docs:settings`) all come from here; nothing else reads a setting from process.env. Adding a setting
// is adding an entry. Defaults give the embedded setup: SQLite in ./data, 127.0.0.1:8080, private addresses closed.
import { DATA_DIR_SETTING, SIGNATURE_POLICY_SETTING } from '@actionhost/registry';
import { SIGNING_KEY_SETTING } from '@actionhost/sdk';
import { resolve } from 'node:path';
import { z } from 'zod';
import {
  base64Bytes,
  choice,
  commaList,
  defineSettings,
  onOff,
  text,
  wholeNumber,
  type SettingTexts,
  type Value,
} from '@actionhost/sdk/cli';
import { isIP } from 'node:net';

/** A file, resolved against the current folder (whether it can be read is checked where it is used). */
function file(): Value<string> {
  return {
    schema: z
      .string()
      .trim()
      .min(1, 'empty')
      .transform((path) => resolve(path)),
    expects: 'a file path',
  };
}

/** The host's URL as an Integration Connector reaches it: HTTPS only, the connector verifies its certificate. */
function httpsUrl(): Value<string> {
  return {
    schema: z
      .string()
      .refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', 'not an https URL'),
    expects: 'an https URL, e.g. https://actionhost.example.com:8443',
  };
}

export const HOST_SETTINGS = defineSettings({
  dataDir: DATA_DIR_SETTING,
  host: {
    env: 'ACTIONHOST_HOST',
    flag: '--host <address>',
    value: text(),
    default: '127.0.0.1',
    description:
      'address the HTTP API listens on; an address other than loopback needs TLS or allowPlainHttp (AH_PLAIN_HTTP_REFUSED)',
  },
  allowPlainHttp: {
    env: 'ACTIONHOST_ALLOW_PLAIN_HTTP',
    flag: '--allow-plain-http <on>',
    value: onOff(),
    default: 'false',
    description:
      'let the HTTP API listen without TLS on an address other than loopback (only behind a TLS-terminating proxy on a trusted network: tokens and secrets travel in its requests)',
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
  approvedProxies: {
    env: 'ACTIONHOST_APPROVED_PROXIES',
    flag: '--approved-proxies <list>',
    value: commaList('http://proxy.example.com:3128'),
    default: '',
    description:
      "forward proxies plugins may use whatever their host list says; the only proxies a stored credential is sent through (any other proxy must be in the plugin's host list)",
  },
  resolverServers: {
    env: 'ACTIONHOST_RESOLVER_SERVERS',
    flag: '--resolver-servers <list>',
    value: dnsServers(),
    default: '',
    description:
      "DNS servers the http capability asks for names that are not in /etc/hosts (lookups bounded per invocation, off libuv's shared threads); empty: those of /etc/resolv.conf",
  },
  tlsCert: {
    env: 'ACTIONHOST_TLS_CERT',
    flag: '--tls-cert <file>',
    value: file(),
    description:
      'PEM certificate (chain) the HTTP API is served with over HTTPS, together with tlsKey; without both it speaks plain HTTP',
  },
  tlsKey: {
    env: 'ACTIONHOST_TLS_KEY',
    flag: '--tls-key <file>',
    value: file(),
    description: 'PEM private key of tlsCert',
  },
  hstsMaxAge: {
    env: 'ACTIONHOST_HSTS_MAX_AGE',
    flag: '--hsts-max-age <seconds>',
    value: wholeNumber(0, 63_072_000),
    default: '31536000',
    description:
      'with TLS: max-age of the Strict-Transport-Security header on every console and API answer over HTTPS (browsers then refuse plain HTTP to this host for that long; never sent over plain HTTP); 0 tells browsers to forget it',
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
    description:
      "load the seed's two example workflows as drafts and its Employee On-boarding request template on start (once: an existing name is kept)",
  },
  pluginSignatures: SIGNATURE_POLICY_SETTING,
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
  maxBacklogMs: {
    env: 'ACTIONHOST_MAX_BACKLOG_MS',
    flag: '--max-backlog-ms <ms>',
    value: wholeNumber(0, 3_600_000),
    default: '1000',
    description:
      'while the backlog would take longer than this to drain at the rate executions finish now (or its oldest entry has waited longer), a request write waits up to this long for room, then gets 503 AH_HOST_BUSY with Retry-After; a backlog of 32 or less is always admitted; 0 = only the count bound maxBacklog',
  },
  stopTimeoutMs: {
    env: 'ACTIONHOST_STOP_TIMEOUT_MS',
    flag: '--stop-timeout-ms <ms>',
    value: wholeNumber(0, 3_600_000),
    default: '10000',
    description:
      'on SIGTERM, how long running executions may finish before their steps are checkpointed (resumed on next start)',
  },
  retainSucceededDays: {
    env: 'ACTIONHOST_RETAIN_SUCCEEDED_DAYS',
    flag: '--retain-succeeded-days <days>',
    value: wholeNumber(0, 36_500),
    default: '30',
    description: 'succeeded executions (with their steps) are deleted this many days after they finished; 0 keeps them',
  },
  retainFailedDays: {
    env: 'ACTIONHOST_RETAIN_FAILED_DAYS',
    flag: '--retain-failed-days <days>',
    value: wholeNumber(0, 36_500),
    default: '90',
    description:
      'failed and cancelled executions (with their steps) are deleted this many days after they finished; 0 keeps them',
  },
  retainExecutions: {
    env: 'ACTIONHOST_RETAIN_EXECUTIONS',
    flag: '--retain-executions <n>',
    value: wholeNumber(0, 1_000_000_000),
    default: '0',
    description:
      'at most this many finished executions are kept, the oldest deleted first whatever their status; 0 = no cap',
  },
  retainAuditDays: {
    env: 'ACTIONHOST_RETAIN_AUDIT_DAYS',
    flag: '--retain-audit-days <days>',
    value: wholeNumber(0, 36_500),
    default: '365',
    description: "requests' Audit Trail entries are deleted this many days after they were written; 0 keeps them",
  },
  retainAuditEntries: {
    env: 'ACTIONHOST_RETAIN_AUDIT_ENTRIES',
    flag: '--retain-audit-entries <n>',
    value: wholeNumber(0, 1_000_000_000),
    default: '0',
    description: 'at most this many Audit Trail entries are kept, the oldest deleted first; 0 = no cap',
  },
  pruneBatch: {
    env: 'ACTIONHOST_PRUNE_BATCH',
    flag: '--prune-batch <n>',
    value: wholeNumber(1, 100_000),
    default: '100',
    description: 'rows the background pruner deletes per transaction (executions with their steps, entries, events)',
  },
  pruneIntervalMs: {
    env: 'ACTIONHOST_PRUNE_INTERVAL_MS',
    flag: '--prune-interval-ms <ms>',
    value: wholeNumber(1_000, 86_400_000),
    default: '600000',
    description: 'how often the background pruner looks for rows past their retention (it also runs once on start)',
  },
  databaseUrl: {
    env: 'ACTIONHOST_DATABASE_URL',
    value: postgresUrl(),
    secret: true,
    description:
      'PostgreSQL database several hosts share (postgres://user:password@host:port/database); `actionhost start` reads it for the plugin index and package bytes only (each host extracts a version into its own data folder on first use); the rest still runs on the SQLite file of the data folder (issue 14: the engine ports exist for PostgreSQL, the other services follow)',
  },
  leaseMs: {
    env: 'ACTIONHOST_LEASE_MS',
    value: wholeNumber(1_000, 3_600_000),
    default: '30000',
    description:
      "on PostgreSQL: how long a host's claim on an execution (and on an outbox event) holds without a heartbeat; after it another host takes the execution over",
  },
  heartbeatMs: {
    env: 'ACTIONHOST_HEARTBEAT_MS',
    value: wholeNumber(100, 600_000),
    default: '5000',
    description:
      'on PostgreSQL: how often a host renews the leases of the executions it runs and takes over those whose lease lapsed (keep it well under leaseMs)',
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
  signingKey: SIGNING_KEY_SETTING,
  masterKey: {
    env: 'ACTIONHOST_MASTER_KEY',
    value: base64Bytes(32),
    secret: true,
    description: 'key that encrypts credentials and sealed inputs; without it <data>/master.key (mode 0600) is used',
  },
  connectorHostUrl: {
    env: 'ACTIONHOST_CONNECTOR_HOST_URL',
    flag: '--host-url <url>',
    value: httpsUrl(),
    description: '`actionhost connector`: the host it connects out to (HTTPS, certificate verified)',
  },
  connectorCa: {
    env: 'ACTIONHOST_CONNECTOR_CA',
    flag: '--ca <file>',
    value: file(),
    description:
      "`actionhost connector`: PEM of the CA the host's certificate is verified against; without it the system's CAs",
  },
  connectorToken: {
    env: 'ACTIONHOST_CONNECTOR_TOKEN',
    value: text(16),
    secret: true,
    description: '`actionhost connector`: the connector token an admin issued (POST /api/connectors)',
  },
});

/** The settings of `actionhost connector`, which `actionhost start` does not take. */
export const CONNECTOR_SETTING_KEYS = ['connectorHostUrl', 'connectorCa', 'connectorToken'] as const;

/** The host's configuration: what HOST_SETTINGS parses to (z.infer of its one schema). */
export const HostConfig = HOST_SETTINGS.schema;
export type HostConfig = z.infer<typeof HostConfig>;
export type HostSettingTexts = SettingTexts<typeof HOST_SETTINGS.settings>;

/** Flags (as text, by setting name) win over the environment, the environment over the defaults. */
export function loadConfig(flags: HostSettingTexts = {}, env: NodeJS.ProcessEnv = {}): HostConfig {
  return HOST_SETTINGS.load({ flags, env });
}

/** A postgres:// (or postgresql://) URL. */
function postgresUrl(): Value<string> {
  return {
    schema: z
      .string()
      .trim()
      .refine(
        (value) => URL.canParse(value) && ['postgres:', 'postgresql:'].includes(new URL(value).protocol),
        'not a postgres:// URL',
      ),
    expects: 'a postgres:// URL, e.g. postgres://actionhost:secret@db.example.com:5432/actionhost',
  };
}

/** A comma-separated list of DNS servers: IP addresses, optionally with a port (`192.0.2.53:5353`, `[2001:db8::53]:53`). */
function dnsServers() {
  const server = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+))(?::(\d{1,5}))?$|^([0-9a-fA-F:]+)$/;
  const valid = (entry: string) => {
    const match = server.exec(entry);
    const address = match && (match[1] ?? match[2] ?? match[4]);
    return !!address && isIP(address) !== 0 && (match[3] === undefined || Number(match[3]) <= 65_535);
  };
  return {
    schema: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .refine((entries) => entries.every(valid), 'holds an entry that is no IP address (with an optional port)'),
    expects: 'a comma-separated list of IP addresses with optional ports, e.g. 192.0.2.53,[2001:db8::53]:53',
  };
}
