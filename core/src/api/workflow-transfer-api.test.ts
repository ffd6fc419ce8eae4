// Workflows between environments over HTTP: two hosts (a test and a production environment, each its own store),
// a workflow exported from one as a self-contained document without secrets, and imported into the other only
// when every pinned plugin version, App Integration and credential is there — every problem reported at once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activeDirectory, runWebhook } from '../workflow/workflow.fixtures.ts';
import { callApi, openApi, type Method, type Role, type TestApi } from './api.fixtures.ts';

let test: TestApi;
let production: TestApi;
beforeEach(async () => {
  test = await openApi();
  production = await openApi();
});
afterEach(async () => {
  await test.close();
  await production.close();
});

const call = (target: TestApi, method: Method, url: string, payload?: unknown, role: Role = 'editor') =>
  callApi(target, role, method, url, payload);

const TYPED_PASSWORD = 'Typed-Secret-For-Test-Env-1a2b';

/** A workflow that names a credential (By Credentials), types a password (Basic Auth) and runs an App Integration. */
const onboarding = {
  name: 'On-boarding',
  module: 'request',
  trigger: { event: 'request.created' },
  start: 'notify',
  nodes: [
    {
      id: 'notify',
      kind: 'action',
      title: 'Tell the CRM',
      uses: '@actionhost/run-webhook@^1.0.0',
      inputs: {
        URL: 'https://crm.example/hook',
        'Request Type': 'POST',
        'Credential Type': 'By Credentials',
        Credential: 'crm-token',
      },
      next: { success: 'legacy' },
    },
    {
      id: 'legacy',
      kind: 'action',
      title: 'Tell the old system',
      uses: '@actionhost/run-webhook@^1.0.0',
      inputs: {
        URL: 'https://old.example/hook',
        'Request Type': 'POST',
        'Credential Type': 'Basic Auth',
        Username: 'svc',
        Password: TYPED_PASSWORD,
      },
      next: { success: 'user' },
    },
    {
      id: 'user',
      kind: 'action',
      title: 'Create the AD user',
      appIntegration: 'AD create user',
      inputs: { Username: '#requester.username#' },
    },
  ],
};

/** Credentials, an application and the App Integration the workflow names, in one environment. */
async function prepare(api: TestApi, options: { credentialType?: 'bearer' | 'basic' } = {}) {
  const type = options.credentialType ?? 'bearer';
  const secret = type === 'bearer' ? { token: `tok-${Math.random()}` } : { username: 'u', password: 'crm-basic-pass' };
  expect((await call(api, 'POST', '/api/credentials', { name: 'crm-token', type, secret }, 'admin')).status).toBe(201);
  await call(
    api,
    'POST',
    '/api/credentials',
    { name: 'ad-bind', type: 'basic', secret: { username: 'svc', password: 'bind-pass-123' } },
    'admin',
  );
  const application = {
    name: 'AD App',
    type: 'microsoft-active-directory',
    url: 'ldaps://127.0.0.1:1636',
    bindDn: 'svc@corp.example',
    credential: 'ad-bind',
    baseDn: 'DC=corp,DC=example',
  };
  expect((await call(api, 'POST', '/api/applications', application, 'admin')).status).toBe(201);
  expect(
    (
      await call(
        api,
        'POST',
        '/api/app-integrations',
        { name: 'AD create user', application: 'AD App', action: 'Create New User' },
        'admin',
      )
    ).status,
  ).toBe(201);
}

async function publishedExport() {
  await prepare(test);
  const created = await call(test, 'POST', '/api/workflows', onboarding);
  expect(created.status).toBe(201);
  expect((await call(test, 'POST', `/api/workflows/${created.body.id}/publish`)).status).toBe(200);
  const exported = await call(test, 'GET', `/api/workflows/${created.body.id}/export`);
  expect(exported.status).toBe(200);
  return { id: created.body.id as string, document: exported.body };
}

