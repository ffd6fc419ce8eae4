// Switching workflows off over HTTP (issue 10, item 3): deactivate and activate, the list of published versions
// with who published each, going back to an earlier version, and deleting drafts and inactive workflows while
// their executions and Audit Trail entries stay.
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

async function incident(category = 'Hardware'): Promise<number> {
  const created = await call('agent', 'POST', '/api/requests', {
    kind: 'incident',
    subject: 'Web down',
    category,
    customFields: { ipAddress: '10.1.2.3' },
  });
  expect(created.status).toBe(201);
  return created.body.internalId as number;
}

/** Changes the incident's category (the workflow's trigger) and lets the engine do what it does with that. */
async function recategorise(requestId: number, category: string): Promise<void> {
  await call('agent', 'PATCH', `/api/requests/${requestId}`, { category });
  await api.engine.drain();
}

async function executionsOf(requestId: number): Promise<{ id: string; status: string; workflowVersion: number }[]> {
  return (await call('editor', 'GET', `/api/executions?requestId=${requestId}`)).body;
}

async function publishedWorkflow(): Promise<string> {
  const created = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
  expect(created.status).toBe(201);
  const published = await call('editor', 'POST', `/api/workflows/${created.body.id}/publish`);
  expect(published.status).toBe(200);
  expect(published.body.active).toBe(true);
  return created.body.id as string;
}

describe('deactivate and activate', () => {
  it('a deactivated workflow triggers nothing, and triggers again once activated', async () => {
    const id = await publishedWorkflow();
    const requestId = await incident();

    const off = await call('editor', 'POST', `/api/workflows/${id}/deactivate`);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ active: false, publishedVersion: 1, published: { version: 1 } });
    await recategorise(requestId, 'Network');
    expect(await executionsOf(requestId)).toEqual([]);
    expect(api.runner.calls).toHaveLength(0);

    const on = await call('editor', 'POST', `/api/workflows/${id}/activate`);
    expect(on.status).toBe(200);
    expect(on.body.active).toBe(true);
    await recategorise(requestId, 'Software');
    expect((await executionsOf(requestId)).map((e) => e.status)).toEqual(['succeeded']);
  });

  it('lets an execution in flight finish when the workflow is deactivated under it', async () => {
    const id = await publishedWorkflow();
    const requestId = await incident();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    api.runner.on('@actionhost/ci-linking', async () => {
      started();
      await gate;
      return { path: 'success', output: { linked: [] } };
    });
    await call('agent', 'PATCH', `/api/requests/${requestId}`, { category: 'Network' });
    const drained = api.engine.drain();
    await running;
    expect((await call('editor', 'POST', `/api/workflows/${id}/deactivate`)).status).toBe(200);
    release();
    await drained;
    expect((await executionsOf(requestId)).map((e) => e.status)).toEqual(['succeeded']);
  });

  it('refuses to activate a workflow that was never published, or a version it does not have', async () => {
    const draft = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
    expect(draft.body.active).toBe(false);
    const refused = await call('editor', 'POST', `/api/workflows/${draft.body.id}/activate`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('AH_WORKFLOW_NOT_PUBLISHED');

    const id = await publishedWorkflow();
    const missing = await call('editor', 'POST', `/api/workflows/${id}/activate`, { version: 9 });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'AH_WORKFLOW_VERSION_NOT_FOUND', details: { path: '/version' } });
    const unknown = await call('editor', 'POST', '/api/workflows/wf_nope/deactivate');
    expect(unknown.body.error.code).toBe('AH_WORKFLOW_NOT_FOUND');
  });
});

