// Fault injection against the real host: a sandbox worker SIGKILLed while it runs Run Webhook (the step is
// retried and succeeds), and a webhook target that is down (connection refused), then busy (503 Retry-After),
// then back (retries with backoff until it answers; the failure path once the attempts are used up).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostProcess, type HostProcess } from '../support/host-process.ts';
import { publishWebhookWorkflow, startFaultTarget, waitUntil, workerPids, type FaultTarget } from './support.ts';

interface Step {
  nodeId: string;
  attempt: number;
  startedAt: string;
  status: string;
  path: string | null;
  retryAt: string | null;
  error: { code: string } | null;
  output: { status?: number; error?: { code: string } } | null;
}
interface Execution {
  id: string;
  status: string;
  steps: Step[];
}

let host: HostProcess;
const targets: FaultTarget[] = [];

beforeAll(async () => {
  host = await startHostProcess({ allowPrivate: '127.0.0.1', seed: false });
}, 120_000);
afterAll(async () => {
  await host?.stop();
  for (const target of targets) await target.close();
});

async function finishedExecutionOf(requestId: number, timeoutMs = 60_000): Promise<Execution> {
  const summary = await waitUntil(
    async () => {
      const list = await host.api<Array<{ id: string; status: string }>>(
        'GET',
        `/api/executions?requestId=${requestId}`,
      );
      return list.body.find((e) => e.status === 'succeeded' || e.status === 'failed');
    },
    timeoutMs,
    `execution of request ${requestId} finished`,
  );
  return (await host.api<Execution>('GET', `/api/executions/${summary.id}`)).body;
}

async function raise(kind: 'incident' | 'service-request', subject: string): Promise<number> {
  const created = await host.api<{ internalId: number }>('POST', '/api/requests', { kind, subject });
  expect(created.status).toBe(201);
  return created.body.internalId;
}