describe('workflow export', () => {
  it('writes the published version with its pinned versions and integrity, the names it references, and no secret', async () => {
    const { id, document } = await publishedExport();
    expect(document).toMatchObject({
      format: 'actionhost.workflow',
      formatVersion: 1,
      source: { workflowId: id, version: 1 },
      plugins: [
        { node: 'notify', name: '@actionhost/run-webhook', version: '1.0.0', integrity: 'sha512-run-webhook-1.0.0' },
        { node: 'legacy', name: '@actionhost/run-webhook', version: '1.0.0', integrity: 'sha512-run-webhook-1.0.0' },
        { node: 'user', name: '@actionhost/active-directory', version: '1.0.0', appIntegration: 'AD create user' },
      ],
      appIntegrations: [{ name: 'AD create user', plugin: '@actionhost/active-directory', node: 'user' }],
      credentials: [{ name: 'crm-token', type: 'bearer' }],
      secretInputs: [{ node: 'legacy', path: '/nodes/1/inputs/Password' }],
    });
    expect(document.workflow.nodes[1].inputs.Password).toBe('');
    const text = JSON.stringify(document);
    expect(text).not.toContain(TYPED_PASSWORD);
    expect(text).not.toContain('$sealed');
    expect(text).not.toContain('tok-');
  });

  it('offers the document as a file named after the workflow', async () => {
    const { id } = await publishedExport();
    const response = await call(test, 'GET', `/api/workflows/${id}/export`);
    expect(response.headers['content-disposition']).toBe('attachment; filename="On-boarding.workflow.json"');
  });

  it('writes a draft with the versions a publish would pin, and refuses a draft that resolves to none', async () => {
    await prepare(test);
    const created = await call(test, 'POST', '/api/workflows', onboarding);
    test.catalog.install(runWebhook('1.4.0'));
    const draft = await call(test, 'GET', `/api/workflows/${created.body.id}/export?from=draft`);
    expect(draft.body.source.version).toBeNull();
    expect(draft.body.plugins[0]).toMatchObject({ version: '1.4.0', integrity: 'sha512-run-webhook-1.4.0' });
    expect((await call(test, 'GET', `/api/workflows/${created.body.id}/export?from=published`)).body.error.code).toBe(
      'AH_WORKFLOW_EXPORT_UNRESOLVED',
    );
    const broken = await call(test, 'POST', '/api/workflows', {
      ...onboarding,
      name: 'Broken',
      nodes: [{ ...onboarding.nodes[0], uses: '@acme/missing@^1', next: {} }],
    });
    const refused = await call(test, 'GET', `/api/workflows/${broken.body.id}/export`);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('AH_WORKFLOW_EXPORT_UNRESOLVED');
  });
});

