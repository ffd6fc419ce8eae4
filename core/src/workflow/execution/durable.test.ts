// Durable executions against the real store (the backend ACTIONHOST_TEST_BACKEND names; vitest's postgres project
// runs them on PostgreSQL too): resume from the last finished step, retries scheduled in the database (backoff,
// Retry-After, failure path after the last attempt), bounded concurrency, checkpoint on stop.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionhostError } from '@actionhost/sdk';
import { WorkflowEngine, type WorkflowEngineOptions } from './engine.ts';
import { WorkflowService } from '../index.ts';
import {
  DEFAULT_RETRY_POLICY,
  RetryPolicy,
  parseDefinition,
  type WorkflowDefinitionInput,
} from '../definition/index.ts';
import type { PluginOutcome } from './ports.ts';
import { judgeAttempt, readRetryAfter, retryDelayMs } from './retry-policy.ts';
import { MAX_INTERRUPTIONS } from './run.ts';
import {
  FakeCatalog,
  FakeRunner,
  ciLinking,
  executionsOf,
  enginePorts,
  leaseLapsed,
  leftRunning,
  openWorld,
  runWebhook,
  type TestWorld,
} from '../workflow.fixtures.ts';

let world: TestWorld;
let runner: FakeRunner;
let service: WorkflowService;
const engines: WorkflowEngine[] = [];
const portsOpen: { close(): Promise<void> }[] = [];

async function engine(options: Partial<WorkflowEngineOptions> = {}): Promise<WorkflowEngine> {
  // A new engine on the same store stands for a restarted host (on PostgreSQL: a host of its own id).
  const ports = await enginePorts(world);
  portsOpen.push(ports);
  const created = new WorkflowEngine({
    queue: ports.queue,
    executions: ports.executions,
    requests: world.itsm,
    runner,
    pollIntervalMs: 10,
    ...options,
  });
  engines.push(created);
  return created;
}

beforeEach(async () => {
  world = await openWorld();
  runner = new FakeRunner();
  service = await WorkflowService.open({
    db: world.db,
    catalog: new FakeCatalog([ciLinking('1.0.0'), runWebhook('1.0.0')]),
    runner,
  });
});
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
  for (const ports of portsOpen.splice(0)) await ports.close();
  await world.close();
});

const hook = (id: string, url: string, extra: Record<string, unknown> = {}) => ({
  id,
  kind: 'action' as const,
  title: id,
  uses: '@actionhost/run-webhook@^1',
  inputs: { URL: url, 'Request Type': 'POST' } as never,
  ...extra,
});

async function publish(nodes: WorkflowDefinitionInput['nodes'], start?: string): Promise<string> {
  const definition: WorkflowDefinitionInput = {
    name: 'wf',
    module: 'request',
    trigger: { event: 'request.created' },
    nodes,
    ...(start ? { start } : {}),
  };
  return (await service.publish((await service.create(definition)).id)).id;
}

const raise = async () =>
  (await world.itsm.createRequest({ kind: 'incident', subject: 'VPN down' }, 'user:agent')).request;
const keys = () => runner.calls.map((call) => call.options.idempotencyKey);
const waitFor = async (check: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 500 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
  expect(await check()).toBe(true);
};

