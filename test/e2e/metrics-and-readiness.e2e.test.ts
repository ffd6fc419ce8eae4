// An operator's view of a running host: /api/ready turns 200 once the store, the registry and the sandbox are up,
// and /metrics answers Prometheus text without a token, with request timings by route, the live gauges and the
// series the engine's and the sandbox's observers feed; the host log gets a line per execution and step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  startHostProcess,
  startHttpTarget,
  type HostProcess,
  type HttpTarget,
} from '@actionhost/test/support';

let host: HostProcess;
let target: HttpTarget;
beforeAll(async () => {
  target = await startHttpTarget();
  host = await startHostProcess({ seed: false, allowPrivate: '127.0.0.1' });
}, 120_000);
afterAll(async () => {
  await host?.stop();
  await target?.close();
});

/** The value of the sample of `name` whose labels include `labels`, or null when there is none. */
function sample(text: string, name: string, labels: Record<string, string>): number | null {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return null;
}

const metrics = () => fetch(`${host.url}/metrics`).then((response) => response.text());

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

  it('sends no Strict-Transport-Security over plain HTTP (it is for HTTPS answers only)', async () => {
    for (const path of ['/', '/api/health']) {
      const response = await fetch(`${host.url}${path}`);
      await response.arrayBuffer();
      expect(response.status, path).toBe(200);
      expect(response.headers.has('strict-transport-security'), path).toBe(false);
    }
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
    // No invocation yet: the pool starts its first worker with the first one (readiness used a throwaway worker).
    expect(text).toMatch(/^actionhost_sandbox_workers 0$/m);
    for (const gauge of ['actionhost_queue_depth', 'actionhost_outbox_pending', 'actionhost_outbox_lag_seconds'])
      expect(text).toMatch(new RegExp(`^${gauge} \\d`, 'm'));
    expect(text).toContain('# TYPE actionhost_executions_total counter');
  });

  it('counts executions, steps by plugin@version and sandbox invocations from the engine and the sandbox', async () => {
    const webhook = (id: string, path: string, next: Record<string, string> = {}) => ({
      id,
      kind: 'action',
      title: `Run Webhook ${id}`,
      uses: '@actionhost/run-webhook@^1.0.0',
      source: 'trigger',
      inputs: { URL: `${target.origin}${path}` },
      next,
    });
    const created = await host.api<{ id: string }>('POST', '/api/workflows', {
      name: 'Metrics probe',
      module: 'request',
      trigger: { event: 'request.created' },
      start: 'call',
      nodes: [
        webhook('call', '/status/#customFields.answer#', { failure: 'onFailure' }),
        webhook('onFailure', '/status/200'),
      ],
    });
    expect(created.status).toBe(201);
    expect((await host.api('POST', `/api/workflows/${created.body.id}/publish`)).status).toBe(200);
    for (const answer of ['200', '500']) {
      const raised = await host.api('POST', '/api/requests', {
        kind: 'incident',
        subject: `metrics ${answer}`,
        requester: { name: 'Lizi', email: 'lizi@flotomate.local', username: 'lizi' },
        customFields: { answer },
      });
      expect(raised.status).toBe(201);
    }
    const workflow = created.body.id;
    const plugin = '@actionhost/run-webhook@1.0.0';
    const text = await eventually(metrics, (body) => {
      const ended = (outcome: string) =>
        sample(body, 'actionhost_executions_total', { workflow, status: 'succeeded', outcome }) ?? 0;
      return ended('success') + ended('failure') >= 2;
    });
    // 200: success; 500: the webhook took its failure path, the workflow handled it (status succeeded, outcome failure).
    expect(sample(text, 'actionhost_executions_total', { workflow, status: 'succeeded', outcome: 'success' })).toBe(1);
    expect(sample(text, 'actionhost_executions_total', { workflow, status: 'succeeded', outcome: 'failure' })).toBe(1);
    expect(sample(text, 'actionhost_execution_duration_seconds_count', { workflow, status: 'succeeded' })).toBe(2);
    expect(sample(text, 'actionhost_step_duration_seconds_count', { plugin, path: 'success', error_code: '' })).toBe(2);
    expect(sample(text, 'actionhost_step_duration_seconds_count', { plugin, path: 'failure' })).toBe(1);
    expect(sample(text, 'actionhost_sandbox_invocations_total', { plugin, result: 'ok' })).toBe(3);
    expect(sample(text, 'actionhost_queue_depth', {})).toBe(0);
    expect(sample(text, 'actionhost_queue_oldest_age_seconds', {})).toBe(0);
    expect(sample(text, 'actionhost_outbox_pending', {})).toBe(0);
    expect(sample(text, 'actionhost_outbox_lag_seconds', {})).toBe(0);

    const lines = host
      .output()
      .split('\n')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
    const events = (event: string) => lines.filter((line) => line.event === event && line.workflow === workflow);
    expect(events('execution.started')).toHaveLength(2);
    expect(events('execution.finished')).toHaveLength(2);
    expect(lines.filter((line) => line.event === 'step.finished' && line.plugin === plugin)).toHaveLength(3);
  });
});
