// Every route group checks its bearer token and role; every error has the one JSON shape.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ItsmPort } from './ports.ts';
import { bearer, openApi, type TestApi } from './api.fixtures.ts';

let api: TestApi;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.close();
});

type Call = { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; payload?: unknown };
const groups: Record<string, { calls: Call[]; allowed: ('admin' | 'editor' | 'agent')[] }> = {
  requests: {
    allowed: ['admin', 'agent'],
    calls: [
      { method: 'POST', url: '/api/requests', payload: { kind: 'incident', subject: 'x' } },
      { method: 'GET', url: '/api/requests' },
      { method: 'GET', url: '/api/requests/1' },
      { method: 'PATCH', url: '/api/requests/1', payload: {} },
      { method: 'GET', url: '/api/requests/1/relations' },
      { method: 'GET', url: '/api/requests/1/audit' },
    ],
  },
  cis: {
    allowed: ['admin', 'agent'],
    calls: [
      { method: 'POST', url: '/api/cis', payload: { name: 'x' } },
      { method: 'GET', url: '/api/cis' },
      { method: 'GET', url: '/api/cis/1' },
    ],
  },
  tokens: {
    allowed: ['admin'],
    calls: [
      { method: 'POST', url: '/api/tokens', payload: {} },
      { method: 'GET', url: '/api/tokens' },
      { method: 'DELETE', url: '/api/tokens/x' },
    ],
  },
  credentials: {
    allowed: ['admin'],
    calls: [
      { method: 'POST', url: '/api/credentials', payload: {} },
      { method: 'GET', url: '/api/credentials' },
      { method: 'GET', url: '/api/credentials/x' },
      { method: 'PUT', url: '/api/credentials/x', payload: {} },
      { method: 'DELETE', url: '/api/credentials/x' },
    ],
  },
  // Names, types and bindings, never a secret: the node editor offers them in a dropdown.
  'credential names': {
    allowed: ['admin', 'editor'],
    calls: [{ method: 'GET', url: '/api/lookups/credentials' }],
  },
  plugins: {
    allowed: ['admin'],
    calls: [{ method: 'POST', url: '/api/plugins', payload: {} }],
  },
  // The designer's palette and settings read installed plugins; installing stays admin-only.
  'plugin catalogue': {
    allowed: ['admin', 'editor'],
    calls: [
      { method: 'GET', url: '/api/plugins' },
      { method: 'GET', url: '/api/plugins/x/1.0.0' },
    ],
  },
  applications: {
    allowed: ['admin'],
    calls: [
      { method: 'POST', url: '/api/applications', payload: {} },
      { method: 'GET', url: '/api/applications' },
      { method: 'GET', url: '/api/applications/ad' },
      { method: 'DELETE', url: '/api/applications/ad' },
      { method: 'POST', url: '/api/applications/ad/test-connection' },
      { method: 'POST', url: '/api/app-integrations', payload: {} },
      { method: 'GET', url: '/api/app-integrations' },
      { method: 'GET', url: '/api/app-integrations/x' },
      { method: 'DELETE', url: '/api/app-integrations/x' },
      { method: 'PUT', url: '/api/applications/ad', payload: {} },
      { method: 'PUT', url: '/api/app-integrations/x', payload: {} },
    ],
  },
  workflows: {
    allowed: ['admin', 'editor'],
    calls: [
      { method: 'POST', url: '/api/workflows', payload: {} },
      { method: 'GET', url: '/api/workflows' },
      { method: 'GET', url: '/api/workflows/wf_x' },
      { method: 'PUT', url: '/api/workflows/wf_x', payload: {} },
      { method: 'POST', url: '/api/workflows/wf_x/publish' },
      { method: 'POST', url: '/api/workflows/wf_x/nodes/n/test-connection', payload: {} },
      { method: 'DELETE', url: '/api/workflows/wf_x' },
      { method: 'POST', url: '/api/workflows/wf_x/preview', payload: {} },
    ],
  },
  lookups: {
    allowed: ['admin', 'editor'],
    calls: [
      { method: 'GET', url: '/api/lookups/request-fields' },
      { method: 'GET', url: '/api/lookups/credentials' },
      { method: 'GET', url: '/api/lookups/app-integrations' },
    ],
  },
  executions: {
    allowed: ['admin', 'editor'],
    calls: [
      { method: 'GET', url: '/api/executions' },
      { method: 'GET', url: '/api/executions/ex_x' },
      { method: 'POST', url: '/api/executions/ex_x/retry' },
      { method: 'POST', url: '/api/executions/ex_x/cancel' },
    ],
  },
};

