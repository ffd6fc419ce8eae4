// Applications and App Integrations over HTTP: admin only, bad bodies answered with a stable code and nothing
// stored, references checked, Test Connection's result as a body, and no secret in any response.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, callApi, type Method } from './api.fixtures.ts';
import { ApiTokens } from './auth.ts';
import { errorBody, toActionhostError } from './errors.ts';
import { buildOpenApi } from './openapi.ts';
import { RouteTable } from './route.ts';
import { registerApplicationRoutes } from './routes/applications.ts';
import {
  BIND_PASSWORD,
  appIntegrationBody,
  applicationBody,
  closedPort,
  openApplicationsWorld,
  type ApplicationsWorld,
} from '../applications/applications.fixtures.ts';

interface TestApi {
  app: FastifyInstance;
  table: RouteTable;
  world: ApplicationsWorld;
  token: Record<'admin' | 'editor' | 'agent', string>;
}

/** The route table over a fastify app with the host's error shape, as buildApi sets it up. */
async function openApi(): Promise<TestApi> {
  const world = await openApplicationsWorld();
  const app = Fastify({ logger: false });
  app.setErrorHandler((error, _request, reply) => {
    const mapped = toActionhostError(error);
    void reply.code(mapped.status).send(errorBody(mapped));
  });
  const tokens = await ApiTokens.open(world.db);
  const table = new RouteTable(app, tokens);
  registerApplicationRoutes(table, world.applications);
  await app.ready();
  const token = {
    admin: (await tokens.createToken('admin', 'admin')).token,
    editor: (await tokens.createToken('editor', 'editor')).token,
    agent: (await tokens.createToken('agent', 'agent')).token,
  };
  return { app, table, world, token };
}

let api: TestApi;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.app.close();
  await api.world.close();
});

const call = (
  method: Method,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = bearer(api.token.admin),
) => callApi(api, headers, method, url, payload);
const count = (table: string) => api.world.count(table);

const ROUTES: [Method, string, unknown?][] = [
  ['POST', '/api/applications', applicationBody()],
  ['GET', '/api/applications'],
  ['GET', '/api/applications/Corp%20AD'],
  ['DELETE', '/api/applications/Corp%20AD'],
  ['POST', '/api/applications/Corp%20AD/test-connection'],
  ['POST', '/api/app-integrations', appIntegrationBody()],
  ['GET', '/api/app-integrations'],
  ['GET', '/api/app-integrations/AD%20App'],
  ['DELETE', '/api/app-integrations/AD%20App'],
  ['PUT', '/api/applications/Corp%20AD', applicationBody()],
  ['PUT', '/api/app-integrations/AD%20App', appIntegrationBody()],
];

describe('who may call the application routes', () => {
  it('answers 401 without a valid bearer token and 403 to editor and agent tokens, storing nothing', async () => {
    for (const [method, url, payload] of ROUTES) {
      for (const headers of [{}, { authorization: 'Bearer ah_not-a-token' }] as Record<string, string>[]) {
        const response = await call(method, url, payload, headers);
        expect([response.status, response.body.error.code], `${method} ${url}`).toEqual([401, 'AH_UNAUTHENTICATED']);
      }
      for (const role of ['editor', 'agent'] as const) {
        const response = await call(method, url, payload, { authorization: `Bearer ${api.token[role]}` });
        expect([response.status, response.body.error.code], `${role} ${method} ${url}`).toEqual([403, 'AH_FORBIDDEN']);
      }
    }
    expect([await count('applications'), await count('app_integrations')]).toEqual([0, 0]);
  });
});

