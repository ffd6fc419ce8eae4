// Integration Connectors over HTTP (issue 10, item 6): admins issue and revoke connector tokens; a connector with
// its token long-polls for the ldap operations of Applications "via connector", posts their results, and shows its
// health; an operation for a connector that is not there fails at once with a clear code.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Json } from '@actionhost/sdk';
import { bearer, openApi, type TestApi } from './api.fixtures.ts';

let api: TestApi;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.close();
});

async function admin(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) {
  const response = await api.app.inject({
    method,
    url,
    headers: bearer(api.token.admin),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: response.statusCode, body: response.body ? response.json() : null, raw: response.body };
}

/** What `actionhost connector` sends: its own token, never an API token. */
async function asConnector(token: string, url: string, payload: unknown = {}) {
  const response = await api.app.inject({
    method: 'POST',
    url,
    headers: bearer(token),
    payload: payload as object,
    remoteAddress: '10.9.8.7',
  });
  return { status: response.statusCode, body: response.body ? response.json() : null };
}

const application = {
  id: 'app_1',
  url: 'ldaps://dc.corp.example:636',
  bindDn: 'CN=svc,DC=corp,DC=example',
  bindPassword: 'bind-secret',
  baseDn: 'DC=corp,DC=example',
  tlsVerify: true,
  timeoutMs: 1_000,
};

/** An ldap operation for the connector, as the ldap capability hands it to the hub. */
function relay(connector: string, signal = new AbortController().signal): Promise<Json> {
  return api.connectors.hub.call(
    connector,
    { method: 'search', args: [{ base: 'DC=corp,DC=example', filter: '(objectClass=*)' }], application },
    signal,
  );
}

async function failure(work: () => Promise<unknown>): Promise<{ code: string; status: number }> {
  try {
    await work();
  } catch (error) {
    return error as { code: string; status: number };
  }
  throw new Error('expected a failure');
}

async function issue(name = 'head-office'): Promise<string> {
  const created = await admin('POST', '/api/connectors', { name, description: 'next to DC01' });
  expect(created.status).toBe(201);
  return created.body.token as string;
}

describe('connector tokens', () => {
  it('are issued once to an admin, and no list or read shows them again', async () => {
    const created = await admin('POST', '/api/connectors', { name: 'head-office', description: 'next to DC01' });
    expect(created.body).toMatchObject({ name: 'head-office', status: 'never-connected', createdBy: 'token:admin' });
    expect(created.body.token).toMatch(/^ahc_/);
    const listed = await admin('GET', '/api/connectors');
    expect(listed.body).toEqual([expect.objectContaining({ name: 'head-office', lastSeenAt: null })]);
    expect(listed.raw).not.toContain(created.body.token);
    expect((await admin('GET', '/api/connectors/head-office')).raw).not.toContain(created.body.token);
    const twice = await admin('POST', '/api/connectors', { name: 'head-office' });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'AH_CONNECTOR_EXISTS']);
  });

  it('are the only way into the connector routes, and open nothing else', async () => {
    const token = await issue();
    for (const wrong of ['ahc_not-a-token', api.token.admin]) {
      const refused = await asConnector(wrong, '/api/connector/poll', { waitMs: 0 });
      expect([refused.status, refused.body.error.code]).toEqual([401, 'AH_CONNECTOR_UNAUTHENTICATED']);
    }
    const noToken = await api.app.inject({ method: 'POST', url: '/api/connector/poll', payload: {} });
    expect(noToken.statusCode).toBe(401);
    const elsewhere = await api.app.inject({ method: 'GET', url: '/api/connectors', headers: bearer(token) });
    expect(elsewhere.statusCode).toBe(401);
  });

  it('stop working when revoked (a held poll ends), and a new token replaces the old one', async () => {
    const token = await issue();
    const held = asConnector(token, '/api/connector/poll', { waitMs: 20_000 });
    await expect.poll(async () => (await admin('GET', '/api/connectors/head-office')).body.status).toBe('online');
    const revoked = await admin('POST', '/api/connectors/head-office/revoke');
    expect(revoked.body).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
    expect((await held).body).toEqual({ connector: 'head-office', operations: [] });
    expect((await asConnector(token, '/api/connector/poll', { waitMs: 0 })).status).toBe(401);
    expect((await failure(() => relay('head-office'))).code).toBe('AH_CONNECTOR_OFFLINE');

    const reissued = await admin('POST', '/api/connectors/head-office/token');
    expect(reissued.body.status).toBe('offline');
    expect((await asConnector(reissued.body.token, '/api/connector/poll', { waitMs: 0 })).status).toBe(200);
    expect((await asConnector(token, '/api/connector/poll', { waitMs: 0 })).status).toBe(401);
  });
});

