// Tokens per role: an admin hands out agent and editor tokens through /api/tokens; the secret is shown once and
// stored as a hash; revoked and expired tokens stop working; the last working admin token cannot be revoked.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../store/database.fixtures.ts';
import { ApiTokens } from './auth.ts';
import { bearer, callApi, openApi, type Method, type TestApi } from './api.fixtures.ts';

let api: TestApi;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.close();
});

const call = (method: Method, url: string, token: string, payload?: unknown) =>
  callApi(api, bearer(token), method, url, payload);

describe('/api/tokens', () => {
  it('gives an agent a token that reaches requests but not workflows or tokens, and shows its secret only once', async () => {
    const created = await call('POST', '/api/tokens', api.token.admin, { name: 'desk agent Ada', role: 'agent' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'desk agent Ada', role: 'agent', expiresAt: null });
    const secret = created.body!.token as string;
    expect(secret).toMatch(/^ah_/);

    expect((await call('GET', '/api/requests', secret)).status).toBe(200);
    expect((await call('GET', '/api/workflows', secret)).body).toMatchObject({ error: { code: 'AH_FORBIDDEN' } });
    expect((await call('GET', '/api/tokens', secret)).status).toBe(403);

    const listed = await api.app.inject({ method: 'GET', url: '/api/tokens', headers: bearer(api.token.admin) });
    expect(listed.json()).toContainEqual(
      expect.objectContaining({ id: created.body!.id, name: 'desk agent Ada', role: 'agent' }),
    );
    expect(listed.body).not.toContain(secret);
    expect(listed.body).not.toContain('"token"');
    expect(JSON.stringify((await api.services.db.query('SELECT * FROM api_tokens')).rows)).not.toContain(secret);
  });

  it('revokes a token at once; revoking it again is AH_TOKEN_NOT_FOUND', async () => {
    const { body } = await call('POST', '/api/tokens', api.token.admin, { name: 'automation', role: 'editor' });
    const secret = body!.token as string;
    expect((await call('GET', '/api/workflows', secret)).status).toBe(200);
    expect((await call('DELETE', `/api/tokens/${body!.id as string}`, api.token.admin)).status).toBe(204);
    expect((await call('GET', '/api/workflows', secret)).body).toMatchObject({ error: { code: 'AH_UNAUTHENTICATED' } });
    const again = await call('DELETE', `/api/tokens/${body!.id as string}`, api.token.admin);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ error: { code: 'AH_TOKEN_NOT_FOUND' } });
  });

  it('refuses to revoke the last admin token that works (409), and allows it once another admin exists', async () => {
    const me = (await api.tokens.verify(api.token.admin))!;
    const refused = await call('DELETE', `/api/tokens/${me.id}`, api.token.admin);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'AH_LAST_ADMIN_TOKEN' } });
    const other = await call('POST', '/api/tokens', api.token.admin, { name: 'second admin', role: 'admin' });
    expect((await call('DELETE', `/api/tokens/${me.id}`, other.body!.token as string)).status).toBe(204);
    expect((await call('GET', '/api/tokens', api.token.admin)).status).toBe(401);
  });

  it('refuses an unknown role, a missing name and an expiry in the past with AH_VALIDATION_FAILED', async () => {
    for (const payload of [
      { name: 'x', role: 'root' },
      { role: 'agent' },
      { name: 'x', role: 'agent', expiresAt: '2001-01-01T00:00:00Z' },
    ]) {
      const response = await call('POST', '/api/tokens', api.token.admin, payload);
      expect(response.status, JSON.stringify(payload)).toBe(400);
      expect(response.body).toMatchObject({ error: { code: 'AH_VALIDATION_FAILED' } });
    }
  });
});

describe.each(BACKENDS)('ApiTokens on %s', (backend) => {
  let test: TestDatabase;
  beforeEach(async () => {
    test = await openTestDatabase(backend);
  });
  afterEach(async () => {
    await test.close();
  });

  it('stops accepting a token when it expires', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const tokens = await ApiTokens.open(test.db, { now: () => now });
    const { token } = await tokens.createToken('agent', 'temp', { expiresAt: '2030-01-02T00:00:00Z' });
    expect(await tokens.verify(token)).toMatchObject({ role: 'agent', expiresAt: '2030-01-02T00:00:00.000Z' });
    now = new Date('2030-01-02T00:00:01Z');
    expect(await tokens.verify(token)).toBeNull();
  });

  it('registers ACTIONHOST_ADMIN_TOKEN as the first admin of an empty data folder, and a restart with it changes nothing', async () => {
    const tokens = await ApiTokens.open(test.db);
    const preset = 'preset-admin-token-0123456789';
    expect(await tokens.bootstrapAdmin(preset)).toEqual({ token: null, created: true, presetIgnored: false });
    expect(await tokens.bootstrapAdmin(preset)).toEqual({ token: null, created: false, presetIgnored: false });
    expect(await tokens.list()).toEqual([expect.objectContaining({ role: 'admin' })]);
    expect((await tokens.verify(preset))?.role).toBe('admin');
  });

  it('makes a first admin token, shown once, when an empty data folder has no ACTIONHOST_ADMIN_TOKEN', async () => {
    const tokens = await ApiTokens.open(test.db);
    const first = await tokens.bootstrapAdmin();
    expect(first.created).toBe(true);
    expect((await tokens.verify(first.token!))?.role).toBe('admin');
    expect(await tokens.bootstrapAdmin()).toEqual({ token: null, created: false, presetIgnored: false });
  });

  it('makes one first admin when hosts start together on one store', async () => {
    const tokens = await ApiTokens.open(test.db);
    const starts = await Promise.all([tokens.bootstrapAdmin(), tokens.bootstrapAdmin(), tokens.bootstrapAdmin()]);
    expect(starts.filter((start) => start.created)).toHaveLength(1);
    expect(await tokens.list()).toHaveLength(1);
  });

  it('lists tokens oldest first, in the order made within one millisecond', async () => {
    const tokens = await ApiTokens.open(test.db, { now: () => new Date('2030-01-01T00:00:00Z') });
    for (const name of ['c', 'a', 'b', 'd']) await tokens.createToken('agent', name);
    expect((await tokens.list()).map((token) => token.name)).toEqual(['c', 'a', 'b', 'd']);
  });
});