describe('authentication and roles', () => {
  for (const [group, { calls, allowed }] of Object.entries(groups)) {
    it(`${group}: no token or a bad token gets 401, a wrong role 403, an allowed role passes the gate`, async () => {
      for (const call of calls) {
        const inject = (headers: Record<string, string>) =>
          api.app.inject({
            method: call.method,
            url: call.url,
            headers,
            ...(call.payload !== undefined ? { payload: call.payload as object } : {}),
          });
        for (const headers of [{}, bearer('ah_not-a-token'), { authorization: `Basic ${api.token.admin}` }]) {
          const response = await inject(headers);
          expect(response.statusCode, `${call.method} ${call.url}`).toBe(401);
          expect(response.json().error.code).toBe('AH_UNAUTHENTICATED');
        }
        for (const role of ['admin', 'editor', 'agent'] as const) {
          const response = await inject(bearer(api.token[role]));
          if (allowed.includes(role)) {
            expect([401, 403], `${role} ${call.method} ${call.url}`).not.toContain(response.statusCode);
          } else {
            expect(response.statusCode, `${role} ${call.method} ${call.url}`).toBe(403);
            expect(response.json().error.code).toBe('AH_FORBIDDEN');
          }
        }
      }
    });
  }

  it('answers health and the OpenAPI document without a token', async () => {
    expect((await api.app.inject({ method: 'GET', url: '/api/health' })).json()).toMatchObject({ status: 'ok' });
    expect((await api.app.inject({ method: 'GET', url: '/api/openapi.json' })).statusCode).toBe(200);
  });

  it('stores tokens only as sha256 hashes', async () => {
    const rows = (await api.services.db.query('SELECT * FROM api_tokens')).rows;
    expect(JSON.stringify(rows)).not.toContain(api.token.admin);
    if (api.services.store) {
      api.services.store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      for (const file of readdirSync(api.services.dir))
        expect(readFileSync(join(api.services.dir, file)).toString('latin1')).not.toContain(api.token.admin);
    }
    expect(await api.tokens.verify(api.token.editor)).toMatchObject({ role: 'editor' });
  });

  it('never adds an ACTIONHOST_ADMIN_TOKEN it does not know to a data folder that already has tokens', async () => {
    expect(await api.tokens.bootstrapAdmin()).toEqual({ token: null, created: false, presetIgnored: false });
    const preset = 'preset-admin-token-0123456789';
    expect(await api.tokens.bootstrapAdmin(preset)).toEqual({ token: null, created: false, presetIgnored: true });
    expect(await api.tokens.verify(preset)).toBeNull();
    expect((await api.tokens.list()).filter((token) => token.role === 'admin')).toHaveLength(1);
  });
});

describe('error bodies', () => {
  it('answers an unknown route with AH_ROUTE_NOT_FOUND', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/api/nothing', headers: bearer(api.token.admin) });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: 'AH_ROUTE_NOT_FOUND', message: expect.any(String), details: {} },
    });
  });

  it('answers malformed JSON with AH_BODY_MALFORMED and an unknown content type with AH_UNSUPPORTED_MEDIA_TYPE', async () => {
    const malformed = await api.app.inject({
      method: 'POST',
      url: '/api/requests',
      headers: { ...bearer(api.token.agent), 'content-type': 'application/json' },
      payload: '{"kind": "incident",',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('AH_BODY_MALFORMED');
    const xml = await api.app.inject({
      method: 'POST',
      url: '/api/requests',
      headers: { ...bearer(api.token.agent), 'content-type': 'application/xml' },
      payload: '<x/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error.code).toBe('AH_UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses __proto__ keys in JSON bodies and takes an empty JSON body as no body', async () => {
    const poisoned = await api.app.inject({
      method: 'POST',
      url: '/api/requests',
      headers: { ...bearer(api.token.agent), 'content-type': 'application/json' },
      payload: '{"kind": "incident", "subject": "x", "customFields": {"__proto__": {"admin": true}}}',
    });
    expect(poisoned.statusCode).toBe(400);
    expect(await api.world.itsm.listRequests()).toEqual([]);
    const empty = await api.app.inject({
      method: 'POST',
      url: '/api/workflows/wf_missing/publish',
      headers: { ...bearer(api.token.editor), 'content-type': 'application/json' },
      payload: '',
    });
    expect([empty.statusCode, empty.json().error.code]).toEqual([404, 'AH_WORKFLOW_NOT_FOUND']);
  });

  it('refuses a body nested too deeply for validation with a 400, not a crash', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const payload = `{"name":"x","module":"request","trigger":{"event":"request.created"},"nodes":[{"id":"a","kind":"action","title":"t","uses":"a@1","inputs":{"URL":${deep}}}]}`;
    const response = await api.app.inject({
      method: 'POST',
      url: '/api/workflows',
      headers: { ...bearer(api.token.editor), 'content-type': 'application/json' },
      payload,
    });
    expect([response.statusCode, response.json().error.code]).toEqual([400, 'AH_VALIDATION_FAILED']);
    expect(await api.workflows.list()).toEqual([]);
  });

  it('answers a bad parameter with AH_VALIDATION_FAILED and its path', async () => {
    const response = await api.app.inject({
      method: 'GET',
      url: '/api/requests/abc',
      headers: bearer(api.token.agent),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'AH_VALIDATION_FAILED',
      details: { path: '/id', in: 'params' },
    });
  });

  it('answers an unexpected failure with AH_INTERNAL and no stack or message of the cause', async () => {
    await api.close();
    const broken = {
      getRequest: () => {
        throw new Error('database exploded at /secret/path');
      },
    } as unknown as ItsmPort;
    api = await openApi({ itsm: broken });
    const response = await api.app.inject({ method: 'GET', url: '/api/requests/1', headers: bearer(api.token.agent) });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'AH_INTERNAL', message: 'internal error', details: {} } });
    expect(response.body).not.toContain('exploded');
  });
});
