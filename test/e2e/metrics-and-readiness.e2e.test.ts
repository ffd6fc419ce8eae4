// An operator's view of a running host: /api/ready turns 200 once the store, the registry and the sandbox are up,
// and /metrics answers Prometheus text without a token, with request timings by route and the live gauges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHostProcess, type HostProcess } from '@actionhost/test/support';

let host: HostProcess;
beforeAll(async () => {
  host = await startHostProcess({ seed: false });
});
afterAll(async () => {
  await host.stop();
});

describe('readiness and metrics', () => {
  it('answers /api/ready with 200 once the store, the plugin registry and the sandbox are up', async () => {
    const ready = await eventually(
      () =>
        fetch(`${host.url}/api/ready`).then(async (response) => ({
          status: response.status,
          body: await response.json(),
        })),
      (answer) => answer.status === 200,
    );
    expect(ready.body).toEqual({ status: 'ready', checks: { store: true, registry: true, sandbox: true } });
  });

  it('serves Prometheus text at /metrics without a token', async () => {
    await host.api('GET', '/api/requests');
    const response = await fetch(`${host.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(
      /^actionhost_http_request_duration_seconds_count\{method="GET",route="\/api\/requests",status_code="200"\} \d+$/m,
    );
    expect(text).toMatch(/^actionhost_sandbox_workers 1$/m);
    for (const gauge of ['actionhost_queue_depth', 'actionhost_outbox_pending', 'actionhost_outbox_lag_seconds'])
      expect(text).toMatch(new RegExp(`^${gauge} \\d`, 'm'));
    expect(text).toContain('# TYPE actionhost_executions_total counter');
  });
});