describe('durable executions', () => {
  it('resumes after the last finished step: finished steps are replayed, not run again, and feed placeholders', async () => {
    runner.on('@actionhost/run-webhook', (input) => ({
      path: 'success',
      output: { status: 200, body: String(input.URL) },
    }));
    const workflowId = await publish(
      [
        hook('first', 'http://127.0.0.1/first', { next: { success: 'second' } }),
        hook('second', 'http://127.0.0.1/second/#nodes.first.output.status#'),
      ],
      'first',
    );
    const { request, event } = await world.itsm.createRequest({ kind: 'incident', subject: 'VPN down' }, 'user:agent');
    // A "previous process": it took the event, finished `first`, then died with `second` in flight (the event is
    // still pending: its replay must not add a second execution).
    const id = await leftRunning(
      world,
      {
        workflowId,
        workflowVersion: 1,
        requestId: request.internalId,
        eventId: String(event.id),
        trigger: { type: 'request.created', changes: [] },
        request: request,
      },
      [{ nodeId: 'first', output: { status: 201 } }],
      'second',
    );

    (await engine()).start();
    await waitFor(async () => (await service.getExecution(id)).status === 'succeeded');
    expect(runner.calls.map((call) => call.input.URL)).toEqual(['http://127.0.0.1/second/201']);
    expect(keys()).toEqual([`${id}:second:1`]);
    expect(await executionsOf(service, { workflowId })).toHaveLength(1);
    expect(
      (await service.getExecution(id)).steps.map((s) => [s.nodeId, s.attempt, s.status, s.error?.code ?? null]),
    ).toEqual([
      ['first', 1, 'succeeded', null],
      ['second', 1, 'failed', 'AH_STEP_INTERRUPTED'],
      ['second', 1, 'succeeded', null],
    ]);
  });

  it('retries a configured status with the next logical attempt, honours Retry-After, then succeeds', async () => {
    let answers = [503, 503, 200];
    runner.on('@actionhost/run-webhook', () => {
      const status = answers.shift()!;
      return { path: status === 200 ? 'success' : 'failure', output: { status, headers: { 'Retry-After': '0' } } };
    });
    const workflowId = await publish([
      hook('hook', 'http://127.0.0.1/x', { retry: { maxAttempts: 3, backoffMs: 10, maxBackoffMs: 20 } }),
    ]);
    await raise();
    await (await engine()).drain({ untilIdle: true });
    const [summary] = await executionsOf(service, { workflowId });
    const execution = await service.getExecution(summary.id);
    expect(execution.status).toBe('succeeded');
    expect(execution.steps.map((s) => [s.attempt, s.path, s.retryAt === null])).toEqual([
      [1, 'failure', false],
      [2, 'failure', false],
      [3, 'success', true],
    ]);
    expect(keys()).toEqual([1, 2, 3].map((n) => `${summary.id}:hook:${n}`));
    answers = [];
  });

  it('takes the failure path after the last attempt', async () => {
    runner.on('@actionhost/run-webhook', (input): PluginOutcome =>
      String(input.URL).endsWith('/x')
        ? {
            path: 'failure',
            output: { status: 0, headers: {}, error: { code: 'AH_HTTP_CONNECT_FAILED', message: 'refused' } },
          }
        : { path: 'success', output: { status: 200, headers: {} } },
    );
    const workflowId = await publish(
      [
        hook('hook', 'http://127.0.0.1/x', {
          retry: { maxAttempts: 2, backoffMs: 5, maxBackoffMs: 5 },
          next: { failure: 'alert' },
        }),
        hook('alert', 'http://127.0.0.1/alert'),
      ],
      'hook',
    );
    await raise();
    await (await engine()).drain({ untilIdle: true });
    const execution = await service.getExecution((await executionsOf(service, { workflowId }))[0].id);
    expect(execution.steps.map((s) => [s.nodeId, s.attempt, s.path])).toEqual([
      ['hook', 1, 'failure'],
      ['hook', 2, 'failure'],
      ['alert', 1, 'success'],
    ]);
  });

  it('keeps a scheduled retry in the database: a restart runs it once, when due, not before and not twice', async () => {
    let crashed = false;
    runner.on('@actionhost/run-webhook', () => {
      if (!crashed) {
        crashed = true;
        throw new ActionhostError('AH_PLUGIN_CRASHED', 'worker died', 502);
      }
      return { path: 'success', output: { status: 200 } };
    });
    const workflowId = await publish([
      hook('hook', 'http://127.0.0.1/x', { retry: { maxAttempts: 3, backoffMs: 300, maxBackoffMs: 300 } }),
    ]);
    await raise();
    const first = await engine();
    await first.drain();
    const [waiting] = await executionsOf(service, { workflowId });
    expect(waiting).toMatchObject({ status: 'queued', nextAttemptAt: expect.any(String) });
    await first.stop();
    const second = await engine();
    second.start();
    await waitFor(async () => (await service.getExecution(waiting.id)).status === 'succeeded');
    await second.stop();
    expect(keys()).toEqual([`${waiting.id}:hook:1`, `${waiting.id}:hook:2`]);
    const retried = (await service.getExecution(waiting.id)).steps[1];
    expect(Date.parse(retried.startedAt)).toBeGreaterThanOrEqual(Date.parse(waiting.nextAttemptAt!));
  });

  it('runs at most maxConcurrentExecutions at once and at most maxConcurrentPerPlugin per plugin; the rest wait queued', async () => {
    let running = 0;
    let peak = 0;
    runner.on('@actionhost/run-webhook', async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      return { path: 'success', output: { status: 200 } };
    });
    const workflowId = await publish([hook('hook', 'http://127.0.0.1/x')]);
    for (let i = 0; i < 12; i++) await raise();
    const limited = await engine({ maxConcurrentExecutions: 4, maxConcurrentPerPlugin: 2 });
    await limited.drain();
    expect(peak).toBe(2);
    expect((await executionsOf(service, { workflowId })).map((e) => e.status)).toEqual(Array(12).fill('succeeded'));
  });

  it('checkpoints the step in flight on stop and resumes it with the same idempotency key', async () => {
    runner.on(
      '@actionhost/run-webhook',
      (_input, options) =>
        new Promise((resolve, reject) => {
          if (runner.calls.length > 1) return resolve({ path: 'success', output: { status: 200 } });
          options.signal!.addEventListener(
            'abort',
            () => reject(new ActionhostError('AH_INVOCATION_CANCELLED', 'cancelled', 499)),
            { once: true },
          );
        }),
    );
    const workflowId = await publish([hook('hook', 'http://127.0.0.1/x')]);
    await raise();
    const first = await engine({ stopTimeoutMs: 50 });
    first.start();
    await waitFor(() => runner.calls.length === 1);
    await first.stop();
    const [checkpointed] = await executionsOf(service, { workflowId });
    expect(checkpointed.status).toBe('queued');
    const second = await engine();
    second.start();
    await waitFor(async () => (await service.getExecution(checkpointed.id)).status === 'succeeded');
    expect(keys()).toEqual([`${checkpointed.id}:hook:1`, `${checkpointed.id}:hook:1`]);
  });

  it('cancels an execution that waits for a retry; it never runs again', async () => {
    runner.on('@actionhost/run-webhook', () => ({ path: 'failure', output: { status: 503, headers: {} } }));
    const workflowId = await publish([
      hook('hook', 'http://127.0.0.1/x', { retry: { maxAttempts: 5, backoffMs: 60_000, maxBackoffMs: 60_000 } }),
    ]);
    await raise();
    const e = await engine();
    await e.drain();
    const [waiting] = await executionsOf(service, { workflowId });
    await e.cancel(waiting.id);
    expect(await service.getExecution(waiting.id)).toMatchObject({
      status: 'failed',
      error: { code: 'AH_EXECUTION_CANCELLED' },
      nextAttemptAt: null,
    });
    await expect(e.cancel(waiting.id)).rejects.toMatchObject({ code: 'AH_EXECUTION_NOT_RUNNING' });
    await e.drain();
    expect(runner.calls).toHaveLength(1);
  });
});

