// Requests, CIs, credentials, plugin uploads and the OpenAPI document over HTTP.
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, callApi, openApi, type Method, type Role, type TestApi } from './api.fixtures.ts';

let api: TestApi;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.close();
});

const call = (role: Role, method: Method, url: string, payload?: unknown) => callApi(api, role, method, url, payload);

describe('requests and configuration items', () => {
  it('creates, reads and patches a request; a PATCH that changes fields leaves an outbox event', async () => {
    const created = await call('agent', 'POST', '/api/requests', {
      kind: 'incident',
      subject: 'Mail down',
      requester: { name: 'Ann', email: 'ann@example.com', username: 'ann' },
    });
    expect(created).toMatchObject({
      status: 201,
      body: { displayId: expect.stringMatching(/^INC-/), subject: 'Mail down' },
    });
    const id = created.body.internalId;
    expect((await call('agent', 'GET', `/api/requests/${id}`)).body.subject).toBe('Mail down');
    const before = (await api.world.itsm.pendingEvents(100)).length;
    expect((await call('agent', 'PATCH', `/api/requests/${id}`, { category: 'Email' })).body.changes).toHaveLength(1);
    expect((await api.world.itsm.pendingEvents(100)).length).toBe(before + 1);
    const audit = await call('agent', 'GET', `/api/requests/${id}/audit`);
    expect(audit.body.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['request.created', 'field.changed']),
    );
    expect((await call('agent', 'GET', '/api/requests/99999')).status).toBe(404);
  });

  it('rejects a bad request body with the path of the bad field and stores nothing', async () => {
    const bad = await call('agent', 'POST', '/api/requests', {
      kind: 'incident',
      subject: 'x',
      requester: { name: 'A', email: 'not-an-email', username: 'a' },
    });
    expect([bad.status, bad.body.error.code, bad.body.error.details.path]).toEqual([
      400,
      'AH_VALIDATION_FAILED',
      '/requester/email',
    ]);
    expect(await api.world.itsm.listRequests()).toEqual([]);
    const unknownKey = await call('agent', 'PATCH', '/api/requests/1', { kind: 'service-request' });
    expect(unknownKey.body.error.code).toBe('AH_VALIDATION_FAILED');
  });

  it('creates, lists and reads configuration items', async () => {
    const ci = await call('agent', 'POST', '/api/cis', {
      name: 'db-01',
      ipAddress: '10.0.0.9',
      hostname: 'db-01.corp.local',
    });
    expect(ci.status).toBe(201);
    expect((await call('agent', 'GET', '/api/cis')).body.map((c: { name: string }) => c.name)).toEqual(['db-01']);
    expect((await call('agent', 'GET', `/api/cis/${ci.body.id}`)).body.ipAddress).toBe('10.0.0.9');
    const bad = await call('agent', 'POST', '/api/cis', { name: 'x', ipAddress: '999.1.1.1' });
    expect([bad.status, bad.body.error.details.path]).toEqual([400, '/ipAddress']);
  });
});

describe('credentials', () => {
  const secret = 'tok-abcdef-0123456789';

  it('stores a credential whose secret no response ever shows', async () => {
    const created = await call('admin', 'POST', '/api/credentials', {
      name: 'crm-token',
      type: 'bearer',
      secret: { token: secret },
    });
    expect(created).toMatchObject({ status: 201, body: { name: 'crm-token', type: 'bearer' } });
    const listed = await call('admin', 'GET', '/api/credentials');
    expect(listed.body).toEqual([expect.objectContaining({ name: 'crm-token', type: 'bearer' })]);
    for (const response of [created, listed]) expect(response.raw).not.toContain(secret);
    expect((await call('admin', 'DELETE', '/api/credentials/crm-token')).status).toBe(204);
    expect((await call('admin', 'GET', '/api/credentials')).body).toEqual([]);
  });

  it('rejects a bad credential body and stores nothing', async () => {
    const bad = await call('admin', 'POST', '/api/credentials', {
      name: 'bad',
      type: 'bearer',
      secret: { token: 'has space' },
    });
    expect([bad.status, bad.body.error.code, bad.body.error.details.path]).toEqual([
      400,
      'AH_VALIDATION_FAILED',
      '/secret/token',
    ]);
    expect(bad.raw).not.toContain('has space');
    expect(await api.credentials.list()).toEqual([]);
  });
});

describe('plugin uploads', () => {
  it("passes a raw .tgz body to the catalog's install", async () => {
    const tarball = gzipSync(Buffer.from('not really a tar, the registry checks that'));
    const response = await api.app.inject({
      method: 'POST',
      url: '/api/plugins',
      headers: { ...bearer(api.token.admin), 'content-type': 'application/gzip' },
      payload: tarball,
    });
    expect(response.statusCode).toBe(201);
    expect(api.uploads).toHaveLength(1);
    expect(api.uploads[0].equals(tarball)).toBe(true);
    expect((await call('admin', 'GET', '/api/plugins')).body.length).toBeGreaterThan(0);
  });

  it('refuses a JSON body as a package', async () => {
    const response = await call('admin', 'POST', '/api/plugins', { name: 'x' });
    expect([response.status, response.body.error.code]).toEqual([415, 'AH_UNSUPPORTED_MEDIA_TYPE']);
    expect(api.uploads).toHaveLength(0);
  });

  it('refuses an upload over the 25 MiB limit', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/api/plugins',
      headers: { ...bearer(api.token.admin), 'content-type': 'application/octet-stream' },
      payload: Buffer.alloc(26 * 1024 * 1024),
    });
    expect([response.statusCode, response.json().error.code]).toEqual([413, 'AH_BODY_TOO_LARGE']);
    expect(api.uploads).toHaveLength(0);
  });
});

describe('OpenAPI document', () => {
  it('describes every route with schemas generated from zod, and every $ref resolves', async () => {
    const document = (await api.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/requests',
        '/api/requests/{id}',
        '/api/cis',
        '/api/credentials',
        '/api/plugins',
        '/api/workflows',
        '/api/workflows/{id}/publish',
        '/api/workflows/{id}/nodes/{nodeId}/test-connection',
        '/api/executions',
        '/api/executions/{id}',
      ]),
    );
    const workflowBody = document.paths['/api/workflows'].post.requestBody.content['application/json'].schema;
    expect(workflowBody.properties.trigger).toBeDefined();
    expect(document.paths['/api/credentials'].post['x-role']).toBe('admin');
    const execution = document.paths['/api/executions/{id}'].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(execution.properties)).toEqual(expect.arrayContaining(['status', 'steps', 'workflowVersion']));
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const target = ref.slice(8, -1).replace('#/components/schemas/', '');
      expect(document.components.schemas[target], ref).toBeDefined();
    }
  });
});