describe('relaying ldap operations', () => {
  it('hands an operation to the held poll and answers with the result the connector posts; health shows online', async () => {
    const token = await issue();
    const polled = asConnector(token, '/api/connector/poll', { waitMs: 20_000, version: '1.0.0' });
    await expect.poll(() => api.connectors.hub.presence('head-office').online).toBe(true);
    const answer = relay('head-office');
    const { body } = await polled;
    expect(body.connector).toBe('head-office');
    expect(body.operations).toEqual([
      expect.objectContaining({
        method: 'search',
        args: [{ base: 'DC=corp,DC=example', filter: '(objectClass=*)' }],
        application: expect.objectContaining({ url: 'ldaps://dc.corp.example:636', bindPassword: 'bind-secret' }),
      }),
    ]);
    const entries = [{ dn: 'DC=corp,DC=example', attributes: {} }];
    const posted = await asConnector(token, '/api/connector/results', {
      results: [{ id: body.operations[0].id, ok: true, value: entries }],
    });
    expect(posted.status).toBe(204);
    await expect(answer).resolves.toEqual(entries);

    expect((await admin('GET', '/api/connectors/head-office')).body).toMatchObject({
      status: 'online',
      lastSeenAt: expect.any(String),
      address: '10.9.8.7',
      version: '1.0.0',
    });
  });

  it("passes the directory's refusal on with its code, so the plugin takes its failure path with it", async () => {
    const token = await issue();
    const polled = asConnector(token, '/api/connector/poll', { waitMs: 20_000 });
    await expect.poll(() => api.connectors.hub.presence('head-office').online).toBe(true);
    const answer = failure(() => relay('head-office'));
    const { body } = await polled;
    await asConnector(token, '/api/connector/results', {
      results: [
        {
          id: body.operations[0].id,
          ok: false,
          error: { code: 'AH_LDAP_NO_SUCH_OBJECT', message: 'no such object', status: 404 },
        },
      ],
    });
    expect(await answer).toMatchObject({ code: 'AH_LDAP_NO_SUCH_OBJECT', status: 404 });
  });

  it('ignores a result for an operation another connector was given', async () => {
    const mine = await issue('head-office');
    const theirs = await issue('branch');
    const polled = asConnector(mine, '/api/connector/poll', { waitMs: 20_000 });
    await expect.poll(() => api.connectors.hub.presence('head-office').online).toBe(true);
    const answer = failure(() => relay('head-office'));
    const { body } = await polled;
    await asConnector(theirs, '/api/connector/results', {
      results: [{ id: body.operations[0].id, ok: true, value: 'forged' }],
    });
    // no result from its own connector: the host gives up on it (connector timeout 3 × 1 s + 5 s)
    expect((await answer).code).toBe('AH_CONNECTOR_TIMEOUT');
  }, 20_000);

  it('fails at once with AH_CONNECTOR_OFFLINE for a connector that never connected or said goodbye', async () => {
    const token = await issue();
    expect(await failure(() => relay('head-office'))).toMatchObject({ code: 'AH_CONNECTOR_OFFLINE', status: 503 });
    await asConnector(token, '/api/connector/poll', { waitMs: 0 });
    expect((await admin('GET', '/api/connectors/head-office')).body.status).toBe('online');
    expect((await asConnector(token, '/api/connector/disconnect')).status).toBe(204);
    expect((await admin('GET', '/api/connectors/head-office')).body.status).toBe('offline');
    expect((await failure(() => relay('head-office'))).code).toBe('AH_CONNECTOR_OFFLINE');
    expect((await failure(() => relay('nowhere'))).code).toBe('AH_CONNECTOR_NOT_FOUND');
  });

  it('fails an operation nobody takes with AH_CONNECTOR_OFFLINE instead of waiting for it', async () => {
    const token = await issue();
    await asConnector(token, '/api/connector/poll', { waitMs: 0 }); // seen a moment ago, but holds no poll now
    expect((await failure(() => relay('head-office'))).code).toBe('AH_CONNECTOR_OFFLINE');
  });

  it('an Application may only name a connector that exists', async () => {
    await admin('POST', '/api/credentials', {
      name: 'ad-bind',
      type: 'basic',
      secret: { username: 'u', password: 'p' },
    });
    const body = {
      name: 'Corp AD',
      type: 'microsoft-active-directory',
      url: 'ldaps://dc.corp.example:636',
      bindDn: 'CN=svc,DC=corp,DC=example',
      credential: 'ad-bind',
      baseDn: 'DC=corp,DC=example',
      connector: 'head-office',
    };
    const refused = await admin('POST', '/api/applications', body);
    expect(refused.body.error).toMatchObject({ code: 'AH_CONNECTOR_NOT_FOUND', details: { path: '/connector' } });
    await issue();
    const created = await admin('POST', '/api/applications', body);
    expect(created.body).toMatchObject({ name: 'Corp AD', connector: 'head-office' });
    // Test Connection goes through the connector too: offline, so it says so instead of dialling the directory
    const tested = await admin('POST', '/api/applications/Corp%20AD/test-connection');
    expect(tested.body).toMatchObject({ ok: false, error: { code: 'AH_CONNECTOR_OFFLINE' } });

    // editing an Application: the same check, and the connector can be set or taken away
    const direct = await admin('PUT', '/api/applications/Corp%20AD', { ...body, connector: undefined });
    expect(direct.status).toBe(200);
    expect(direct.body.connector).toBeUndefined();
    const unknown = await admin('PUT', '/api/applications/Corp%20AD', { ...body, connector: 'nowhere' });
    expect(unknown.body.error).toMatchObject({ code: 'AH_CONNECTOR_NOT_FOUND', details: { path: '/connector' } });
    const via = await admin('PUT', '/api/applications/Corp%20AD', body);
    expect(via.body).toMatchObject({ connector: 'head-office' });
  });
});
