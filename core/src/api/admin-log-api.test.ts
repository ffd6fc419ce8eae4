// The admin action log over HTTP: every change a token makes through any route is recorded once, in one place,
// with who, when, what and a redacted before/after; admins page and filter it and export it as JSON lines; no
// secret a test created ever appears in the log, its export or the database file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { incidentCiLinking } from '../workflow/workflow.fixtures.ts';
import { changeCatalogue } from './admin-actions.ts';
import { callApi, openApi, type Method, type Role, type TestApi } from './api.fixtures.ts';

let api: TestApi;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.close();
});

const call = (role: Role, method: Method, url: string, payload?: unknown) => callApi(api, role, method, url, payload);

const PASSWORD = 'Adm1n-Log-Pa55word-7d1c';
const TOKEN_SECRET = 'tok_live_admin_log_5e4d3c2b1a';
const SEALED_PASSWORD = 'Node-Typed-Passw0rd-8f7e';

describe('admin action log over HTTP', () => {
  it('records who changed a credential, an application, an App Integration and a workflow, with before and after', async () => {
    expect(
      (
        await call('admin', 'POST', '/api/credentials', {
          name: 'ad-bind',
          type: 'basic',
          secret: { username: 'svc', password: PASSWORD },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call('admin', 'POST', '/api/credentials', {
          name: 'crm',
          type: 'bearer',
          secret: { token: TOKEN_SECRET },
        })
      ).status,
    ).toBe(201);
    const application = {
      name: 'AD App',
      type: 'microsoft-active-directory',
      url: 'ldaps://127.0.0.1:1636',
      bindDn: 'svc@corp.example',
      credential: 'ad-bind',
      baseDn: 'DC=corp,DC=example',
    };
    expect((await call('admin', 'POST', '/api/applications', application)).status).toBe(201);
    expect((await call('admin', 'PUT', '/api/applications/AD App', { ...application, timeoutMs: 2000 })).status).toBe(
      200,
    );
    const integration = { name: 'Create AD user', application: 'AD App', action: 'Create New User' };
    expect((await call('admin', 'POST', '/api/app-integrations', integration)).status).toBe(201);
    const created = await call('editor', 'POST', '/api/workflows', incidentCiLinking());
    const id = created.body.id as string;
    const saved = incidentCiLinking({ description: 'now documented' });
    expect((await call('editor', 'PUT', `/api/workflows/${id}`, saved)).status).toBe(200);
    expect((await call('editor', 'POST', `/api/workflows/${id}/publish`)).status).toBe(200);
    expect((await call('admin', 'DELETE', '/api/app-integrations/Create AD user')).status).toBe(204);
    expect((await call('admin', 'DELETE', '/api/credentials/crm')).status).toBe(204);

    const page = await call('admin', 'GET', '/api/admin-log?limit=500');
    expect(page.status).toBe(200);
    const entries = [...page.body.entries].reverse();
    expect(entries.map((e: { action: string }) => e.action)).toEqual([
      'credential.create',
      'credential.create',
      'application.create',
      'application.update',
      'app-integration.create',
      'workflow.create',
      'workflow.save',
      'workflow.publish',
      'app-integration.delete',
      'credential.delete',
    ]);
    const [, , , update, , , save, publish, , deleted] = entries;
    expect(update).toMatchObject({
      actor: { type: 'token', name: 'admin', role: 'admin' },
      target: { type: 'application', id: 'AD App' },
      before: { timeoutMs: 10000 },
      after: { timeoutMs: 2000 },
      origin: { method: 'PUT', route: '/api/applications/:name', status: 200 },
    });
    expect(save).toMatchObject({
      actor: { name: 'editor', role: 'editor' },
      target: { type: 'workflow', id },
      before: { revision: 1 },
      after: { revision: 2, definition: { description: 'now documented' } },
    });
    expect(publish).toMatchObject({ before: { published: null }, after: { published: { version: 1 } } });
    expect(deleted).toMatchObject({ before: { name: 'crm', type: 'bearer' }, after: null });
    expect(Date.parse(deleted.at)).not.toBeNaN();
  });

  it('keeps every secret a test created out of the list, the export and the database file', async () => {
    await call('admin', 'POST', '/api/credentials', {
      name: 'ad-bind',
      type: 'basic',
      secret: { username: 'svc', password: PASSWORD },
    });
    await call('admin', 'POST', '/api/credentials', { name: 'crm', type: 'bearer', secret: { token: TOKEN_SECRET } });
    const workflow = {
      name: 'Webhook with a typed password',
      module: 'request',
      trigger: { event: 'request.created' },
      nodes: [
        {
          id: 'hook',
          kind: 'action',
          title: 'Call',
          uses: '@actionhost/run-webhook@^1',
          inputs: {
            URL: 'http://127.0.0.1:9/x',
            'Credential Type': 'Basic Auth',
            Username: 'u',
            Password: SEALED_PASSWORD,
          },
        },
      ],
    };
    const created = await call('editor', 'POST', '/api/workflows', workflow);
    expect(created.status).toBe(201);
    await call('editor', 'PUT', `/api/workflows/${created.body.id}`, { ...workflow, description: 'again' });
    await call('admin', 'DELETE', '/api/credentials/ad-bind');

    const list = await call('admin', 'GET', '/api/admin-log');
    const exported = await call('admin', 'GET', '/api/admin-log/export');
    api.world.store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    api.services.store?.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const file = [api.world.dir, ...(api.services.store ? [api.services.dir] : [])]
      .map((dir) => readFileSync(join(dir, 'actionhost.db')).toString('latin1'))
      .join('\n');
    const logRows = JSON.stringify((await api.services.db.query('SELECT * FROM admin_actions')).rows);
    expect(list.body.entries).toHaveLength(5);
    for (const secret of [PASSWORD, TOKEN_SECRET, SEALED_PASSWORD]) {
      expect(list.text).not.toContain(secret);
      expect(exported.text).not.toContain(secret);
      expect(logRows).not.toContain(secret);
      expect(file).not.toContain(secret);
    }
    expect(exported.text).toContain('"Password":"[REDACTED]"');
  });

  it('records API tokens created and revoked, never their secret', async () => {
    const created = await call('admin', 'POST', '/api/tokens', { role: 'agent', name: 'service desk bot' });
    expect(created.status).toBe(201);
    const secret = created.body.token as string;
    expect((await call('admin', 'DELETE', `/api/tokens/${created.body.id}`)).status).toBe(204);
    const page = await call('admin', 'GET', '/api/admin-log');
    const [revoked, made] = page.body.entries;
    expect(made).toMatchObject({
      action: 'token.create',
      target: { type: 'token', id: created.body.id },
      before: null,
      after: { name: 'service desk bot', role: 'agent' },
    });
    expect(revoked).toMatchObject({ action: 'token.revoke', before: { name: 'service desk bot' }, after: null });
    expect(page.text).not.toContain(secret);
    expect((await call('admin', 'GET', '/api/admin-log/export')).text).not.toContain(secret);
  });

  it('exports JSON lines oldest first and resumes after the last id read', async () => {
    for (const name of ['one', 'two', 'three'])
      await call('admin', 'POST', '/api/credentials', { name, type: 'bearer', secret: { token: `t-${name}-123456` } });
    const all = await call('admin', 'GET', '/api/admin-log/export');
    expect(all.status).toBe(200);
    expect(all.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = all.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number; target: { id: string } });
    expect(lines.map((line) => line.target.id)).toEqual(['one', 'two', 'three']);
    const rest = await call('admin', 'GET', `/api/admin-log/export?after=${lines[0].id}&action=credential.create`);
    expect(
      rest.text
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { target: { id: string } }).target.id),
    ).toEqual(['two', 'three']);
  });

  it('records nothing for reads, refused changes and failed changes', async () => {
    await call('admin', 'GET', '/api/credentials');
    expect(
      (await call('editor', 'POST', '/api/credentials', { name: 'x', type: 'bearer', secret: { token: 'abcdef' } }))
        .status,
    ).toBe(403);
    expect(
      (
        await call('admin', 'POST', '/api/credentials', {
          name: 'bad name!',
          type: 'bearer',
          secret: { token: 'abcdef' },
        })
      ).status,
    ).toBe(400);
    expect((await call('admin', 'DELETE', '/api/credentials/missing')).status).toBe(404);
    expect((await call('admin', 'GET', '/api/admin-log')).body.entries).toEqual([]);
  });

  it('is readable by admins only', async () => {
    for (const role of ['editor', 'agent'] as const) {
      expect((await call(role, 'GET', '/api/admin-log')).body.error.code).toBe('AH_FORBIDDEN');
      expect((await call(role, 'GET', '/api/admin-log/export')).status).toBe(403);
    }
    expect((await api.app.inject({ method: 'GET', url: '/api/admin-log' })).statusCode).toBe(401);
  });

  it('lists every route that is not a GET, as a change or as not a change', async () => {
    const document = (await call('admin', 'GET', '/api/openapi.json')).body as { paths: Record<string, object> };
    const catalogue = changeCatalogue({
      log: api.adminLog,
      workflows: api.workflows,
      credentials: api.credentials,
      plugins: { get: () => ({}) },
    });
    const routes = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((method) => method !== 'get')
        .map((method) => `${method.toUpperCase()} ${path.replace(/\{([A-Za-z]+)\}/g, ':$1')}`),
    );
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.filter((route) => !(route in catalogue))).toEqual([]);
  });
});
