// The engine against the real ITSM store: trigger matching, executions persisted step by step, failure edges,
// audit trail entries, redaction of secrets, and the outbox loop. On the backend ACTIONHOST_TEST_BACKEND names
// (vitest's postgres project runs it on PostgreSQL too).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionhostError } from '@actionhost/sdk';
import { WorkflowEngine } from './engine.ts';
import { WorkflowService } from '../index.ts';
import type { ExecutionQueue, ExecutionRepository, RequestSource } from './ports.ts';
import type { WorkflowDefinitionInput } from '../definition/index.ts';
import {
  FakeCatalog,
  FakeRunner,
  ciLinking,
  executionsOf,
  incidentCiLinking,
  enginePorts,
  leftRunning,
  openWorld,
  runWebhook,
  type TestWorld,
} from '../workflow.fixtures.ts';

const SECRET = 's3cr3t-token-value';
let world: TestWorld;
let catalog: FakeCatalog;
let runner: FakeRunner;
let service: WorkflowService;
let engine: WorkflowEngine;
let ports: { queue: ExecutionQueue; executions: ExecutionRepository; close(): Promise<void> };

beforeEach(async () => {
  world = await openWorld();
  catalog = new FakeCatalog([ciLinking('1.0.0'), runWebhook('1.0.0')]);
  runner = new FakeRunner();
  service = await WorkflowService.open({ db: world.db, catalog, runner });
  // The real ItsmService must fit the ports as it is (its Audit Trail for the SQLite engine: stepAudit).
  const requests: RequestSource = world.itsm;
  ports = await enginePorts(world);
  engine = new WorkflowEngine({
    queue: ports.queue,
    executions: ports.executions,
    requests,
    runner,
    secrets: { secretValues: () => [SECRET] },
    pollIntervalMs: 20,
  });
});
afterEach(async () => {
  await engine.stop();
  await ports.close();
  await world.close();
});

async function published(definition: WorkflowDefinitionInput): Promise<string> {
  return (await service.publish((await service.create(definition)).id)).id;
}

async function incident(extra: Record<string, unknown> = {}) {
  return (
    await world.itsm.createRequest(
      {
        kind: 'incident',
        subject: 'Server down',
        category: 'Hardware',
        customFields: { ipAddress: '10.0.0.5' },
        ...extra,
      },
      'user:agent',
    )
  ).request;
}

const hook = (id: string, inputs: Record<string, unknown>, next: Record<string, string> = {}) => ({
  id,
  kind: 'action' as const,
  title: id,
  uses: '@actionhost/run-webhook@^1',
  inputs: { 'Request Type': 'POST', ...inputs } as never,
  next,
});