describe('applications over HTTP', () => {
  it('creates, lists, reads and deletes an application; no response carries the bind password', async () => {
    const created = await call('POST', '/api/applications', applicationBody());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Corp AD',
      credential: 'ad-bind',
      tlsVerify: true,
      timeoutMs: 10_000,
      createdBy: 'token:admin',
    });
    const listed = await call('GET', '/api/applications');
    expect(listed.body).toEqual([created.body]);
    const read = await call('GET', '/api/applications/Corp%20AD');
    expect(read.body).toEqual(created.body);
    for (const response of [created, listed, read]) expect(response.raw).not.toContain(BIND_PASSWORD);
    expect((await call('DELETE', '/api/applications/Corp%20AD')).status).toBe(204);
    expect((await call('GET', '/api/applications/Corp%20AD')).body.error.code).toBe('AH_APPLICATION_NOT_FOUND');
  });

  it('answers bad bodies with 400 AH_VALIDATION_FAILED and the path of the field, storing nothing', async () => {
    const cases: [unknown, string][] = [
      [applicationBody({ url: 'http://dc.example' }), '/url'],
      [applicationBody({ baseDn: '' }), '/baseDn'],
      [applicationBody({ tlsVerify: 'false' }), '/tlsVerify'],
      [applicationBody({ bindPassword: BIND_PASSWORD }), '/'],
      [{ name: 'Corp AD' }, '/type'],
    ];
    for (const [body, path] of cases) {
      const response = await call('POST', '/api/applications', body);
      expect(
        [response.status, response.body.error.code, response.body.error.details.path],
        JSON.stringify(body),
      ).toEqual([400, 'AH_VALIDATION_FAILED', path]);
      expect(response.raw).not.toContain(BIND_PASSWORD);
    }
    const malformed = await api.app.inject({
      method: 'POST',
      url: '/api/applications',
      payload: '{"name":',
      headers: { authorization: `Bearer ${api.token.admin}`, 'content-type': 'application/json' },
    });
    expect([malformed.statusCode, malformed.json().error.code]).toEqual([400, 'AH_BODY_MALFORMED']);
    expect(await count('applications')).toBe(0);
  });

  it('answers 404 AH_CREDENTIAL_NOT_FOUND for a missing credential and 409 AH_APPLICATION_EXISTS for a duplicate', async () => {
    const missing = await call('POST', '/api/applications', applicationBody({ credential: 'missing' }));
    expect([missing.status, missing.body.error.code, missing.body.error.details.path]).toEqual([
      404,
      'AH_CREDENTIAL_NOT_FOUND',
      '/credential',
    ]);
    expect((await call('POST', '/api/applications', applicationBody())).status).toBe(201);
    const duplicate = await call('POST', '/api/applications', applicationBody());
    expect([duplicate.status, duplicate.body.error.code]).toEqual([409, 'AH_APPLICATION_EXISTS']);
    expect(await count('applications')).toBe(1);
  });

  it('shows a warning on an application created with TLS verification off', async () => {
    const created = await call('POST', '/api/applications', applicationBody({ tlsVerify: false }));
    expect(created.body.warnings).toEqual([expect.objectContaining({ code: 'AH_TLS_VERIFY_DISABLED' })]);
  });

  it('Test Connection answers 200 with ok false and AH_LDAP_UNREACHABLE when the directory is not there, 404 for no application', async () => {
    const port = await closedPort();
    await call('POST', '/api/applications', applicationBody({ url: `ldaps://127.0.0.1:${port}`, timeoutMs: 2_000 }));
    const tested = await call('POST', '/api/applications/Corp%20AD/test-connection');
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({
      ok: false,
      baseDn: 'DC=test,DC=local',
      error: { code: 'AH_LDAP_UNREACHABLE' },
    });
    expect(tested.raw).not.toContain(BIND_PASSWORD);
    const unknown = await call('POST', '/api/applications/Other/test-connection');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'AH_APPLICATION_NOT_FOUND']);
  });
});

describe('app integrations over HTTP', () => {
  beforeEach(async () => {
    expect((await call('POST', '/api/applications', applicationBody())).status).toBe(201);
  });

  it('creates, lists, reads and deletes "AD App"', async () => {
    const created = await call('POST', '/api/app-integrations', appIntegrationBody());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'AD App',
      application: 'Corp AD',
      plugin: '@actionhost/active-directory@^1.0.0',
      action: 'Create New User',
    });
    expect((await call('GET', '/api/app-integrations')).body).toEqual([created.body]);
    expect((await call('GET', '/api/app-integrations/AD%20App')).body).toEqual(created.body);
    expect((await call('DELETE', '/api/app-integrations/AD%20App')).status).toBe(204);
    expect((await call('GET', '/api/app-integrations/AD%20App')).body.error.code).toBe('AH_APP_INTEGRATION_NOT_FOUND');
  });

  it('answers bad bodies with 400, an unknown application with 404, a duplicate with 409, storing nothing extra', async () => {
    for (const [body, path] of [
      [appIntegrationBody({ action: 'Launch Rockets' }), '/action'],
      [appIntegrationBody({ mappings: { Action: 'Delete User', Password: 'Welcome1!' } }), '/mappings/Action'],
      [appIntegrationBody({ plugin: 'x@?' }), '/plugin'],
    ] as [unknown, string][]) {
      const response = await call('POST', '/api/app-integrations', body);
      expect([response.status, response.body.error.code, response.body.error.details.path]).toEqual([
        400,
        'AH_VALIDATION_FAILED',
        path,
      ]);
      expect(response.raw).not.toContain('Welcome1!');
    }
    const missing = await call('POST', '/api/app-integrations', appIntegrationBody({ application: 'Other' }));
    expect([missing.status, missing.body.error.code]).toEqual([404, 'AH_APPLICATION_NOT_FOUND']);
    expect(await count('app_integrations')).toBe(0);
    expect((await call('POST', '/api/app-integrations', appIntegrationBody())).status).toBe(201);
    const duplicate = await call('POST', '/api/app-integrations', appIntegrationBody());
    expect([duplicate.status, duplicate.body.error.code]).toEqual([409, 'AH_APP_INTEGRATION_EXISTS']);
  });

  it('refuses with 409 AH_APPLICATION_IN_USE to delete an application an App Integration uses', async () => {
    await call('POST', '/api/app-integrations', appIntegrationBody());
    const refused = await call('DELETE', '/api/applications/Corp%20AD');
    expect([refused.status, refused.body.error.code]).toEqual([409, 'AH_APPLICATION_IN_USE']);
    expect(await count('applications')).toBe(1);
  });
});

