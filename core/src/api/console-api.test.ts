// The routes the web console needs beyond the records themselves: who the token is, deleting drafts, the publish
// preview with every problem at once, lookups for the designer's dropdowns (never a secret), one plugin version,
// executions filtered and paged, CI search, and editing Applications and App Integrations.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { incidentCiLinking } from '../workflow/workflow.fixtures.ts';
import { callApi, openApi, type Method, type Role, type TestApi } from './api.fixtures.ts';

let api: TestApi;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.close();
});

const call = (role: Role, method: Method, url: string, payload?: unknown) => callApi(api, role, method, url, payload);

describe('GET /api/session', () => {
  it("answers every role with the token's name and role, and refuses a missing token", async () => {
    for (const role of ['admin', 'editor', 'agent'] as const) {
      const session = await call(role, 'GET', '/api/session');
      expect(session.status).toBe(200);
      expect(session.body).toMatchObject({ name: role, role });
    }
    const anonymous = await api.app.inject({ method: 'GET', url: '/api/session' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('AH_UNAUTHENTICATED');
  });
});

describe('DELETE /api/workflows/:id', () => {
  it('deletes a draft that was never published', async () => {
    const created = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
    expect((await call('editor', 'DELETE', `/api/workflows/${created.body.id}`)).status).toBe(204);
    expect((await call('editor', 'GET', `/api/workflows/${created.body.id}`)).body.error.code).toBe(
      'AH_WORKFLOW_NOT_FOUND',
    );
  });

  it('refuses a published, active workflow with 409 AH_WORKFLOW_ACTIVE and keeps it', async () => {
    const created = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
    expect((await call('editor', 'POST', `/api/workflows/${created.body.id}/publish`)).status).toBe(200);
    const refused = await call('editor', 'DELETE', `/api/workflows/${created.body.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('AH_WORKFLOW_ACTIVE');
    expect((await call('editor', 'GET', `/api/workflows/${created.body.id}`)).status).toBe(200);
  });

  it('is not open to agents and answers 404 for an unknown workflow', async () => {
    expect((await call('agent', 'DELETE', '/api/workflows/wf_x')).status).toBe(403);
    expect((await call('editor', 'DELETE', '/api/workflows/wf_x')).body.error.code).toBe('AH_WORKFLOW_NOT_FOUND');
  });
});

describe('POST /api/workflows/:id/preview', () => {
  it('lists the problems of every node at once, each with its node, and stores nothing', async () => {
    const created = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
    const broken = incidentCiLinking({
      start: ['link', 'hook'],
      nodes: [
        {
          id: 'link',
          kind: 'action',
          title: 'Execute Plugin',
          source: 'trigger',
          uses: '@actionhost/ci-linking@^1.0.0',
          inputs: { 'Request.Id': '#subjct#', 'Unique Identifier Type': 'ip address' },
        },
        {
          id: 'hook',
          kind: 'action',
          title: 'Run Webhook',
          source: 'trigger',
          uses: '@actionhost/run-webhook@^1.0.0',
          inputs: { 'Request Type': 'GET' },
        },
      ],
    });
    const preview = await call('editor', 'POST', `/api/workflows/${created.body.id}/preview`, broken);
    expect(preview.status).toBe(200);
    expect(preview.body.ready).toBe(false);
    const byNode = Object.fromEntries(
      preview.body.problems.map((problem: { node: string; code: string }) => [problem.node, problem.code]),
    );
    expect(byNode).toEqual({ link: 'AH_PLACEHOLDER_UNKNOWN', hook: 'AH_MAPPING_REQUIRED' });
    const stored = await call('editor', 'GET', `/api/workflows/${created.body.id}`);
    expect(stored.body.revision).toBe(created.body.revision);
  });

  it('answers schema problems as problems with their node, not as a 400', async () => {
    const created = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
    const preview = await call('editor', 'POST', `/api/workflows/${created.body.id}/preview`, {
      ...incidentCiLinking(),
      nodes: [{ id: 'link', kind: 'action', title: '', uses: '@actionhost/ci-linking@^1.0.0' }],
    });
    expect(preview.status).toBe(200);
    expect(preview.body.ready).toBe(false);
    expect(preview.body.problems[0]).toMatchObject({ code: 'AH_VALIDATION_FAILED', node: 'link' });
  });

  it('shows the versions publishing would pin with their integrity, and what changed since the published version', async () => {
    const created = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
    const first = await call('editor', 'POST', `/api/workflows/${created.body.id}/preview`);
    expect(first.body).toMatchObject({
      ready: true,
      problems: [],
      publishedVersion: null,
      changes: [],
      pins: [
        {
          node: 'link',
          name: '@actionhost/ci-linking',
          version: '1.1.0',
          integrity: 'sha512-ci-linking-1.1.0',
          previous: null,
        },
      ],
    });
    await call('editor', 'POST', `/api/workflows/${created.body.id}/publish`);
    const edited = incidentCiLinking({ description: 'now described' });
    (edited.nodes[0] as { title: string }).title = 'Link the CI';
    const second = await call('editor', 'POST', `/api/workflows/${created.body.id}/preview`, {
      ...edited,
      layout: { link: { x: 10, y: 20 } },
    });
    expect(second.body.publishedVersion).toBe(1);
    expect(second.body.pins[0].previous).toMatchObject({ version: '1.1.0' });
    expect(second.body.changes).toEqual([
      { change: 'changed', what: 'workflow', fields: ['description'] },
      { change: 'changed', what: 'link', fields: ['title'] },
    ]);
  });
});

describe('lookups for the designer', () => {
  it('lists request fields that publishing accepts as placeholders', async () => {
    const fields = await call('editor', 'GET', '/api/lookups/request-fields');
    expect(fields.body.fields).toEqual(
      expect.arrayContaining(['internalId', 'subject', 'requester.email', 'ipAddress']),
    );
    expect(fields.body.openPrefixes).toEqual(['customFields.']);
    const created = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
    const inputs = Object.fromEntries(fields.body.fields.map((field: string) => [`k-${field}`, `#${field}#`]));
    const preview = await call('editor', 'POST', `/api/workflows/${created.body.id}/preview`, {
      ...incidentCiLinking(),
      nodes: [
        {
          id: 'hook',
          kind: 'action',
          title: 'Run Webhook',
          uses: '@actionhost/run-webhook@^1.0.0',
          inputs: { URL: 'http://example.test/', 'Request Type': 'POST', 'Request JSON': inputs },
        },
      ],
      start: 'hook',
    });
    expect(preview.body.problems).toEqual([]);
  });

  it('gives editors credential names, types and bindings, never a secret', async () => {
    await call('admin', 'POST', '/api/credentials', {
      name: 'crm-token',
      type: 'bearer',
      secret: { token: 'very-secret-token-value' },
    });
    const names = await call('editor', 'GET', '/api/lookups/credentials');
    expect(names.status).toBe(200);
    expect(names.body).toEqual([{ name: 'crm-token', type: 'bearer', binding: { urls: [], plugins: [] } }]);
    expect(names.raw).not.toContain('very-secret-token-value');
    expect((await call('agent', 'GET', '/api/lookups/credentials')).status).toBe(403);
  });

  it('gives editors App Integrations with their application, action and default mappings', async () => {
    expect((await call('editor', 'GET', '/api/lookups/app-integrations')).body).toEqual([]);
  });
});

describe('GET /api/plugins/:name/:version', () => {
  it('answers one version with its manifest and the workflows that pin it, for editors', async () => {
    const created = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
    await call('editor', 'POST', `/api/workflows/${created.body.id}/publish`);
    const detail = await call('editor', 'GET', `/api/plugins/${encodeURIComponent('@actionhost/ci-linking')}/1.1.0`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      name: '@actionhost/ci-linking',
      version: '1.1.0',
      integrity: 'sha512-ci-linking-1.1.0',
      manifest: { input: { required: ['Request.Id', 'Unique Identifier Type'] } },
      pinnedBy: [{ workflowId: created.body.id, name: 'Incident-CI Linking', publishedVersion: 1 }],
    });
    expect((await call('agent', 'GET', `/api/plugins/x/1.0.0`)).status).toBe(403);
  });
});

describe('GET /api/executions filters', () => {
  it('filters by status and time and pages newest first', async () => {
    const created = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
    await call('editor', 'POST', `/api/workflows/${created.body.id}/publish`);
    api.runner.on('@actionhost/ci-linking', () => ({ path: 'success', output: { linked: [] } }));
    const request = await call('agent', 'POST', '/api/requests', { kind: 'incident', subject: 's', category: 'A' });
    for (const category of ['B', 'C', 'D']) {
      await call('agent', 'PATCH', `/api/requests/${request.body.internalId}`, { category });
      await api.engine.drain();
    }
    const all = await call('editor', 'GET', '/api/executions');
    expect(all.body).toHaveLength(3);
    const page = await call('editor', 'GET', '/api/executions?limit=2&offset=2');
    expect(page.body.map((e: { id: string }) => e.id)).toEqual([all.body[2].id]);
    expect((await call('editor', 'GET', '/api/executions?status=failed')).body).toEqual([]);
    expect((await call('editor', 'GET', '/api/executions?status=succeeded')).body).toHaveLength(3);
    expect((await call('editor', 'GET', '/api/executions?since=2999-01-01T00:00:00Z')).body).toEqual([]);
    expect((await call('editor', 'GET', '/api/executions?until=2999-01-01T00:00:00Z')).body).toHaveLength(3);
    expect((await call('editor', 'GET', '/api/executions?status=bogus')).status).toBe(400);
  });
});

describe('GET /api/cis?search=', () => {
  it('finds a CI by a part of its name or exactly by IP address, host name, MAC address or serial number', async () => {
    await call('agent', 'POST', '/api/cis', {
      name: 'web-01',
      ipAddress: '10.0.0.5',
      hostname: 'Web-01.corp.local',
      macAddress: 'AA-BB-CC-DD-EE-FF',
      serialNumber: 'SN-42',
    });
    await call('agent', 'POST', '/api/cis', { name: 'db-01', ipAddress: '10.0.0.6' });
    for (const search of ['web', '10.0.0.5', 'web-01.CORP.local', 'aa:bb:cc:dd:ee:ff', 'SN-42']) {
      const found = await call('agent', 'GET', `/api/cis?search=${encodeURIComponent(search)}`);
      expect(
        found.body.map((ci: { name: string }) => ci.name),
        search,
      ).toEqual(['web-01']);
    }
    expect((await call('agent', 'GET', '/api/cis?search=10.0.0')).body).toEqual([]);
    expect((await call('agent', 'GET', `/api/cis?search=${encodeURIComponent('%')}`)).body).toEqual([]);
  });
});
