// The host's own routes for operators and orchestrators: liveness (/api/health), readiness (/api/ready: the store,
// the plugin registry and the sandbox answer) and Prometheus metrics (/metrics). None needs a token.
import { CoreErrors } from '../../errors/index.ts';
import { Health, Readiness } from '../schemas.ts';
import type { RouteTable } from '../route.ts';

/** Each part the host needs, and whether it is up now. */
export type ReadinessCheck = () => Promise<Record<string, boolean>>;

export interface MetricsPort {
  render(): Promise<{ contentType: string; body: string }>;
}

export function registerHostRoutes(
  table: RouteTable,
  options: { version: string; started: number; readiness?: ReadinessCheck; metrics?: MetricsPort },
): void {
  table.add({
    method: 'GET',
    url: '/api/health',
    role: 'public',
    tag: 'host',
    summary: 'Liveness: the process answers',
    response: Health,
    handler: () => ({
      status: 'ok' as const,
      version: options.version,
      uptimeSeconds: Math.round((Date.now() - options.started) / 1000),
    }),
  });
  const { readiness, metrics } = options;
  if (readiness) {
    table.add({
      method: 'GET',
      url: '/api/ready',
      role: 'public',
      tag: 'host',
      summary: 'Readiness: 200 once the store, the plugin registry and the sandbox are up, else 503 AH_HOST_NOT_READY',
      response: Readiness,
      handler: async () => {
        const checks = await readiness();
        const waiting = Object.keys(checks).filter((name) => !checks[name]);
        if (waiting.length > 0) throw CoreErrors.AH_HOST_NOT_READY({ waiting: waiting.join(', ') }, { checks });
        return { status: 'ready' as const, checks };
      },
    });
  }
  if (metrics) {
    table.add({
      method: 'GET',
      url: '/metrics',
      role: 'public',
      tag: 'host',
      summary: 'Prometheus metrics (text exposition format)',
      handler: async ({ reply }) => {
        const { contentType, body } = await metrics.render();
        void reply.header('content-type', contentType);
        return body;
      },
    });
  }
}