describe('the OpenAPI document', () => {
  it('describes every application route with its schemas', () => {
    const document = buildOpenApi(api.table.routes, { title: 'actionhost', version: '1.0.0' }) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/applications',
        '/api/applications/{name}',
        '/api/applications/{name}/test-connection',
        '/api/app-integrations',
        '/api/app-integrations/{name}',
      ]),
    );
  });
});

describe('editing Applications and App Integrations', () => {
  it("replaces an application's settings, keeping its id, so its App Integrations follow a rename", async () => {
    const created = await call('POST', '/api/applications', applicationBody());
    expect(created.status, created.raw).toBe(201);
    expect((await call('POST', '/api/app-integrations', appIntegrationBody())).status).toBe(201);
    const edited = await call(
      'PUT',
      '/api/applications/Corp%20AD',
      applicationBody({ name: 'Corp AD 2', timeoutMs: 2000 }),
    );
    expect(edited.status, edited.raw).toBe(200);
    expect(edited.body).toMatchObject({ id: created.body.id, name: 'Corp AD 2', timeoutMs: 2000 });
    expect((await call('GET', '/api/app-integrations/AD%20App')).body.application).toBe('Corp AD 2');
    expect(edited.raw).not.toContain(BIND_PASSWORD);
  });

  it("refuses a rename onto another application's name (AH_APPLICATION_EXISTS) and an unknown one (404)", async () => {
    await call('POST', '/api/applications', applicationBody());
    await call('POST', '/api/applications', applicationBody({ name: 'Other AD' }));
    const clash = await call('PUT', '/api/applications/Other%20AD', applicationBody());
    expect([clash.status, clash.body.error.code]).toEqual([409, 'AH_APPLICATION_EXISTS']);
    const missing = await call('PUT', '/api/applications/Nope', applicationBody({ name: 'Nope' }));
    expect([missing.status, missing.body.error.code]).toEqual([404, 'AH_APPLICATION_NOT_FOUND']);
  });

  it("replaces an App Integration's action and mappings, with the same checks as create", async () => {
    await call('POST', '/api/applications', applicationBody());
    await call('POST', '/api/app-integrations', appIntegrationBody());
    const edited = await call(
      'PUT',
      '/api/app-integrations/AD%20App',
      appIntegrationBody({ action: 'Disable User', mappings: { Username: '#requester.username#' } }),
    );
    expect(edited.status, edited.raw).toBe(200);
    expect(edited.body).toMatchObject({
      name: 'AD App',
      action: 'Disable User',
      mappings: { Username: '#requester.username#' },
    });
    const literalPassword = await call(
      'PUT',
      '/api/app-integrations/AD%20App',
      appIntegrationBody({ mappings: { Password: 'Secret123!' } }),
    );
    // a literal default Password is sealed on edit as on create: no answer shows it
    expect(literalPassword.status, literalPassword.raw).toBe(200);
    expect(literalPassword.body.mappings.Password).toEqual({ $sealed: expect.any(String) });
    expect(literalPassword.raw).not.toContain('Secret123!');
    expect((await call('GET', '/api/app-integrations/AD%20App')).raw).not.toContain('Secret123!');
    const unknownApplication = await call(
      'PUT',
      '/api/app-integrations/AD%20App',
      appIntegrationBody({ application: 'Nowhere' }),
    );
    expect([unknownApplication.status, unknownApplication.body.error.code]).toEqual([404, 'AH_APPLICATION_NOT_FOUND']);
  });
});