describe('workflow engine', () => {
  it('runs Incident-CI Linking when a category changes and records the execution and the audit trail', async () => {
    runner.on('@actionhost/ci-linking', (input) => ({
      path: 'success',
      output: { linked: [input['Request.Id']] },
    }));
    const workflowId = await published(incidentCiLinking());
    const request = await incident();
    await engine.drain();
    expect(await executionsOf(service, { workflowId })).toEqual([]);

    await world.itsm.updateRequest(request.internalId, { category: 'Network' }, 'user:agent');
    expect(await engine.drain()).toBe(1);
    const [summary] = await executionsOf(service, { requestId: request.internalId });
    const execution = await service.getExecution(summary.id);
    expect(execution).toMatchObject({
      workflowId,
      workflowVersion: 1,
      requestId: request.internalId,
      status: 'succeeded',
      error: null,
    });
    expect(execution.finishedAt).not.toBeNull();
    expect(execution.steps).toEqual([
      expect.objectContaining({
        nodeId: 'link',
        plugin: '@actionhost/ci-linking@1.0.0',
        integrity: 'sha512-ci-linking-1.0.0',
        status: 'succeeded',
        inputs: { 'Request.Id': request.internalId, 'Unique Identifier Type': 'ip address' },
        path: 'success',
        output: { linked: [request.internalId] },
      }),
    ]);
    expect(runner.calls[0].options).toMatchObject({
      entry: 'run',
      idempotencyKey: `${execution.id}:link:1`,
      bindings: { requestId: request.internalId, executionId: execution.id },
    });
    const audit = (await world.itsm.listAudit(request.internalId)).filter((entry) => entry.kind === 'plugin.execution');
    expect(audit).toHaveLength(1);
    expect(audit[0].data).toMatchObject({
      plugin: '@actionhost/ci-linking@1.0.0',
      integrity: 'sha512-ci-linking-1.0.0',
      path: 'success',
      executionId: execution.id,
    });
  });

  it('matches request.updated triggers on field, from and to, and request.created on kind', async () => {
    const toNetwork = await published(
      incidentCiLinking({
        name: 'to network',
        trigger: { event: 'request.updated', field: 'category', to: 'network' },
      }),
    );
    const fromEmpty = await published(
      incidentCiLinking({ name: 'from empty', trigger: { event: 'request.updated', field: 'category', from: null } }),
    );
    const ipChanged = await published(
      incidentCiLinking({ name: 'ip', trigger: { event: 'request.updated', field: 'ipAddress' } }),
    );
    const serviceRequests = await published(
      incidentCiLinking({ name: 'sr', trigger: { event: 'request.created', kind: 'service-request' } }),
    );
    const anyCreated = await published(incidentCiLinking({ name: 'any', trigger: { event: 'request.created' } }));
    const request = await incident({ category: null });
    await world.itsm.updateRequest(request.internalId, { category: 'Hardware' }, 'user:agent');
    await world.itsm.updateRequest(request.internalId, { category: 'Network' }, 'user:agent');
    await world.itsm.updateRequest(request.internalId, { customFields: { ipAddress: '10.0.0.6' } }, 'user:agent');
    await engine.drain();
    const count = async (workflowId: string) => (await executionsOf(service, { workflowId })).length;
    expect({
      toNetwork: await count(toNetwork),
      fromEmpty: await count(fromEmpty),
      ipChanged: await count(ipChanged),
      serviceRequests: await count(serviceRequests),
      anyCreated: await count(anyCreated),
    }).toEqual({ toNetwork: 1, fromEmpty: 1, ipChanged: 1, serviceRequests: 0, anyCreated: 1 });
  });

  it("follows the If Else node's true and false paths", async () => {
    runner.on('@actionhost/run-webhook', (input) => ({
      path: 'success',
      output: { status: 200, body: String(input.URL) },
    }));
    const workflowId = await published({
      name: 'On-boarding',
      module: 'request',
      trigger: { event: 'request.created', kind: 'service-request' },
      start: 'check',
      nodes: [
        {
          id: 'check',
          kind: 'condition',
          match: 'all',
          next: { true: 'yes', false: 'no' },
          rules: [
            { field: 'subject', operator: 'contains', value: 'employee on-boarding' },
            { field: 'department', operator: 'equals', value: 'it' },
          ],
        },
        hook('yes', { URL: 'http://127.0.0.1/yes/#requester.username#' }),
        hook('no', { URL: 'http://127.0.0.1/no' }),
      ],
    });
    const requester = { name: 'Lizi', email: 'lizi@flotomate.local', username: 'lizi' };
    await world.itsm.createRequest(
      { kind: 'service-request', subject: 'Employee On-boarding: Lizi', department: 'IT', requester },
      'user:agent',
    );
    await world.itsm.createRequest(
      { kind: 'service-request', subject: 'Employee On-boarding: Bob', department: 'HR', requester },
      'user:agent',
    );
    await engine.drain();
    const runs = (
      await Promise.all((await executionsOf(service, { workflowId })).map((e) => service.getExecution(e.id)))
    ).reverse();
    expect(runs.map((run) => run.steps.map((step) => `${step.nodeId}:${step.path}`))).toEqual([
      ['check:true', 'yes:success'],
      ['check:false', 'no:success'],
    ]);
    // The two executions may run at once (in either order on PostgreSQL).
    expect(runner.calls.map((call) => call.input.URL).sort()).toEqual([
      'http://127.0.0.1/no',
      'http://127.0.0.1/yes/lizi',
    ]);
  });

  it('fails the step and the execution when a plugin throws, follows the failure edge, and still runs other workflows', async () => {
    runner.on('@actionhost/ci-linking', () => {
      throw new ActionhostError('AH_PLUGIN_TIMEOUT', 'took too long', 504);
    });
    runner.on('@actionhost/run-webhook', (input) => ({
      path: 'success',
      output: { status: 200, body: String(input.URL) },
    }));
    const failing = await published(
      incidentCiLinking({
        start: 'link',
        nodes: [
          {
            id: 'link',
            kind: 'action',
            title: 'Link',
            uses: '@actionhost/ci-linking@^1',
            inputs: { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' },
            next: { failure: 'alert' },
            retry: { maxAttempts: 1 },
          },
          hook('alert', { URL: 'http://127.0.0.1/alert/#nodes.link.output.error.code#' }),
        ],
      }),
    );
    const healthy = await published({
      ...incidentCiLinking(),
      name: 'healthy',
      start: 'ping',
      nodes: [hook('ping', { URL: 'http://127.0.0.1/ping' })],
    });
    const request = await incident();
    await world.itsm.updateRequest(request.internalId, { category: 'Network' }, 'user:agent');
    await engine.drain();
    const failed = await service.getExecution((await executionsOf(service, { workflowId: failing }))[0].id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'AH_PLUGIN_TIMEOUT' } });
    expect(failed.steps.map((s) => [s.nodeId, s.status, s.path, s.error?.code ?? null])).toEqual([
      ['link', 'failed', 'failure', 'AH_PLUGIN_TIMEOUT'],
      ['alert', 'succeeded', 'success', null],
    ]);
    expect(failed.steps[0].output).toEqual({ error: { code: 'AH_PLUGIN_TIMEOUT', message: 'took too long' } });
    expect(
      runner.calls.find((c) => c.plugin.name === '@actionhost/run-webhook' && String(c.input.URL).includes('alert'))
        ?.input.URL,
    ).toBe('http://127.0.0.1/alert/AH_PLUGIN_TIMEOUT');
    expect((await executionsOf(service, { workflowId: healthy }))[0].status).toBe('succeeded');
    const audit = (await world.itsm.listAudit(request.internalId)).filter((e) => e.kind === 'plugin.execution');
    expect(audit.map((e) => e.data.errorCode)).toContain('AH_PLUGIN_TIMEOUT');
  });

  it('redacts secrets from step inputs, outputs, errors and the audit trail, and never stores them', async () => {
    runner.on('@actionhost/run-webhook', () => ({
      path: 'success',
      output: { status: 200, body: `echo: Authorization Bearer ${SECRET}` },
      logs: [{ level: 'info', message: `sent with ${SECRET}`, at: new Date().toISOString() }],
    }));
    const workflowId = await published({
      ...incidentCiLinking(),
      start: 'send',
      nodes: [
        hook('send', {
          URL: 'http://127.0.0.1/hook',
          'Credential Type': 'Basic Auth',
          Username: 'svc',
          Password: 'hunter2-password',
          Headers: { 'X-Api-Token': 'literal-token-1', 'X-Trace': '#customFields.trace#' },
          'Request JSON': { subject: '#subject#' },
        }),
      ],
    });
    const request = await incident({ subject: 'Server down', customFields: { trace: 'abc' } });
    await world.itsm.updateRequest(request.internalId, { category: 'Network' }, 'user:agent');
    await engine.drain();
    const execution = await service.getExecution((await executionsOf(service, { workflowId }))[0].id);
    const step = execution.steps[0];
    expect(step.inputs).toMatchObject({
      Password: '[REDACTED]',
      Username: 'svc',
      Headers: { 'X-Api-Token': '[REDACTED]', 'X-Trace': 'abc' },
      'Request JSON': { subject: 'Server down' },
    });
    expect(step.output).toEqual({ status: 200, body: 'echo: Authorization Bearer [REDACTED]' });
    expect(step.logs).toEqual([expect.objectContaining({ message: 'sent with [REDACTED]' })]);
    expect(runner.calls[0].input.Password).toBe('hunter2-password');
    const everything = JSON.stringify([execution, await world.itsm.listAudit(request.internalId)]);
    for (const secret of [SECRET, 'hunter2-password', 'literal-token-1']) expect(everything).not.toContain(secret);
    // The credential secret only ever came back from the plugin: no file of the data folder may hold it.
    // (A Basic Auth password typed into the mappings is part of the definition; "By Credentials" avoids that.)
    if (world.db.dialect === 'sqlite') {
      world.store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      for (const file of readdirSync(world.dir))
        expect(readFileSync(join(world.dir, file)).toString('latin1')).not.toContain(SECRET);
    } else {
      for (const table of ['workflow_executions', 'workflow_steps', 'itsm_audit'])
        expect(JSON.stringify((await world.db.query(`SELECT * FROM ${table}`)).rows)).not.toContain(SECRET);
    }
  });

  it('records the outcome apart from the status: an action on its failure path makes it a failure, and lists filter by it', async () => {
    runner.on('@actionhost/run-webhook', (input) =>
      String(input.URL).endsWith('/down')
        ? { path: 'failure', output: { status: 500, body: 'down' } }
        : { path: 'success', output: { status: 200, body: 'ok' } },
    );
    const workflowId = await published({
      ...incidentCiLinking(),
      start: 'send',
      nodes: [hook('send', { URL: 'http://127.0.0.1/#subject#' })],
    });
    await world.itsm.updateRequest(
      (await incident({ subject: 'down' })).internalId,
      { category: 'Network' },
      'user:agent',
    );
    await world.itsm.updateRequest(
      (await incident({ subject: 'up' })).internalId,
      { category: 'Network' },
      'user:agent',
    );
    await engine.drain();
    const [up, down] = await executionsOf(service, { workflowId });
    expect([down.status, down.outcome, down.failedSteps]).toEqual(['succeeded', 'failure', ['send']]);
    expect([up.status, up.outcome, up.failedSteps]).toEqual(['succeeded', 'success', []]);
    expect((await executionsOf(service, { outcome: 'failure' })).map((e) => e.id)).toEqual([down.id]);
    expect((await executionsOf(service, { status: 'failed' })).map((e) => e.id)).toEqual([]);
  });

  it('fails a step whose output nests too deep, and follows only its failure edge', async () => {
    let deep: Record<string, unknown> = { leaf: SECRET };
    for (let i = 0; i < 5000; i++) deep = { inner: deep };
    runner.on('@actionhost/run-webhook', (input) =>
      String(input.URL).endsWith('/deep')
        ? { path: 'success', output: deep as never }
        : { path: 'success', output: { status: 200 } },
    );
    const workflowId = await published({
      ...incidentCiLinking(),
      start: 'deep',
      nodes: [
        hook('deep', { URL: 'http://127.0.0.1/deep' }, { success: 'after', failure: 'alert' }),
        hook('after', { URL: 'http://127.0.0.1/after' }),
        hook('alert', { URL: 'http://127.0.0.1/alert' }),
      ],
    });
    await world.itsm.updateRequest((await incident()).internalId, { category: 'Network' }, 'user:agent');
    await engine.drain();
    const execution = await service.getExecution((await executionsOf(service, { workflowId }))[0].id);
    expect(execution.steps.map((s) => [s.nodeId, s.status, s.path, s.error?.code ?? null])).toEqual([
      ['deep', 'failed', 'failure', 'AH_OUTPUT_TOO_DEEP'],
      ['alert', 'succeeded', 'success', null],
    ]);
    expect(execution).toMatchObject({ status: 'failed', outcome: 'failure', failedSteps: ['deep'] });
    expect(runner.calls.map((call) => call.input.URL)).toEqual(['http://127.0.0.1/deep', 'http://127.0.0.1/alert']);
  });

  it('tells its observer when executions start and finish and when steps finish', async () => {
    const seen: string[] = [];
    const observed = new WorkflowEngine({
      queue: ports.queue,
      executions: ports.executions,
      requests: world.itsm,
      runner,
      observer: {
        executionStarted: (e) => seen.push(`started ${e.workflowId}`),
        executionFinished: (e) => seen.push(`finished ${e.status} ${e.outcome} ${e.errorCode}`),
        stepFinished: (e) => seen.push(`step ${e.nodeId} ${e.plugin} ${e.path} ${e.errorCode}`),
      },
    });
    runner.on('@actionhost/ci-linking', () => ({ path: 'success', output: { linked: [] } }));
    const workflowId = await published(incidentCiLinking());
    await world.itsm.updateRequest((await incident()).internalId, { category: 'Network' }, 'user:agent');
    await observed.drain();
    expect(seen).toEqual([
      `started ${workflowId}`,
      'step link @actionhost/ci-linking@1.0.0 success null',
      'finished succeeded success null',
    ]);
  });

  it('starts at every node no edge leads to when the definition names no start', async () => {
    const workflowId = await published({
      ...incidentCiLinking(),
      start: undefined,
      nodes: [
        hook('a', { URL: 'http://127.0.0.1/a' }, { success: 'b' }),
        hook('b', { URL: 'http://127.0.0.1/b' }),
        hook('c', { URL: 'http://127.0.0.1/c' }),
      ],
    });
    await world.itsm.updateRequest((await incident()).internalId, { category: 'Network' }, 'user:agent');
    await engine.drain();
    const execution = await service.getExecution((await executionsOf(service, { workflowId }))[0].id);
    expect(execution.steps.map((step) => step.nodeId)).toEqual(['a', 'c', 'b']);
  });

  it('fails a step whose placeholder reads a node that did not run, and takes its failure edge', async () => {
    runner.on('@actionhost/run-webhook', (input) => ({
      path: 'success',
      output: { status: 200, body: String(input.URL) },
    }));
    const workflowId = await published({
      ...incidentCiLinking(),
      start: 'gate',
      nodes: [
        {
          id: 'gate',
          kind: 'condition',
          match: 'all',
          rules: [{ field: 'subject', operator: 'equals', value: 'never' }],
          next: { true: 'a', false: 'b' },
        },
        hook('a', { URL: 'http://127.0.0.1/a' }, { success: 'b' }),
        hook('b', { URL: 'http://127.0.0.1/b/#nodes.a.output.status#' }, { failure: 'c' }),
        hook('c', { URL: 'http://127.0.0.1/c' }),
      ],
    });
    await world.itsm.updateRequest((await incident()).internalId, { category: 'Network' }, 'user:agent');
    await engine.drain();
    const execution = await service.getExecution((await executionsOf(service, { workflowId }))[0].id);
    expect(execution.status).toBe('failed');
    expect(execution.steps.map((s) => [s.nodeId, s.status, s.error?.code ?? null])).toEqual([
      ['gate', 'succeeded', null],
      ['b', 'failed', 'AH_PLACEHOLDER_UNRESOLVED'],
      ['c', 'succeeded', null],
    ]);
    expect(runner.calls.map((c) => c.input.URL)).toEqual(['http://127.0.0.1/c']);
  });

  it('runs a workflow once per event even when the event is processed again', async () => {
    const workflowId = await published(incidentCiLinking());
    const request = await incident();
    const { event } = await world.itsm.updateRequest(request.internalId, { category: 'Network' }, 'user:agent');
    await engine.processEvent(event!);
    await engine.processEvent(event!);
    expect(await executionsOf(service, { workflowId })).toHaveLength(1);
  });

  it('retries a failed execution as a new one on the same pinned version and trigger', async () => {
    let fail = true;
    runner.on('@actionhost/ci-linking', () => {
      if (fail) throw new ActionhostError('AH_PLUGIN_CRASHED', 'worker died', 502);
      return { path: 'success', output: { linked: [] } };
    });
    const workflowId = await published(
      incidentCiLinking({
        start: 'gate',
        nodes: [
          {
            id: 'gate',
            kind: 'condition',
            match: 'all',
            rules: [{ field: 'category', operator: 'changed' }],
            next: { true: 'link' },
          },
          {
            id: 'link',
            kind: 'action',
            title: 'Link',
            uses: '@actionhost/ci-linking@^1',
            inputs: { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' },
            retry: { maxAttempts: 1 },
          },
        ],
      }),
    );
    await world.itsm.updateRequest((await incident()).internalId, { category: 'Network' }, 'user:agent');
    await engine.drain();
    const [first] = await executionsOf(service, { workflowId });
    expect(first.status).toBe('failed');
    await expect(engine.retry('ex_missing')).rejects.toMatchObject({ code: 'AH_EXECUTION_NOT_FOUND' });
    fail = false;
    const retryId = await engine.retry(first.id);
    expect(await service.getExecution(retryId)).toMatchObject({
      status: 'succeeded',
      retryOf: first.id,
      workflowVersion: 1,
      trigger: { type: 'request.updated', changes: [{ field: 'category' }] },
      steps: [
        { nodeId: 'gate', path: 'true' },
        { nodeId: 'link', path: 'success' },
      ],
    });
    expect(runner.calls.at(-1)!.options.idempotencyKey).toBe(`${retryId}:link:1`);
  });

  it('cancels a running execution', async () => {
    runner.on(
      '@actionhost/ci-linking',
      (_input, options) =>
        new Promise((_resolve, reject) => {
          options.signal!.addEventListener(
            'abort',
            () => reject(new ActionhostError('AH_INVOCATION_CANCELLED', 'cancelled', 499)),
            { once: true },
          );
        }),
    );
    const workflowId = await published(incidentCiLinking());
    await world.itsm.updateRequest((await incident()).internalId, { category: 'Network' }, 'user:agent');
    const draining = engine.drain();
    while (runner.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    const [running] = await executionsOf(service, { workflowId });
    expect(running.status).toBe('running');
    await engine.cancel(running.id);
    await draining;
    expect(await service.getExecution(running.id)).toMatchObject({
      status: 'failed',
      error: { code: 'AH_INVOCATION_CANCELLED' },
    });
    await expect(engine.cancel(running.id)).rejects.toMatchObject({ code: 'AH_EXECUTION_NOT_RUNNING' });
  });

  it('resumes an execution a previous process left running: the in-flight step again with the same idempotency key', async () => {
    const workflowId = await published(incidentCiLinking());
    const request = await incident();
    const executionId = await leftRunning(
      world,
      {
        workflowId,
        workflowVersion: 1,
        requestId: request.internalId,
        eventId: 'lost',
        trigger: { type: 'request.updated', changes: [] },
        request: request,
      },
      [],
      'link',
    );
    engine.start();
    for (let i = 0; i < 200 && (await service.getExecution(executionId)).status !== 'succeeded'; i++)
      await new Promise((r) => setTimeout(r, 20));
    await engine.stop();
    const execution = await service.getExecution(executionId);
    expect(execution).toMatchObject({
      status: 'succeeded',
      steps: [
        { nodeId: 'link', status: 'failed', attempt: 1, error: { code: 'AH_STEP_INTERRUPTED' } },
        { nodeId: 'link', status: 'succeeded', attempt: 1, retryAt: null },
      ],
    });
    expect(runner.calls.map((call) => call.options.idempotencyKey)).toEqual([`${executionId}:link:1`]);
  });

  it('polls the outbox in the background once started', async () => {
    const workflowId = await published(incidentCiLinking());
    engine.start();
    const request = await incident();
    await world.itsm.updateRequest(request.internalId, { category: 'Network' }, 'user:agent');
    engine.wake();
    for (let i = 0; i < 200 && (await executionsOf(service, { workflowId })).length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    await engine.stop();
    expect(await executionsOf(service, { workflowId })).toHaveLength(1);
    expect(await world.itsm.pendingEvents(10)).toEqual([]);
  });
});

describe('a store outage during a run', () => {
  it('hands the execution back instead of failing it, and the resumed run sends the step again under the same key', async () => {
    const workflowId = await published(incidentCiLinking());
    const repository = ports.executions;
    // The first step result the store is asked to keep meets a full disk (SQLite's SQLITE_FULL), as a real one would.
    let refusals = 1;
    const flaky = new Proxy(repository, {
      get(target, name) {
        if (name === 'finishStep')
          return async (...args: Parameters<ExecutionRepository['finishStep']>) => {
            if (refusals-- > 0)
              throw Object.assign(new Error('database or disk is full'), { code: 'ERR_SQLITE_ERROR', errcode: 13 });
            return target.finishStep(...args);
          };
        const value = Reflect.get(target, name, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const errors: unknown[] = [];
    const outageEngine = new WorkflowEngine({
      queue: ports.queue,
      executions: flaky,
      requests: world.itsm,
      runner,
      pollIntervalMs: 20,
      onError: (error) => errors.push(error),
    });
    try {
      const request = await incident();
      await world.itsm.updateRequest(request.internalId, { category: 'Network' }, 'user:agent');
      outageEngine.start();
      outageEngine.wake();
      let executions = await executionsOf(service, { workflowId });
      for (let i = 0; i < 250 && executions[0]?.status !== 'succeeded'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        executions = await executionsOf(service, { workflowId });
      }
      expect(executions).toHaveLength(1);
      expect(executions[0].status).toBe('succeeded');
      const keys = runner.calls.map((call) => call.options.idempotencyKey);
      expect(keys).toEqual([`${executions[0].id}:link:1`, `${executions[0].id}:link:1`]);
      expect(errors).toEqual([expect.objectContaining({ errcode: 13 })]);
    } finally {
      await outageEngine.stop();
    }
  });
});
