// Workflows over HTTP: the seed's Incident-CI Linking use case end to end (with a scripted ci-linking plugin that
// links through the real ITSM service), bad input that stores nothing, pinning, Test Connection, executions.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { incidentCiLinking } from '../workflow/workflow.fixtures.ts';
import { bearer, callApi, openApi, type Method, type Role, type TestApi } from './api.fixtures.ts';

let api: TestApi;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.close();
});

const as = (role: 'admin' | 'editor' | 'agent') => bearer(api.token[role]);
const call = (role: Role, method: Method, url: string, payload?: unknown) => callApi(api, role, method, url, payload);

describe('Incident-CI Linking over the API', () => {
  it('links the CI whose IP address the incident carries when its category changes, and shows it in Relations, Audit Trail and executions', async () => {
    api.runner.on('@actionhost/ci-linking', async (input) => {
      const request = await api.world.itsm.getRequest(input['Request.Id'] as number);
      const cis = await api.world.itsm.findConfigurationItems('ipAddress', String(request.customFields.ipAddress));
      for (const ci of cis)
        await api.world.itsm.linkConfigurationItem(request.internalId, ci.id, '@actionhost/ci-linking@1.1.0');
      return { path: 'success', output: { linked: cis.map((ci) => ci.id) } };
    });
    const ci = await call('agent', 'POST', '/api/cis', { name: 'web-01', ipAddress: '10.1.2.3' });
    expect(ci.status).toBe(201);
    const incident = await call('agent', 'POST', '/api/requests', {
      kind: 'incident',
      subject: 'Web down',
      category: 'Hardware',
      customFields: { ipAddress: '10.1.2.3' },
    });
    expect(incident.status).toBe(201);
    const created = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
    expect(created.status).toBe(201);
    const published = await call('editor', 'POST', `/api/workflows/${created.body.id}/publish`);
    expect(published.body.published).toMatchObject({
      version: 1,
      plugins: { link: { name: '@actionhost/ci-linking', version: '1.1.0' } },
    });

    const patched = await call('agent', 'PATCH', `/api/requests/${incident.body.internalId}`, { category: 'Network' });
    expect(patched.body.changes).toEqual([{ field: 'category', from: 'Hardware', to: 'Network' }]);
    await api.engine.drain();

    const relations = await call('agent', 'GET', `/api/requests/${incident.body.internalId}/relations`);
    expect(relations.body.map((r: { ciId: number }) => r.ciId)).toEqual([ci.body.id]);
    const audit = await call('agent', 'GET', `/api/requests/${incident.body.internalId}/audit`);
    expect(audit.body.find((e: { kind: string }) => e.kind === 'plugin.execution').data).toMatchObject({
      plugin: '@actionhost/ci-linking@1.1.0',
      path: 'success',
    });
    const executions = await call('editor', 'GET', `/api/executions?requestId=${incident.body.internalId}`);
    expect(executions.body).toHaveLength(1);
    const execution = await call('editor', 'GET', `/api/executions/${executions.body[0].id}`);
    expect(execution.body).toMatchObject({
      status: 'succeeded',
      workflowId: created.body.id,
      steps: [
        { nodeId: 'link', plugin: '@actionhost/ci-linking@1.1.0', path: 'success', output: { linked: [ci.body.id] } },
      ],
    });
    // The host that ran the step: hostname, process id and a random suffix.
    expect(execution.body.steps[0].host).toMatch(new RegExp(`-${process.pid}-[0-9a-f]{6}$`));

    // Linking twice keeps one relation; the retry is a new execution of the same pinned version.
    const retried = await call('editor', 'POST', `/api/executions/${execution.body.id}/retry`);
    expect(retried).toMatchObject({
      status: 201,
      body: { status: 'succeeded', retryOf: execution.body.id, workflowVersion: 1 },
    });
    expect((await call('agent', 'GET', `/api/requests/${incident.body.internalId}/relations`)).body).toHaveLength(1);
    const cancel = await call('editor', 'POST', `/api/executions/${execution.body.id}/cancel`);
    expect([cancel.status, cancel.body.error.code]).toEqual([409, 'AH_EXECUTION_NOT_RUNNING']);
  });

  it('keeps a published workflow on its pinned version after a later install until it is published again', async () => {
    const { body: workflow } = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
    await call('editor', 'POST', `/api/workflows/${workflow.id}/publish`);
    api.catalog.install((await import('../workflow/workflow.fixtures.ts')).ciLinking('1.5.0'));
    expect((await call('editor', 'GET', `/api/workflows/${workflow.id}`)).body.published.plugins.link.version).toBe(
      '1.1.0',
    );
    expect(
      (await call('editor', 'POST', `/api/workflows/${workflow.id}/publish`)).body.published.plugins.link.version,
    ).toBe('1.5.0');
  });
});

