// The Prometheus metrics: observer events become counters and histograms, gauges are read when scraped, HTTP
// requests are timed by route pattern; the text is what prom-client renders for /metrics.
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { HostMetrics, type MetricsSources } from './metrics.ts';
import { executionLog } from './execution-log.ts';

function sources(overrides: Partial<MetricsSources> = {}): MetricsSources {
  return {
    queue: () => ({ queued: 3, oldestQueuedAgeMs: 1500 }),
    outbox: () => ({ pending: 2, lagMs: 2000 }),
    workers: () => ({ alive: 2, restarts: 1 }),
    ...overrides,
  };
}

describe('HostMetrics', () => {
  it('counts executions by workflow, status and outcome, and times steps by plugin@version', async () => {
    const metrics = new HostMetrics(sources());
    const finished = { executionId: 'e1', workflowId: 'wf_1', requestId: 7, durationMs: 120, errorCode: null };
    metrics.engine.executionFinished({ ...finished, status: 'succeeded', outcome: 'succeeded' });
    metrics.engine.executionFinished({ ...finished, status: 'succeeded', outcome: 'failed' });
    metrics.engine.executionFinished({ ...finished, status: 'succeeded', outcome: 'failed' });
    const step = { executionId: 'e1', nodeId: 'hook', kind: 'action', path: 'failure', durationMs: 40 };
    metrics.engine.stepFinished({ ...step, plugin: '@actionhost/run-webhook@1.0.0', errorCode: null });
    metrics.engine.stepFinished({ ...step, kind: 'condition', plugin: null, errorCode: null });
    const text = (await metrics.render()).body;
    expect(text).toContain('actionhost_executions_total{workflow="wf_1",status="succeeded",outcome="failed"} 2');
    expect(text).toContain('actionhost_executions_total{workflow="wf_1",status="succeeded",outcome="succeeded"} 1');
    expect(text).toContain(
      'actionhost_step_duration_seconds_count{plugin="@actionhost/run-webhook@1.0.0",path="failure",error_code=""} 1',
    );
    expect(text).not.toContain('kind="condition"');
  });

  it('names the host: its id and store, and the action steps it ran by result', async () => {
    const metrics = new HostMetrics(sources(), { id: 'node-a-42-abcdef', store: 'postgres' });
    const step = { executionId: 'e1', nodeId: 'hook', kind: 'action', path: 'success', durationMs: 5 };
    metrics.engine.stepFinished({ ...step, plugin: '@acme/x@1.0.0', errorCode: null });
    metrics.engine.stepFinished({ ...step, plugin: '@acme/x@1.0.0', errorCode: null });
    metrics.engine.stepFinished({ ...step, plugin: '@acme/x@1.0.0', errorCode: 'AH_PLUGIN_TIMEOUT' });
    metrics.engine.stepFinished({ ...step, kind: 'condition', plugin: null, errorCode: null });
    const text = (await metrics.render()).body;
    expect(text).toContain('actionhost_host_info{host="node-a-42-abcdef",store="postgres"} 1');
    expect(text).toContain('actionhost_host_steps_total{host="node-a-42-abcdef",result="ok"} 2');
    expect(text).toContain('actionhost_host_steps_total{host="node-a-42-abcdef",result="error"} 1');
  });

  it('counts sandbox invocations by result (timeouts and OOMs apart) and worker exits by reason', async () => {
    const metrics = new HostMetrics(sources());
    const plugin = '@acme/x@1.0.0';
    metrics.sandbox.invocationFinished({ plugin, durationMs: 1, errorCode: null });
    metrics.sandbox.invocationFinished({ plugin, durationMs: 1, errorCode: 'AH_PLUGIN_TIMEOUT' });
    metrics.sandbox.invocationFinished({ plugin, durationMs: 1, errorCode: 'AH_PLUGIN_OUT_OF_MEMORY' });
    metrics.sandbox.invocationFinished({ plugin, durationMs: 1, errorCode: 'AH_PLUGIN_THREW' });
    metrics.sandbox.workerExited({ outOfMemory: true, replaced: true });
    const text = (await metrics.render()).body;
    for (const result of ['ok', 'timeout', 'out_of_memory', 'error'])
      expect(text).toContain(`actionhost_sandbox_invocations_total{plugin="${plugin}",result="${result}"} 1`);
    expect(text).toContain('actionhost_sandbox_worker_exits_total{reason="out_of_memory"} 1');
  });

  it('reads queue depth, oldest queued age, outbox lag and workers when scraped', async () => {
    let queued = 3;
    const metrics = new HostMetrics(sources({ queue: () => ({ queued, oldestQueuedAgeMs: 1500 }) }));
    let text = (await metrics.render()).body;
    expect(text).toMatch(/^actionhost_queue_depth 3$/m);
    expect(text).toMatch(/^actionhost_queue_oldest_age_seconds 1.5$/m);
    expect(text).toMatch(/^actionhost_outbox_pending 2$/m);
    expect(text).toMatch(/^actionhost_outbox_lag_seconds 2$/m);
    expect(text).toMatch(/^actionhost_sandbox_workers 2$/m);
    expect(text).toMatch(/^actionhost_sandbox_worker_restarts 1$/m);
    queued = 0;
    text = (await metrics.render()).body;
    expect(text).toMatch(/^actionhost_queue_depth 0$/m);
  });

  it('times HTTP requests by route pattern, not by URL', async () => {
    const metrics = new HostMetrics(sources());
    const app = Fastify();
    metrics.instrument(app);
    app.get('/api/requests/:id', () => ({ ok: true }));
    await app.inject({ method: 'GET', url: '/api/requests/1' });
    await app.inject({ method: 'GET', url: '/api/requests/2' });
    await app.close();
    const text = (await metrics.render()).body;
    expect(text).toContain(
      'actionhost_http_request_duration_seconds_count{method="GET",route="/api/requests/:id",status_code="200"} 2',
    );
    expect(text).not.toContain('/api/requests/1"');
  });
});

describe('executionLog', () => {
  it('writes one line per start, action step and end, the failure naming plugin@version and error code', () => {
    const lines: { level: string; fields: Record<string, unknown> }[] = [];
    const record = (level: string) => (fields: Record<string, unknown>) => lines.push({ level, fields });
    const log = executionLog({ info: record('info'), warn: record('warn'), error: record('error') });
    log.executionStarted({ executionId: 'e1', workflowId: 'wf_1', requestId: 7 });
    log.stepFinished({
      executionId: 'e1',
      nodeId: 'hook',
      kind: 'action',
      plugin: '@actionhost/run-webhook@1.0.0',
      path: null,
      durationMs: 12,
      errorCode: 'AH_PLUGIN_TIMEOUT',
    });
    log.executionFinished({
      executionId: 'e1',
      workflowId: 'wf_1',
      requestId: 7,
      status: 'failed',
      outcome: 'failed',
      durationMs: 30,
      errorCode: 'AH_PLUGIN_TIMEOUT',
    });
    expect(lines.map((line) => [line.level, line.fields.event])).toEqual([
      ['info', 'execution.started'],
      ['warn', 'step.finished'],
      ['error', 'execution.failed'],
    ]);
    expect(lines[2].fields).toEqual({
      event: 'execution.failed',
      executionId: 'e1',
      workflow: 'wf_1',
      request: 7,
      status: 'failed',
      outcome: 'failed',
      durationMs: 30,
      errorCode: 'AH_PLUGIN_TIMEOUT',
      plugin: '@actionhost/run-webhook@1.0.0',
    });
  });
});