describe('retry policy', () => {
  it('is validated by the definition schema', () => {
    expect(() =>
      parseDefinition({
        name: 'x',
        module: 'request',
        trigger: { event: 'request.created' },
        nodes: [hook('h', 'http://x', { retry: { maxAttempts: 0 } })],
      }),
    ).toThrow(expect.objectContaining({ code: 'AH_VALIDATION_FAILED' }));
    expect(() =>
      parseDefinition({
        name: 'x',
        module: 'request',
        trigger: { event: 'request.created' },
        nodes: [hook('h', 'http://x', { retry: { backoffMs: 500, maxBackoffMs: 100 } })],
      }),
    ).toThrow(expect.objectContaining({ code: 'AH_VALIDATION_FAILED' }));
    expect(RetryPolicy.parse({})).toEqual({
      maxAttempts: 3,
      backoffMs: 1000,
      maxBackoffMs: 60_000,
      onStatus: [429, 502, 503, 504],
    });
  });

  it('judges network errors, timeouts, crashed workers and configured statuses retryable, and nothing else', () => {
    const error = (code: string) => ({ error: new ActionhostError(code, code, 500) });
    const output = (value: unknown) => ({ outcome: { path: 'failure', output: value as never } });
    expect(
      ['AH_PLUGIN_CRASHED', 'AH_PLUGIN_TIMEOUT', 'AH_HTTP_TIMEOUT'].map(
        (c) => judgeAttempt(DEFAULT_RETRY_POLICY, error(c)).retry,
      ),
    ).toEqual([true, true, true]);
    expect(judgeAttempt(DEFAULT_RETRY_POLICY, error('AH_INPUT_INVALID')).retry).toBe(false);
    // an offline Integration Connector never got the operation; one that timed out may have run it
    expect(
      ['AH_CONNECTOR_OFFLINE', 'AH_CONNECTOR_TIMEOUT'].map(
        (c) => judgeAttempt(DEFAULT_RETRY_POLICY, output({ error: { code: c, message: '' } })).retry,
      ),
    ).toEqual([true, false]);
    expect(
      judgeAttempt(DEFAULT_RETRY_POLICY, output({ status: 0, error: { code: 'AH_HTTP_CONNECT_FAILED', message: '' } }))
        .retry,
    ).toBe(true);
    expect(judgeAttempt(DEFAULT_RETRY_POLICY, output({ status: 429, headers: { 'retry-after': '7' } }))).toEqual({
      retry: true,
      reason: 'status 429',
      retryAfterMs: 7000,
    });
    expect(judgeAttempt(DEFAULT_RETRY_POLICY, output({ status: 500 })).retry).toBe(false);
    expect(judgeAttempt({ ...DEFAULT_RETRY_POLICY, onStatus: [500] }, output({ status: 500 })).retry).toBe(true);
  });

  it('backs off exponentially with jitter, capped, and never below Retry-After', () => {
    const policy = RetryPolicy.parse({ backoffMs: 100, maxBackoffMs: 1000 });
    expect([2, 3, 4, 5, 6].map((n) => retryDelayMs(policy, n, null, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(retryDelayMs(policy, 2, null, () => 0)).toBe(50);
    expect(retryDelayMs(policy, 2, 5000, () => 1)).toBe(5000);
    expect(readRetryAfter({ 'Retry-After': new Date(Date.now() + 60_000).toUTCString() })).toBeGreaterThan(55_000);
  });
});

describe('a step that keeps dying with its host', () => {
  it('is given up after MAX_INTERRUPTIONS interruptions: the execution fails instead of looping forever', async () => {
    const workflowId = await publish([hook('hook', 'http://127.0.0.1/x')]);
    const { request, event } = await world.itsm.createRequest({ kind: 'incident', subject: 'poison' }, 'user:agent');
    const driver = await enginePorts(world);
    portsOpen.push(driver);
    const [id] = await driver.queue.enqueue([
      {
        workflowId,
        workflowVersion: 1,
        requestId: request.internalId,
        eventId: String(event.id),
        trigger: { type: 'request.created', changes: [] },
        request: request,
      },
    ]);
    for (let seq = 1; seq <= MAX_INTERRUPTIONS; seq++) {
      // A host claims it, starts the step and dies with it in flight.
      const host = await enginePorts(world);
      await host.queue.claimOne(id);
      await host.executions.startStep(id, {
        seq,
        nodeId: 'hook',
        kind: 'action',
        title: 'hook',
        plugin: 'p',
        integrity: 'i',
        inputs: {},
        attempt: 1,
      });
      await host.close();
      await leaseLapsed(world, id);
      await driver.queue.recoverInterrupted();
    }
    await (await engine()).drain();
    expect(await service.getExecution(id)).toMatchObject({
      status: 'failed',
      error: { code: 'AH_STEP_INTERRUPTED_TOO_OFTEN' },
    });
    expect(runner.calls).toHaveLength(0);
  });
});