describe('bad workflow input changes nothing', () => {
  async function workflowCount() {
    return (await call('editor', 'GET', '/api/workflows')).body.length;
  }

  it('rejects malformed JSON, schema violations and unknown placeholders on save', async () => {
    const malformed = await api.app.inject({
      method: 'POST',
      url: '/api/workflows',
      headers: { ...as('editor'), 'content-type': 'application/json' },
      payload: '{"name": "x", nodes: [',
    });
    expect([malformed.statusCode, malformed.json().error.code]).toEqual([400, 'AH_BODY_MALFORMED']);
    const schema = await call('editor', 'POST', '/api/workflows', {
      ...incidentCiLinking(),
      trigger: { event: 'request.updated' },
    });
    expect([schema.status, schema.body.error.code, schema.body.error.details.path]).toEqual([
      400,
      'AH_VALIDATION_FAILED',
      '/trigger/field',
    ]);
    const placeholder = await call(
      'editor',
      'POST',
      '/api/workflows',
      incidentCiLinking({
        nodes: [
          {
            id: 'link',
            kind: 'action',
            title: 't',
            uses: '@actionhost/ci-linking@^1',
            inputs: { 'Request.Id': '#internalID#' },
          },
        ],
      }),
    );
    expect([placeholder.status, placeholder.body.error.code, placeholder.body.error.details.path]).toEqual([
      400,
      'AH_PLACEHOLDER_UNKNOWN',
      '/nodes/0/inputs/Request.Id',
    ]);
    expect(await workflowCount()).toBe(0);
  });

  it('rejects a bad update without touching the stored draft', async () => {
    const { body: workflow } = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
    const bad = await call('editor', 'PUT', `/api/workflows/${workflow.id}`, {
      ...incidentCiLinking(),
      start: 'ghost',
    });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'AH_EDGE_TARGET_UNKNOWN']);
    expect((await call('editor', 'GET', `/api/workflows/${workflow.id}`)).body).toMatchObject({
      revision: 1,
      definition: { start: 'link' },
    });
    expect((await call('editor', 'PUT', '/api/workflows/wf_missing', incidentCiLinking())).body.error.code).toBe(
      'AH_WORKFLOW_NOT_FOUND',
    );
  });

  it.each([
    ['unknown plugin', { uses: '@acme/unknown@^1.0.0' }, 409, 'AH_PLUGIN_NOT_FOUND', '/nodes/0/uses'],
    [
      'range with no match',
      { uses: '@actionhost/ci-linking@^9.0.0' },
      409,
      'AH_PLUGIN_VERSION_NO_MATCH',
      '/nodes/0/uses',
    ],
    [
      'mapping key not in the schema',
      { inputs: { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address', Extra: 1 } },
      400,
      'AH_MAPPING_KEY_UNKNOWN',
      '/nodes/0/inputs/Extra',
    ],
    [
      'wrong type',
      { inputs: { 'Request.Id': true, 'Unique Identifier Type': 'ip address' } },
      400,
      'AH_MAPPING_TYPE',
      '/nodes/0/inputs/Request.Id',
    ],
    [
      'required key missing',
      { inputs: { 'Unique Identifier Type': 'ip address' } },
      400,
      'AH_MAPPING_REQUIRED',
      '/nodes/0/inputs/Request.Id',
    ],
  ])('rejects publishing with %s', async (_name, change, status, code, path) => {
    const definition = incidentCiLinking();
    definition.nodes = [{ ...definition.nodes[0], ...change }];
    const { body: workflow } = await call('editor', 'POST', '/api/workflows', definition);
    const response = await call('editor', 'POST', `/api/workflows/${workflow.id}/publish`);
    expect([response.status, response.body.error.code, response.body.error.details.path]).toEqual([status, code, path]);
    expect(response.body.error.details.node).toBe('link');
    expect((await call('editor', 'GET', `/api/workflows/${workflow.id}`)).body.published).toBeNull();
    expect(api.catalog.pins.size).toBe(0);
  });
});