describe('faults around one invocation', () => {
  it('retries a step whose sandbox worker was killed mid-invocation, and the retry succeeds', async () => {
    const target = await startFaultTarget();
    targets.push(target);
    target.mode = 'slow';
    target.delayMs = 20_000;
    await publishWebhookWorkflow(
      host,
      `${target.origin}/slow`,
      { maxAttempts: 3, backoffMs: 200, maxBackoffMs: 400 },
      'incident',
    );
    const requestId = await raise('incident', 'worker dies');
    // The invocation is in flight once the target holds its request; then the worker dies under it.
    await waitUntil(() => (target.deliveries.length > 0 ? true : undefined), 30_000, 'the webhook call arrived');
    const pids = workerPids(host.child.pid!);
    expect(pids.length).toBeGreaterThan(0);
    target.mode = 'up';
    for (const pid of pids) process.kill(pid, 'SIGKILL');

    const execution = await finishedExecutionOf(requestId);
    expect(execution.status).toBe('succeeded');
    expect(execution.steps.map((s) => [s.attempt, s.status, s.error?.code ?? null, s.retryAt !== null])).toEqual([
      [1, 'failed', 'AH_PLUGIN_CRASHED', true],
      [2, 'succeeded', null, false],
    ]);
    expect(target.deliveries.map((d) => d.key)).toEqual([`${execution.id}:hook:1`, `${execution.id}:hook:2`]);
  }, 90_000);

  it('retries with backoff while the target is down, honours its 503 Retry-After, and succeeds once it is back', async () => {
    const target = await startFaultTarget();
    targets.push(target);
    await target.down();
    await publishWebhookWorkflow(
      host,
      `${target.origin}/hook`,
      { maxAttempts: 10, backoffMs: 200, maxBackoffMs: 800 },
      'service-request',
    );
    const requestId = await raise('service-request', 'target down');
    // Let at least two attempts fail with connection refused, then answer 503 (Retry-After: 1) once, then 200.
    await waitUntil(
      async () => {
        const list = await host.api<Array<{ id: string }>>('GET', `/api/executions?requestId=${requestId}`);
        if (list.body.length === 0) return undefined;
        const execution = await host.api<Execution>('GET', `/api/executions/${list.body[0].id}`);
        // Count finished refusals, not step rows: a row exists from the moment an attempt starts.
        const refused = execution.body.steps.filter((s) => s.output?.error?.code === 'AH_HTTP_CONNECT_FAILED');
        return refused.length >= 2 ? true : undefined;
      },
      30_000,
      'two attempts refused',
    );
    target.mode = 'busy';
    await target.up();
    await waitUntil(() => (target.deliveries.length > 0 ? true : undefined), 30_000, 'the first delivery');
    target.mode = 'up';

    const execution = await finishedExecutionOf(requestId);
    expect(execution.status).toBe('succeeded');
    const steps = execution.steps;
    expect(steps.at(-1)).toMatchObject({ status: 'succeeded', path: 'success', retryAt: null });
    const failed = steps.slice(0, -1);
    expect(failed.every((s) => s.path === 'failure' && s.retryAt !== null)).toBe(true);
    expect(failed.filter((s) => s.output?.error?.code === 'AH_HTTP_CONNECT_FAILED').length).toBeGreaterThanOrEqual(2);
    const busy = failed.findIndex((s) => s.output?.status === 503);
    expect(busy).toBeGreaterThanOrEqual(0);
    // Retry-After: 1 means the next attempt was scheduled at least a second after the 503 arrived.
    expect(Date.parse(failed[busy].retryAt!) - Date.parse(failed[busy].startedAt)).toBeGreaterThanOrEqual(900);
    expect(steps.map((s) => s.attempt)).toEqual(steps.map((_, i) => i + 1));
    // Every attempt that reached the target carried its own key, and each key arrived once.
    const keys = target.deliveries.map((d) => d.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.at(-1)).toBe(`${execution.id}:hook:${steps.length}`);
  }, 90_000);

  it('takes the failure path once the attempts are used up while the target stays down', async () => {
    const target = await startFaultTarget();
    targets.push(target);
    const origin = target.origin;
    await target.down();
    const created = await host.api<{ id: string }>('POST', '/api/workflows', {
      name: 'Notify, else record the failure',
      module: 'request',
      trigger: { event: 'request.updated', field: 'category' },
      start: 'hook',
      nodes: [
        {
          id: 'hook',
          kind: 'action',
          title: 'Run Webhook',
          uses: '@actionhost/run-webhook@^1.0.0',
          inputs: { URL: `${origin}/hook`, 'Request Type': 'POST' },
          retry: { maxAttempts: 2, backoffMs: 100, maxBackoffMs: 100 },
          next: { failure: 'fallback' },
        },
        {
          id: 'fallback',
          kind: 'action',
          title: 'Fallback',
          uses: '@actionhost/ci-linking@^1.0.0',
          inputs: { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' },
        },
      ],
    });
    expect(created.status).toBe(201);
    expect((await host.api('POST', `/api/workflows/${created.body.id}/publish`)).status).toBe(200);
    const requestId = await raise('incident', 'stays down');
    await host.api('PATCH', `/api/requests/${requestId}`, { category: 'Network' });
    const execution = await waitUntil(
      async () => {
        const list = await host.api<Array<{ id: string; status: string; workflowId: string }>>(
          'GET',
          `/api/executions?requestId=${requestId}`,
        );
        const mine = list.body.find(
          (e) => e.workflowId === created.body.id && e.status !== 'queued' && e.status !== 'running',
        );
        return mine ? (await host.api<Execution>('GET', `/api/executions/${mine.id}`)).body : undefined;
      },
      60_000,
      'the execution finished',
    );
    // Both attempts failed to connect; the second was the last, so its failure edge was taken to the fallback.
    expect(
      execution.steps.map((s) => [s.nodeId, s.attempt, s.nodeId === 'hook' ? s.output?.error?.code : null]),
    ).toEqual([
      ['hook', 1, 'AH_HTTP_CONNECT_FAILED'],
      ['hook', 2, 'AH_HTTP_CONNECT_FAILED'],
      ['fallback', 1, null],
    ]);
    expect(execution.steps.map((s) => s.retryAt !== null)).toEqual([true, false, false]);
  }, 90_000);
});
