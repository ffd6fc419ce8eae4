// The seed's "Usecase: Incident-CI Linking", end to end over HTTP against a running host: the plugin is
// installed with `registry install`, the workflow is published, and changing an incident's category links
// the CI with its IP address (Relations tab) and leaves the plugin execution on the Audit Trail.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packPlugin } from '@actionhost/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  makeDataDir,
  PLUGINS_DIR,
  REGISTRY_CLI,
  runCli,
  startHostProcess,
  type HostProcess,
} from '../support/host-process.ts';

const dataDir = makeDataDir();
let host: HostProcess;

beforeAll(async () => {
  const installed = await runCli(REGISTRY_CLI, ['install', join(PLUGINS_DIR, 'ci-linking'), '--data', dataDir]);
  expect(installed.code, installed.stderr).toBe(0);
  expect(installed.stdout).toContain('@actionhost/ci-linking@1.0.0');
  host = await startHostProcess({ dataDir, seed: false });
}, 120_000);

afterAll(async () => {
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const linkingWorkflow = {
  name: 'Incident-CI Linking',
  module: 'request',
  trigger: { event: 'request.updated', field: 'category' },
  nodes: [
    {
      id: 'link',
      kind: 'action',
      title: 'Execute Plugin',
      description: 'Execute Plugin',
      uses: '@actionhost/ci-linking@^1.0.0',
      source: 'trigger',
      inputs: { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' },
    },
  ],
};

describe('Incident-CI Linking', () => {
  it('links the CI whose IP address the incident carries when its category changes, and audits the plugin execution', async () => {
    const ci = await host.api<{ id: number }>('POST', '/api/cis', {
      name: 'web-01',
      type: 'server',
      ipAddress: '10.20.30.40',
      hostname: 'web-01.corp.local',
    });
    expect(ci.status).toBe(201);
    await host.api('POST', '/api/cis', { name: 'db-01', type: 'server', ipAddress: '10.20.30.41' });
    const incident = await host.api<{ internalId: number; displayId: string }>('POST', '/api/requests', {
      kind: 'incident',
      subject: 'Website is down',
      description: 'HTTP 502 from the load balancer',
      category: 'Network',
      department: 'IT',
      requester: { name: 'Lizi', email: 'lizi@flotomate.local', username: 'lizi' },
      customFields: { ipAddress: '10.20.30.40' },
    });
    expect(incident.status).toBe(201);
    expect(incident.body.displayId).toMatch(/^INC-\d+$/);

    const created = await host.api<{ id: string }>('POST', '/api/workflows', linkingWorkflow);
    expect(created.status).toBe(201);
    const published = await host.api<{
      published: { plugins: Record<string, { name: string; version: string; integrity: string }> };
    }>('POST', `/api/workflows/${created.body.id}/publish`);
    expect(published.status).toBe(200);
    expect(published.body.published.plugins.link).toMatchObject({ name: '@actionhost/ci-linking', version: '1.0.0' });
    expect(published.body.published.plugins.link.integrity).toMatch(/^sha512-/);

    const changed = await host.api('PATCH', `/api/requests/${incident.body.internalId}`, { category: 'Hardware' });
    expect(changed.status).toBe(200);

    const relations = await eventually(
      () => host.api<Array<{ ciId: number }>>('GET', `/api/requests/${incident.body.internalId}/relations`),
      (response) => response.body.length > 0,
    );
    expect(relations.body.map((relation) => relation.ciId)).toEqual([ci.body.id]);

    const audit = await eventually(
      () =>
        host.api<Array<{ kind: string; data: Record<string, unknown> }>>(
          'GET',
          `/api/requests/${incident.body.internalId}/audit`,
        ),
      (response) => response.body.some((entry) => entry.kind === 'plugin.execution'),
    );
    const execution = audit.body.find((entry) => entry.kind === 'plugin.execution')!;
    expect(execution.data).toMatchObject({ plugin: '@actionhost/ci-linking@1.0.0', path: 'success', errorCode: null });
    expect(execution.data.integrity).toBe(published.body.published.plugins.link.integrity);
    expect(audit.body.some((entry) => entry.kind === 'field.changed')).toBe(true);

    const executions = await host.api<Array<{ id: string; status: string }>>(
      'GET',
      `/api/executions?requestId=${incident.body.internalId}`,
    );
    expect(executions.body).toHaveLength(1);
    expect(executions.body[0].status).toBe('succeeded');
  });

  it('does not link twice when the category changes again', async () => {
    const incident = await host.api<{ internalId: number }>('POST', '/api/requests', {
      kind: 'incident',
      subject: 'Mail queue stuck',
      category: 'Software',
      customFields: { ipAddress: '10.20.30.41' },
    });
    await host.api('PATCH', `/api/requests/${incident.body.internalId}`, { category: 'Network' });
    await eventually(
      () => host.api<unknown[]>('GET', `/api/requests/${incident.body.internalId}/relations`),
      (r) => r.body.length === 1,
    );
    await host.api('PATCH', `/api/requests/${incident.body.internalId}`, { category: 'Hardware' });
    await eventually(
      () => host.api<unknown[]>('GET', `/api/executions?requestId=${incident.body.internalId}`),
      (r) => r.body.length === 2,
    );
    await eventually(
      () => host.api<Array<{ status: string }>>('GET', `/api/executions?requestId=${incident.body.internalId}`),
      (r) => r.body.every((execution) => execution.status === 'succeeded'),
    );
    const relations = await host.api<unknown[]>('GET', `/api/requests/${incident.body.internalId}/relations`);
    expect(relations.body).toHaveLength(1);
  });

  it("takes the failure path when no CI carries the incident's IP address, and says why", async () => {
    const incident = await host.api<{ internalId: number }>('POST', '/api/requests', {
      kind: 'incident',
      subject: 'Unknown box',
      category: 'Software',
      customFields: { ipAddress: '192.0.2.99' },
    });
    await host.api('PATCH', `/api/requests/${incident.body.internalId}`, { category: 'Network' });
    const audit = await eventually(
      () =>
        host.api<Array<{ kind: string; data: Record<string, unknown> }>>(
          'GET',
          `/api/requests/${incident.body.internalId}/audit`,
        ),
      (response) => response.body.some((entry) => entry.kind === 'plugin.execution'),
    );
    expect(audit.body.find((entry) => entry.kind === 'plugin.execution')!.data).toMatchObject({ path: 'failure' });
    expect((await host.api<unknown[]>('GET', `/api/requests/${incident.body.internalId}/relations`)).body).toEqual([]);
  });

  it('keeps the pinned version after a newer one is installed, until the workflow is published again', async () => {
    // A 1.1.0 of ci-linking, uploaded over the API like a platform team would.
    const copy = mkdtempSync(join(tmpdir(), 'ci-linking-1.1.0-'));
    try {
      cpSync(join(PLUGINS_DIR, 'ci-linking'), copy, {
        recursive: true,
        filter: (path) => !path.includes('node_modules') && !path.includes('/dist'),
      });
      const manifestPath = join(copy, 'package.json');
      writeFileSync(
        manifestPath,
        JSON.stringify({ ...JSON.parse(readFileSync(manifestPath, 'utf8')), version: '1.1.0' }, null, 2),
      );
      const packed = await packPlugin(copy, { outDir: copy });
      const upload = await fetch(`${host.url}/api/plugins`, {
        method: 'POST',
        headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/gzip' },
        body: readFileSync(packed.file),
      });
      expect(upload.status).toBe(201);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }

    const incident = await host.api<{ internalId: number }>('POST', '/api/requests', {
      kind: 'incident',
      subject: 'Pinned',
      category: 'Software',
      customFields: { ipAddress: '10.20.30.40' },
    });
    await host.api('PATCH', `/api/requests/${incident.body.internalId}`, { category: 'Network' });
    const audit = await eventually(
      () =>
        host.api<Array<{ kind: string; data: { plugin: string } }>>(
          'GET',
          `/api/requests/${incident.body.internalId}/audit`,
        ),
      (response) => response.body.some((entry) => entry.kind === 'plugin.execution'),
    );
    expect(audit.body.find((entry) => entry.kind === 'plugin.execution')!.data.plugin).toBe(
      '@actionhost/ci-linking@1.0.0',
    );

    // The pinned version cannot be removed from under the published workflow.
    const removal = await runCli(REGISTRY_CLI, ['remove', '@actionhost/ci-linking@1.0.0', '--data', dataDir]);
    expect(removal.code).toBe(1);
    expect(removal.stderr).toContain('AH_VERSION_PINNED');

    // Publishing again moves the pin to 1.1.0, and the next run uses it.
    const workflows = await host.api<Array<{ id: string; name: string }>>('GET', '/api/workflows');
    const id = workflows.body.find((workflow) => workflow.name === 'Incident-CI Linking')!.id;
    const republished = await host.api<{ published: { plugins: Record<string, { version: string }> } }>(
      'POST',
      `/api/workflows/${id}/publish`,
    );
    expect(republished.body.published.plugins.link.version).toBe('1.1.0');
    await host.api('PATCH', `/api/requests/${incident.body.internalId}`, { category: 'Hardware' });
    const after = await eventually(
      () =>
        host.api<Array<{ kind: string; data: { plugin: string } }>>(
          'GET',
          `/api/requests/${incident.body.internalId}/audit`,
        ),
      (response) => response.body.filter((entry) => entry.kind === 'plugin.execution').length === 2,
    );
    expect(
      after.body
        .filter((entry) => entry.kind === 'plugin.execution')
        .map((entry) => entry.data.plugin)
        .sort(),
    ).toEqual(['@actionhost/ci-linking@1.0.0', '@actionhost/ci-linking@1.1.0']);
  });
});