describe('Test Connection over the API', () => {
  it("runs the node's testConnection with mappings built from the sample request", async () => {
    api.runner.on('@actionhost/run-webhook', (input, options) => ({
      path: 'success',
      output: { status: 200, body: `${options.entry} ${input.URL}` },
    }));
    const { body: workflow } = await call('editor', 'POST', '/api/workflows', {
      name: 'Hook',
      module: 'request',
      trigger: { event: 'request.created' },
      start: 'hook',
      nodes: [
        {
          id: 'hook',
          kind: 'action',
          title: 'Run Webhook',
          uses: '@actionhost/run-webhook@^1',
          inputs: { URL: 'http://127.0.0.1/x/#displayId#', 'Request Type': 'GET' },
        },
      ],
    });
    const response = await call('editor', 'POST', `/api/workflows/${workflow.id}/nodes/hook/test-connection`, {
      request: { displayId: 'INC-9' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      plugin: '@actionhost/run-webhook@1.0.0',
      path: 'success',
      output: { body: 'testConnection http://127.0.0.1/x/INC-9' },
    });
    const missing = await call('editor', 'POST', `/api/workflows/${workflow.id}/nodes/nope/test-connection`, {});
    expect([missing.status, missing.body.error.code]).toEqual([404, 'AH_NODE_NOT_FOUND']);
  });

  it('finds executions by outcome and time, and pages them with X-Next-Cursor', async () => {
    api.runner.on('@actionhost/run-webhook', (input) => ({
      path: String(input.URL).endsWith('/bad') ? 'failure' : 'success',
      output: { status: String(input.URL).endsWith('/bad') ? 500 : 200 },
    }));
    const { body: workflow } = await call('editor', 'POST', '/api/workflows', {
      name: 'Hook',
      module: 'request',
      trigger: { event: 'request.created' },
      start: 'hook',
      nodes: [
        {
          id: 'hook',
          kind: 'action',
          title: 'Run Webhook',
          uses: '@actionhost/run-webhook@^1',
          inputs: { URL: 'http://127.0.0.1/#subject#', 'Request Type': 'GET' },
        },
      ],
    });
    await call('editor', 'POST', `/api/workflows/${workflow.id}/publish`);
    const before = new Date().toISOString();
    for (const subject of ['ok', 'bad', 'ok', 'bad', 'bad'])
      await call('agent', 'POST', '/api/requests', { kind: 'incident', subject });
    await api.engine.drain();
    const failures = await call('editor', 'GET', '/api/executions?outcome=failure');
    expect(failures.body.map((e: { outcome: string; status: string }) => [e.status, e.outcome])).toEqual(
      Array(3).fill(['succeeded', 'failure']),
    );
    const pages: string[][] = [];
    let url: string | null = `/api/executions?workflowId=${workflow.id}&since=${before}&limit=2`;
    while (url) {
      const response = await api.app.inject({ method: 'GET', url, headers: as('editor') });
      pages.push(response.json<{ id: string }[]>().map((e) => e.id));
      const cursor = response.headers['x-next-cursor'] as string | undefined;
      url = cursor ? `/api/executions?workflowId=${workflow.id}&since=${before}&limit=2&cursor=${cursor}` : null;
      if (cursor) expect(response.headers.link).toContain(`cursor=${cursor}`);
    }
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(new Set(pages.flat()).size).toBe(5);
    const bad = await call('editor', 'GET', '/api/executions?outcome=maybe');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'AH_VALIDATION_FAILED']);
  });
});
