// The API Credential page: a credential is created with its binding, editors see names and bindings in their
// lookup (never a secret), and an admin rotates a secret in place (PUT) without losing the binding.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callApi, openApi, type Method, type Role, type TestApi } from './api.fixtures.ts';

let api: TestApi;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.close();
});

const call = (role: Role, method: Method, url: string, payload?: unknown) => callApi(api, role, method, url, payload);

const SECRET = 'tok-first-0123456789';
const NEXT = 'tok-second-9876543210';
const binding = { urls: ['https://crm.example.com/api/'], plugins: ['@actionhost/run-webhook'] };

describe('credential bindings over the API', () => {
  it('stores the binding with the credential and shows it to editors, never the secret', async () => {
    const created = await call('admin', 'POST', '/api/credentials', {
      name: 'crm-token',
      type: 'bearer',
      secret: { token: SECRET },
      binding,
    });
    expect(created).toMatchObject({ status: 201, body: { name: 'crm-token', type: 'bearer', binding } });
    const listed = await call('editor', 'GET', '/api/lookups/credentials');
    expect(listed.body).toEqual([{ name: 'crm-token', type: 'bearer', binding }]);
    const one = await call('admin', 'GET', '/api/credentials/crm-token');
    expect(one.body).toMatchObject({ name: 'crm-token', type: 'bearer', binding });
    for (const response of [created, listed, one]) expect(response.raw).not.toContain(SECRET);
    expect((await call('admin', 'GET', '/api/credentials/nope')).body.error.code).toBe('AH_CREDENTIAL_NOT_FOUND');
    // The API Credential page itself stays the admin's.
    expect((await call('editor', 'GET', '/api/credentials')).status).toBe(403);
  });

  it('binds a credential created without a binding to no URL', async () => {
    const created = await call('admin', 'POST', '/api/credentials', {
      name: 'ad-bind',
      type: 'basic',
      secret: { username: 'svc', password: 'pw-0123456789' },
    });
    expect(created.body.binding).toEqual({ urls: [], plugins: [] });
  });

  it('refuses a binding that is not a list of http(s) URL prefixes', async () => {
    const response = await call('admin', 'POST', '/api/credentials', {
      name: 'bad',
      type: 'bearer',
      secret: { token: SECRET },
      binding: { urls: ['*'] },
    });
    expect([response.status, response.body.error.code, response.body.error.details.path]).toEqual([
      400,
      'AH_VALIDATION_FAILED',
      '/binding/urls/0',
    ]);
  });
});

describe('PUT /api/credentials/:name', () => {
  it('rotates the secret in place, keeping the binding, and the next use sends the new secret', async () => {
    await call('admin', 'POST', '/api/credentials', {
      name: 'crm-token',
      type: 'bearer',
      secret: { token: SECRET },
      binding,
    });
    const rotated = await call('admin', 'PUT', '/api/credentials/crm-token', {
      type: 'bearer',
      secret: { token: NEXT },
    });
    expect(rotated).toMatchObject({ status: 200, body: { name: 'crm-token', type: 'bearer', binding } });
    expect(rotated.raw).not.toContain(NEXT);
    expect(await api.credentials.resolve('crm-token')).toMatchObject({ token: NEXT, binding });
    expect(await api.credentials.secretValues()).not.toContain(SECRET);
  });

  it('changes the binding when one is given', async () => {
    await call('admin', 'POST', '/api/credentials', { name: 'crm-token', type: 'bearer', secret: { token: SECRET } });
    const wider = { urls: ['https://crm.example.com/'], plugins: [] };
    const rotated = await call('admin', 'PUT', '/api/credentials/crm-token', {
      type: 'bearer',
      secret: { token: NEXT },
      binding: wider,
    });
    expect(rotated.body.binding).toEqual(wider);
  });

  it('answers 404 for an unknown credential and 403 for an editor', async () => {
    const body = { type: 'bearer', secret: { token: NEXT } };
    expect((await call('admin', 'PUT', '/api/credentials/nope', body)).body.error.code).toBe('AH_CREDENTIAL_NOT_FOUND');
    expect((await call('editor', 'PUT', '/api/credentials/nope', body)).status).toBe(403);
  });
});
