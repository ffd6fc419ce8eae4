// A workflow moved from a test environment to production, as an operator does it: two hosts running on their own
// data folders; the workflow (pinning a plugin version only the test host has, naming a credential, with a typed-in
// password) is exported over HTTP into a file and by `actionhost workflows export`; `actionhost workflows import`
// into production first reports every missing piece at once and creates nothing, then — once the plugin package
// and the credential are there — creates a draft that publishes with the very same pinned integrity.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packPlugin } from '@actionhost/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIONHOST_CLI,
  PLUGINS_DIR,
  REGISTRY_CLI,
  makeDataDir,
  runCli,
  startHostProcess,
  type HostProcess,
} from '../support/host-process.ts';

const work = mkdtempSync(join(tmpdir(), 'actionhost-transfer-'));
const testData = makeDataDir();
const productionData = makeDataDir();
let testHost: HostProcess;
let production: HostProcess;
let tarball: string;

const TYPED_PASSWORD = 'Test-Env-Typed-Pa55-0c9d';
const CRM_TOKEN = 'tok_test_env_crm_8e7f6a5b';

beforeAll(async () => {
  // ci-linking 1.3.0, packed once: installed on the test host only.
  const copy = join(work, 'ci-linking');
  cpSync(join(PLUGINS_DIR, 'ci-linking'), copy, {
    recursive: true,
    filter: (path) => !path.includes('node_modules') && !path.includes('/dist'),
  });
  const manifest = join(copy, 'package.json');
  writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), version: '1.3.0' }, null, 2));
  tarball = (await packPlugin(copy, { outDir: work })).file;
  const installed = await runCli(REGISTRY_CLI, ['install', tarball, '--data', testData]);
  expect(installed.code, installed.stderr).toBe(0);
  [testHost, production] = await Promise.all([
    startHostProcess({ dataDir: testData, seed: false }),
    startHostProcess({ dataDir: productionData, seed: false }),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([testHost?.stop(), production?.stop()]);
  for (const dir of [testData, productionData, work]) rmSync(dir, { recursive: true, force: true });
});

const workflow = {
  name: 'Link and notify',
  module: 'request',
  trigger: { event: 'request.updated', field: 'category' },
  start: 'link',
  nodes: [
    {
      id: 'link',
      kind: 'action',
      title: 'Link the CI',
      uses: '@actionhost/ci-linking@^1.0.0',
      inputs: { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' },
      next: { success: 'notify' },
    },
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
      next: { failure: 'fallback' },
    },
    {
      id: 'fallback',
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
    },
  ],
};

describe('moving a workflow from a test host to production', () => {
  it('exports it without secrets and imports it as a draft once production has every piece', async () => {
    expect(
      (
        await testHost.api('POST', '/api/credentials', {
          name: 'crm-token',
          type: 'bearer',
          secret: { token: CRM_TOKEN },
        })
      ).status,
    ).toBe(201);
    const created = await testHost.api<{ id: string }>('POST', '/api/workflows', workflow);
    expect(created.status).toBe(201);
    const published = await testHost.api<{
      published: { plugins: Record<string, { version: string; integrity: string }> };
    }>('POST', `/api/workflows/${created.body.id}/publish`);
    expect(published.body.published.plugins.link.version).toBe('1.3.0');

    const overHttp = await fetch(`${testHost.url}/api/workflows/${created.body.id}/export`, {
      headers: { authorization: `Bearer ${testHost.token}` },
    });
    expect(overHttp.headers.get('content-disposition')).toContain('Link-and-notify.workflow.json');
    const file = join(work, 'link-and-notify.workflow.json');
    writeFileSync(file, await overHttp.text());
    const byCli = await runCli(ACTIONHOST_CLI, ['workflows', 'export', created.body.id, '--data', testData]);
    expect(byCli.code, byCli.stderr).toBe(0);
    const { exportedAt: _a, ...fromCli } = JSON.parse(byCli.stdout) as Record<string, unknown>;
    const { exportedAt: _b, ...fromHttp } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(fromCli).toEqual(fromHttp);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(TYPED_PASSWORD);
    expect(text).not.toContain(CRM_TOKEN);
    expect(JSON.parse(text)).toMatchObject({
      plugins: [
        {
          node: 'link',
          name: '@actionhost/ci-linking',
          version: '1.3.0',
          integrity: published.body.published.plugins.link.integrity,
        },
        { node: 'notify', name: '@actionhost/run-webhook' },
        { node: 'fallback', name: '@actionhost/run-webhook' },
      ],
      credentials: [{ name: 'crm-token', type: 'bearer' }],
      secretInputs: [{ node: 'fallback', path: '/nodes/2/inputs/Password' }],
    });

    // Production has neither ci-linking 1.3.0 nor the credential: both reported, nothing created.
    const refused = await runCli(ACTIONHOST_CLI, ['workflows', 'import', file, '--data', productionData, '--json']);
    expect(refused.code).toBe(1);
    const error = (JSON.parse(refused.stdout) as { error: { code: string; details: { problems: { code: string }[] } } })
      .error;
    expect(error.code).toBe('AH_WORKFLOW_IMPORT_INVALID');
    expect(error.details.problems.map((problem) => problem.code).sort()).toEqual([
      'AH_IMPORT_CREDENTIAL_MISSING',
      'AH_IMPORT_PLUGIN_MISSING',
    ]);
    expect((await production.api<unknown[]>('GET', '/api/workflows')).body).toEqual([]);

    const installed = await runCli(REGISTRY_CLI, ['install', tarball, '--data', productionData]);
    expect(installed.code, installed.stderr).toBe(0);
    await production.api('POST', '/api/credentials', {
      name: 'crm-token',
      type: 'bearer',
      secret: { token: 'tok_prod_1234' },
    });
    const imported = await runCli(ACTIONHOST_CLI, ['workflows', 'import', file, '--data', productionData]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain('AH_IMPORT_SECRET_INPUT');
    const id = /^(wf_\S+)\s+draft created/.exec(imported.stdout)?.[1];
    expect(id).toBeDefined();

    const draft = await production.api<{
      name: string;
      published: unknown;
      definition: { nodes: { inputs: Record<string, unknown> }[] };
    }>('GET', `/api/workflows/${id}`);
    expect(draft.body).toMatchObject({ name: 'Link and notify', published: null });
    const nodes = draft.body.definition.nodes;
    await production.api('PUT', `/api/workflows/${id}`, {
      ...workflow,
      nodes: workflow.nodes.map((node) =>
        node.id === 'fallback' ? { ...node, inputs: { ...node.inputs, Password: 'prod-pass' } } : node,
      ),
    });
    expect(nodes[1].inputs.Credential).toBe('crm-token');
    const productionPublished = await production.api<{
      published: { plugins: Record<string, { version: string; integrity: string }> };
    }>('POST', `/api/workflows/${id}/publish`);
    expect(productionPublished.body.published.plugins.link).toEqual(
      expect.objectContaining(published.body.published.plugins.link),
    );
    const log = await production.api<{ entries: { action: string; actor: { type: string } }[] }>(
      'GET',
      '/api/admin-log?action=workflow.',
    );
    expect(log.body.entries.map((entry) => `${entry.action} ${entry.actor.type}`)).toEqual([
      'workflow.publish token',
      'workflow.save token',
      'workflow.import cli',
    ]);
  }, 180_000);
});
