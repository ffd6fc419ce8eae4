// The admin action log against a running host: changes made over HTTP (credentials, an application, an App
// Integration, a workflow with a typed password, a plugin upload) are recorded with who and when, readable at
// /api/admin-log, exported as JSON lines by `actionhost admin-log export` while the host runs — and no secret
// the test created appears in the API's answers, the export file, the database files or the host's output.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packPlugin } from '@actionhost/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIONHOST_CLI,
  makeDataDir,
  PLUGINS_DIR,
  runCli,
  startHostProcess,
  type HostProcess,
} from '../support/host-process.ts';

const dataDir = makeDataDir();
let host: HostProcess;

const SECRETS = {
  bindPassword: 'E2e-Bind-Passw0rd-c41f7a',
  bearer: 'tok_e2e_admin_log_9b8a7c6d5e',
  apiKey: 'key-e2e-admin-log-3f2e1d',
  typedPassword: 'Typed-In-Node-Pa55-77aa',
};

beforeAll(async () => {
  host = await startHostProcess({ dataDir, seed: false });
}, 120_000);

afterAll(async () => {
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function uploadPluginCopy(version: string): Promise<number> {
  const copy = mkdtempSync(join(tmpdir(), `ci-linking-${version}-`));
  try {
    cpSync(join(PLUGINS_DIR, 'ci-linking'), copy, {
      recursive: true,
      filter: (path) => !path.includes('node_modules') && !path.includes('/dist'),
    });
    const manifest = join(copy, 'package.json');
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), version }, null, 2));
    const packed = await packPlugin(copy, { outDir: copy });
    const upload = await fetch(`${host.url}/api/plugins`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/gzip' },
      body: readFileSync(packed.file),
    });
    return upload.status;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Every byte of every file in the data folder (databases, their write-ahead logs, plugins). */
function dataFolderText(): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else texts.push(readFileSync(path).toString('latin1'));
    }
  };
  walk(dataDir);
  return texts.join('\n');
}

describe('admin action log of a running host', () => {
  it('records every change with who and when, exports it as JSON lines, and never holds a secret', async () => {
    const credentials = [
      { name: 'ad-bind', type: 'basic', secret: { username: 'svc-actionhost', password: SECRETS.bindPassword } },
      { name: 'crm-token', type: 'bearer', secret: { token: SECRETS.bearer } },
      { name: 'crm-key', type: 'api-key', secret: { header: 'X-Api-Key', value: SECRETS.apiKey } },
    ];
    for (const credential of credentials)
      expect((await host.api('POST', '/api/credentials', credential)).status).toBe(201);
    expect(
      (
        await host.api('POST', '/api/applications', {
          name: 'AD App',
          type: 'microsoft-active-directory',
          url: 'ldaps://127.0.0.1:1636',
          bindDn: 'svc-actionhost@corp.example',
          credential: 'ad-bind',
          baseDn: 'DC=corp,DC=example',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await host.api('POST', '/api/app-integrations', {
          name: 'New AD user',
          application: 'AD App',
          action: 'Create New User',
        })
      ).status,
    ).toBe(201);
    const workflow = {
      name: 'Notify the CRM',
      module: 'request',
      trigger: { event: 'request.created' },
      nodes: [
        {
          id: 'notify',
          kind: 'action',
          title: 'Run Webhook',
          uses: '@actionhost/run-webhook@^1',
          inputs: {
            URL: 'http://127.0.0.1:9/hook',
            'Request Type': 'POST',
            'Credential Type': 'Basic Auth',
            Username: 'crm',
            Password: SECRETS.typedPassword,
          },
        },
      ],
    };
    const created = await host.api<{ id: string }>('POST', '/api/workflows', workflow);
    expect(created.status).toBe(201);
    expect((await host.api('POST', `/api/workflows/${created.body.id}/publish`)).status).toBe(200);
    expect(await uploadPluginCopy('1.2.0')).toBe(201);
    expect((await host.api('DELETE', '/api/credentials/crm-key')).status).toBe(204);

    const page = await host.api<{ entries: { action: string; actor: { name: string }; target: { id: string } }[] }>(
      'GET',
      '/api/admin-log?limit=100',
    );
    expect(page.body.entries.map((entry) => entry.action).reverse()).toEqual([
      'credential.create',
      'credential.create',
      'credential.create',
      'application.create',
      'app-integration.create',
      'workflow.create',
      'workflow.publish',
      'plugin.install',
      'credential.delete',
    ]);
    expect(page.body.entries.every((entry) => entry.actor.name === 'admin (ACTIONHOST_ADMIN_TOKEN)')).toBe(true);
    expect(page.body.entries.find((entry) => entry.action === 'plugin.install')!.target.id).toBe(
      '@actionhost/ci-linking@1.2.0',
    );

    const out = join(dataDir, '..', `admin-log-${process.pid}.jsonl`);
    try {
      const exported = await runCli(ACTIONHOST_CLI, ['admin-log', 'export', '--data', dataDir, '--out', out]);
      expect(exported.code, exported.stderr).toBe(0);
      const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
      expect(lines).toHaveLength(9);
      const entries = lines.map((line) => JSON.parse(line) as { id: number; at: string; action: string });
      expect(entries.map((entry) => entry.action)).toEqual(page.body.entries.map((entry) => entry.action).reverse());
      const resumed = await runCli(ACTIONHOST_CLI, [
        'audit-log',
        'export',
        '--data',
        dataDir,
        '--after',
        String(entries[7].id),
      ]);
      expect(
        resumed.stdout
          .trimEnd()
          .split('\n')
          .map((line) => (JSON.parse(line) as { action: string }).action),
      ).toEqual(['credential.delete']);
      const listed = await runCli(ACTIONHOST_CLI, ['admin-log', 'list', '--data', dataDir, '--action', 'workflow.']);
      expect(listed.stdout).toContain('workflow.publish');
      expect(listed.stdout).not.toContain('credential.create');

      const exportText = readFileSync(out, 'utf8');
      const apiText =
        JSON.stringify(page.body) +
        (await (
          await fetch(`${host.url}/api/admin-log/export`, { headers: { authorization: `Bearer ${host.token}` } })
        ).text());
      const files = dataFolderText();
      for (const secret of Object.values(SECRETS)) {
        expect(exportText).not.toContain(secret);
        expect(apiText).not.toContain(secret);
        expect(files).not.toContain(secret);
        expect(host.output()).not.toContain(secret);
      }
    } finally {
      rmSync(out, { force: true });
    }
  });
});