describe('published versions', () => {
  it('lists every published version newest first, with who published it and when, and which one is current', async () => {
    const created = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
    const id = created.body.id as string;
    await call('editor', 'POST', `/api/workflows/${id}/publish`);
    const renamed = { ...incidentCiLinking(), name: 'Incident-CI Linking (v2)' };
    expect((await call('editor', 'PUT', `/api/workflows/${id}`, renamed)).status).toBe(200);
    await call('admin', 'POST', `/api/workflows/${id}/publish`);

    const versions = await call('editor', 'GET', `/api/workflows/${id}/versions`);
    expect(versions.status).toBe(200);
    expect(versions.body).toMatchObject([
      { version: 2, publishedBy: 'token:admin', current: true, name: 'Incident-CI Linking (v2)' },
      { version: 1, publishedBy: 'token:editor', current: false, name: 'Incident-CI Linking' },
    ]);
    for (const version of versions.body) expect(Number.isNaN(Date.parse(version.publishedAt))).toBe(false);
    expect(versions.body[0].plugins.link).toMatchObject({ name: '@actionhost/ci-linking', version: '1.1.0' });
    expect(versions.body[0].trigger).toMatchObject({ event: 'request.updated', field: 'category' });
  });

  it('activating an earlier version makes it the one that runs', async () => {
    const created = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
    const id = created.body.id as string;
    await call('editor', 'POST', `/api/workflows/${id}/publish`);
    await call('editor', 'POST', `/api/workflows/${id}/publish`);
    const back = await call('editor', 'POST', `/api/workflows/${id}/activate`, { version: 1 });
    expect(back.body).toMatchObject({ active: true, publishedVersion: 1, published: { version: 1 } });

    const requestId = await incident();
    await recategorise(requestId, 'Network');
    expect((await executionsOf(requestId)).map((e) => e.workflowVersion)).toEqual([1]);
  });
});

describe('delete', () => {
  it('deletes a draft', async () => {
    const draft = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
    const deleted = await call('editor', 'DELETE', `/api/workflows/${draft.body.id}`);
    expect(deleted.status).toBe(204);
    expect((await call('editor', 'GET', `/api/workflows/${draft.body.id}`)).body.error.code).toBe(
      'AH_WORKFLOW_NOT_FOUND',
    );
    expect((await call('editor', 'GET', '/api/workflows')).body).toEqual([]);
  });

  it('refuses an active workflow, and deletes it once inactive: its executions and Audit Trail stay, its pins go', async () => {
    const id = await publishedWorkflow();
    const requestId = await incident();
    await recategorise(requestId, 'Network');
    const [execution] = await executionsOf(requestId);
    expect(api.catalog.pins.has(`workflow:${id}`)).toBe(true);

    const refused = await call('editor', 'DELETE', `/api/workflows/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('AH_WORKFLOW_ACTIVE');
    expect((await call('editor', 'GET', `/api/workflows/${id}`)).status).toBe(200);

    await call('editor', 'POST', `/api/workflows/${id}/deactivate`);
    expect((await call('editor', 'DELETE', `/api/workflows/${id}`)).status).toBe(204);
    expect((await call('editor', 'GET', `/api/workflows/${id}`)).status).toBe(404);
    expect(api.catalog.pins.has(`workflow:${id}`)).toBe(false);

    expect((await call('editor', 'GET', `/api/executions/${execution.id}`)).body).toMatchObject({
      workflowId: id,
      status: 'succeeded',
    });
    const audit = await call('agent', 'GET', `/api/requests/${requestId}/audit`);
    expect(audit.body.some((entry: { kind: string }) => entry.kind === 'plugin.execution')).toBe(true);
    // ... and it triggers nothing any more.
    await recategorise(requestId, 'Software');
    expect(await executionsOf(requestId)).toHaveLength(1);
  });

  it('is refused while executions of the inactive workflow are still in flight', async () => {
    const id = await publishedWorkflow();
    const requestId = await incident();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    api.runner.on('@actionhost/ci-linking', async () => {
      started();
      await gate;
      return { path: 'success', output: {} };
    });
    await call('agent', 'PATCH', `/api/requests/${requestId}`, { category: 'Network' });
    const drained = api.engine.drain();
    await running;
    await call('editor', 'POST', `/api/workflows/${id}/deactivate`);
    const refused = await call('editor', 'DELETE', `/api/workflows/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'AH_WORKFLOW_RUNNING', details: { count: 1 } });
    release();
    await drained;
    expect((await call('editor', 'DELETE', `/api/workflows/${id}`)).status).toBe(204);
  });

  it('is for editors: an agent may not delete or switch workflows', async () => {
    const id = await publishedWorkflow();
    for (const [method, url] of [
      ['DELETE', `/api/workflows/${id}`],
      ['POST', `/api/workflows/${id}/deactivate`],
      ['POST', `/api/workflows/${id}/activate`],
      ['GET', `/api/workflows/${id}/versions`],
    ] as const) {
      const refused = await call('agent', method, url);
      expect(refused.status, url).toBe(403);
    }
  });
});