describe('workflow import', () => {
  it('reports every missing piece at once and creates nothing', async () => {
    const { document } = await publishedExport();
    // Production lacks the credential and the App Integration; its run-webhook 1.0.0 has other bytes.
    production.catalog.installed.splice(
      production.catalog.installed.findIndex((p) => p.name === '@actionhost/run-webhook'),
      1,
    );
    production.catalog.install({ ...runWebhook('1.0.0'), integrity: 'sha512-tampered' });
    production.catalog.installed.splice(
      production.catalog.installed.findIndex((p) => p.name === '@actionhost/active-directory'),
      1,
    );
    const sameName = { name: 'On-boarding', module: 'request', trigger: { event: 'request.created' }, nodes: [] };
    expect((await call(production, 'POST', '/api/workflows', sameName)).status).toBe(201);

    const refused = await call(production, 'POST', '/api/workflows/import', document);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('AH_WORKFLOW_IMPORT_INVALID');
    const problems = refused.body.error.details.problems as { code: string; node: string | null }[];
    expect(problems.map((p) => `${p.code} ${p.node ?? ''}`.trim()).sort()).toEqual([
      'AH_IMPORT_APP_INTEGRATION_MISSING user',
      'AH_IMPORT_CREDENTIAL_MISSING',
      'AH_IMPORT_PLUGIN_INTEGRITY legacy',
      'AH_IMPORT_PLUGIN_INTEGRITY notify',
      'AH_IMPORT_PLUGIN_MISSING user',
      'AH_WORKFLOW_NAME_TAKEN',
    ]);
    expect((await call(production, 'GET', '/api/workflows')).body).toHaveLength(1);
  });

  it('names a credential of another type', async () => {
    const { document } = await publishedExport();
    await prepare(production, { credentialType: 'basic' });
    const refused = await call(production, 'POST', '/api/workflows/import', document);
    expect(refused.body.error.details.problems).toEqual([
      expect.objectContaining({ code: 'AH_IMPORT_CREDENTIAL_TYPE' }),
    ]);
  });

  it('creates a draft (never published) when everything is there, with warnings for secrets to enter again', async () => {
    const { document } = await publishedExport();
    await prepare(production);
    const dry = await call(production, 'POST', '/api/workflows/import?dryRun=true', document);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ workflowId: null, dryRun: true });
    expect((await call(production, 'GET', '/api/workflows')).body).toEqual([]);

    const imported = await call(production, 'POST', '/api/workflows/import', document);
    expect(imported.status).toBe(201);
    expect(imported.body.warnings).toEqual([
      expect.objectContaining({ code: 'AH_IMPORT_SECRET_INPUT', node: 'legacy' }),
    ]);
    const workflow = await call(production, 'GET', `/api/workflows/${imported.body.workflowId}`);
    expect(workflow.body).toMatchObject({ name: 'On-boarding', published: null, revision: 1 });
    expect(workflow.body.definition.nodes[0].inputs.Credential).toBe('crm-token');
    const log = await call(production, 'GET', '/api/admin-log?action=workflow.import', undefined, 'admin');
    expect(log.body.entries).toEqual([
      expect.objectContaining({
        action: 'workflow.import',
        target: { type: 'workflow', id: imported.body.workflowId },
      }),
    ]);
  });

  it('warns when publishing here would pin a higher version than was exported', async () => {
    const { document } = await publishedExport();
    await prepare(production);
    production.catalog.install(runWebhook('1.3.0'));
    const imported = await call(production, 'POST', '/api/workflows/import', document);
    expect(imported.status).toBe(201);
    expect(
      imported.body.warnings
        .filter((w: { code: string }) => w.code === 'AH_IMPORT_PIN_DIFFERS')
        .map((w: { node: string }) => w.node),
    ).toEqual(['notify', 'legacy']);
  });

  it('replaces only the draft of a published workflow when asked to, leaving the published version running', async () => {
    const { document } = await publishedExport();
    await prepare(production);
    const first = await call(production, 'POST', '/api/workflows/import', document);
    const id = first.body.workflowId as string;
    await call(production, 'PUT', `/api/workflows/${id}`, {
      ...document.workflow,
      nodes: document.workflow.nodes.map((n: { id: string; inputs: object }) =>
        n.id === 'legacy' ? { ...n, inputs: { ...n.inputs, Password: 'prod-pass' } } : n,
      ),
    });
    const published = await call(production, 'POST', `/api/workflows/${id}/publish`);
    expect(published.status).toBe(200);

    const again = await call(production, 'POST', '/api/workflows/import', {
      ...document,
      workflow: { ...document.workflow, description: 'v2' },
    });
    expect(again.body.error.details.problems).toEqual([expect.objectContaining({ code: 'AH_WORKFLOW_NAME_TAKEN' })]);
    const replaced = await call(production, 'POST', `/api/workflows/import?replace=${id}`, {
      ...document,
      workflow: { ...document.workflow, description: 'v2' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ workflowId: id, replaced: true });
    const after = await call(production, 'GET', `/api/workflows/${id}`);
    expect(after.body.definition.description).toBe('v2');
    expect(after.body.published).toEqual(published.body.published);
  });

  it('refuses a document of a newer format by name, and a malformed one with its path', async () => {
    const { document } = await publishedExport();
    const newer = await call(production, 'POST', '/api/workflows/import', {
      ...document,
      formatVersion: 2,
      extra: true,
    });
    expect(newer.body.error.code).toBe('AH_WORKFLOW_EXPORT_FORMAT');
    const malformed = await call(production, 'POST', '/api/workflows/import', { ...document, plugins: 'none' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: 'AH_VALIDATION_FAILED', details: { path: '/plugins' } });
  });

  it('imports a workflow whose App Integration runs another plugin here only after that is fixed', async () => {
    const { document } = await publishedExport();
    await prepare(production);
    production.catalog.install({ ...activeDirectory('1.0.0'), name: '@acme/directory' });
    await call(
      production,
      'PUT',
      '/api/app-integrations/AD create user',
      { name: 'AD create user', application: 'AD App', action: 'Create New User', plugin: '@acme/directory@^1' },
      'admin',
    );
    const refused = await call(production, 'POST', '/api/workflows/import', document);
    expect(refused.body.error.details.problems).toEqual([
      expect.objectContaining({ code: 'AH_IMPORT_APP_INTEGRATION_MISMATCH', node: 'user' }),
    ]);
  });
});
