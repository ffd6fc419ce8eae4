// Host configuration: one zod schema, read from flags and environment (flags win). Defaults give the
// embedded setup: SQLite in ./data, 127.0.0.1:8080, loopback and private addresses denied to plugins.
import { resolve } from 'node:path';
import { z } from 'zod';
import { CoreErrors } from '../errors/index.ts';

export const HostConfig = z.object({
  dataDir: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().min(0).max(65_535),
  workers: z.number().int().min(1).max(64),
  /** Hosts or CIDRs plugins may reach although private or loopback, e.g. "127.0.0.1". */
  allowPrivate: z.array(z.string().min(1)),
  /** Token for the first admin; when absent one is created on first start and printed once. */
  adminToken: z.string().min(16).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']),
});
export type HostConfig = z.infer<typeof HostConfig>;

export type ConfigFlags = Partial<Record<'data' | 'host' | 'port' | 'workers' | 'allow-private' | 'log-level', string>>;

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): HostConfig {
  const candidate = {
    dataDir: resolve(flags.data ?? env.ACTIONHOST_DATA ?? './data'),
    host: flags.host ?? env.ACTIONHOST_HOST ?? '127.0.0.1',
    port: Number(flags.port ?? env.ACTIONHOST_PORT ?? 8080),
    workers: Number(flags.workers ?? env.ACTIONHOST_WORKERS ?? 2),
    allowPrivate: list(flags['allow-private'] ?? env.ACTIONHOST_ALLOW_PRIVATE),
    adminToken: env.ACTIONHOST_ADMIN_TOKEN || undefined,
    logLevel: flags['log-level'] ?? env.ACTIONHOST_LOG_LEVEL ?? 'info',
  };
  const parsed = HostConfig.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw CoreErrors.AH_CONFIG_INVALID(
      { key: issue.path.join('.'), problem: issue.message },
      { path: `/${issue.path.join('/')}` },
    );
  }
  return parsed.data;
}
