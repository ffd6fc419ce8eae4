// Run Webhook in a published workflow against a real HTTP server: an If Else node, both output paths
// (2xx → success branch, 500 → failure branch), and a By Credentials credential whose secret reaches the
// target but never any API response, execution record, audit entry, log line or the data folder's files. The host
// runs as `npm start` runs it (core/dist/host.js and core/dist/sandbox-worker.js, built by prepare).
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpTarget, type HttpTarget } from '../support/http-target.ts';
import { eventually, makeDataDir, startHostProcess, type HostProcess } from '../support/host-process.ts';

const SECRET = `crm-secret-${Math.random().toString(36).slice(2)}-token`;
const TYPED_PASSWORD = `typed-pw-${Math.random().toString(36).slice(2)}`;
const TYPED_API_KEY = `typed-key-${Math.random().toString(36).slice(2)}`;
const dataDir = makeDataDir();
let host: HostProcess;
let target: HttpTarget;
const seen: string[] = [];

beforeAll(async () => {
  target = await startHttpTarget();
  // As `npm start` runs it: the host's and the workers' bundles, which every other test leaves to this one.
  host = await startHostProcess({ dataDir, allowPrivate: '127.0.0.1', seed: false, launcher: 'bin' });
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await target?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The command lines of the host's child processes: its sandbox workers. */
function workerCommands(pid: number): string[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return children.map((child) => readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').join(' '));
}

function record<T>(response: { status: number; body: T }): { status: number; body: T } {
  seen.push(JSON.stringify(response.body));
  return response;
}

function webhook(id: string, url: string, extra: Record<string, unknown> = {}, next: Record<string, string> = {}) {
  return {
    id,
    kind: 'action',
    title: `Run Webhook ${id}`,
    uses: '@actionhost/run-webhook@^1.0.0',
    source: 'trigger',
    inputs: { URL: url, ...extra },
    next,
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('Run Webhook in a workflow', () => {
  it('takes the success branch on 2xx and the failure branch on 500, attaching the stored credential', async () => {
    expect(
      record(
        await host.api('POST', '/api/credentials', {
          name: 'crm-token',
          type: 'bearer',
          secret: { token: SECRET },
          binding: { urls: [`${target.origin}/status/`], plugins: ['@actionhost/run-webhook'] },
        }),
      ).status,
    ).toBe(201);
    const workflow = {
      name: 'Notify CRM of outages',
      module: 'request',
      trigger: { event: 'request.created' },
      start: 'isOutage',
      nodes: [
        {
          id: 'isOutage',
          kind: 'condition',
          title: 'If Else',
          match: 'all',
          rules: [{ field: 'subject', operator: 'contains', value: 'outage' }],
          next: { true: 'notify' },
        },
        webhook(
          'notify',
          `${target.origin}/status/#customFields.answer#`,
          {
            'Request Type': 'POST',
            'Request JSON': { incident: '#displayId#', subject: '#subject#', requester: '#requester.email#' },
            'Credential Type': 'By Credentials',
            Credential: 'crm-token',
          },
          { success: 'onSuccess', failure: 'onFailure' },
        ),
        webhook('onSuccess', `${target.origin}/marker/success?request=#internalId#`),
        webhook('onFailure', `${target.origin}/marker/failure?request=#internalId#`),
      ],
    };
    const created = record(await host.api<{ id: string }>('POST', '/api/workflows', workflow));
    expect(created.status).toBe(201);
    expect(record(await host.api('POST', `/api/workflows/${created.body.id}/publish`)).status).toBe(200);

    const raise = async (subject: string, answer: string) =>
      record(
        await host.api<{ internalId: number }>('POST', '/api/requests', {
          kind: 'incident',
          subject,
          requester: { name: 'Lizi', email: 'lizi@flotomate.local', username: 'lizi' },
          customFields: { answer },
        }),
      ).body.internalId;
    const ok = await raise('Mail outage "quoted", "admin": true', '200');
    const broken = await raise('Printer outage', '500');
    const ignored = await raise('Password reset', '200');

    await eventually(
      async () => target.requestsTo('/marker/success').length + target.requestsTo('/marker/failure').length,
      (n) => n >= 2,
    );
    expect(target.requestsTo('/marker/success').map((r) => r.path)).toEqual([`/marker/success?request=${ok}`]);
    expect(target.requestsTo('/marker/failure').map((r) => r.path)).toEqual([`/marker/failure?request=${broken}`]);

    const posted = target.requestsTo('/status/200');
    expect(posted).toHaveLength(1);
    expect(posted[0].headers.authorization).toBe(`Bearer ${SECRET}`);
    // The JSON body is built as data: the quotes in the subject stay inside its string.
    expect(JSON.parse(posted[0].body)).toEqual({
      incident: expect.stringMatching(/^INC-/),
      subject: 'Mail outage "quoted", "admin": true',
      requester: 'lizi@flotomate.local',
    });
    expect(target.requestsTo('/status/500')).toHaveLength(1);

    for (const id of [ok, broken]) {
      const executions = record(
        await eventually(
          () => host.api<Array<{ id: string; status: string }>>('GET', `/api/executions?requestId=${id}`),
          (r) => r.body.length === 1 && r.body[0].status !== 'running' && r.body[0].status !== 'queued',
        ),
      );
      const execution = record(
        await host.api<{ steps: Array<{ nodeId: string; path: string | null }> }>(
          'GET',
          `/api/executions/${executions.body[0].id}`,
        ),
      );
      const paths = Object.fromEntries(execution.body.steps.map((step) => [step.nodeId, step.path]));
      expect(paths.notify).toBe(id === ok ? 'success' : 'failure');
      record(await host.api('GET', `/api/requests/${id}/audit`));
    }
    // The If Else node said false for the third request: its execution ran no action.
    const skipped = await eventually(
      () => host.api<Array<{ id: string; status: string }>>('GET', `/api/executions?requestId=${ignored}`),
      (r) => r.body.length === 1 && r.body[0].status === 'succeeded',
    );
    const skippedSteps = (
      await host.api<{ steps: Array<{ nodeId: string; path: string | null }> }>(
        'GET',
        `/api/executions/${skipped.body[0].id}`,
      )
    ).body.steps;
    expect(skippedSteps.map((step) => [step.nodeId, step.path])).toEqual([['isOutage', 'false']]);
    expect(target.requests.filter((r) => r.path.includes(`request=${ignored}`))).toEqual([]);
    record(await host.api('GET', '/api/credentials'));
    // The plugins ran in the worker's bundle, as under npm start (after editing a source: npm run prepare).
    expect(workerCommands(host.child.pid!)).toEqual([expect.stringContaining('core/dist/sandbox-worker.js')]);
  });

  it('seals a Basic Auth password and an API key typed into the Input Mappings, and still sends them', async () => {
    const workflow = {
      name: 'Basic Auth with typed secrets',
      module: 'request',
      trigger: { event: 'request.created', kind: 'service-request' },
      nodes: [
        webhook('typed', `${target.origin}/echo`, {
          'Request Type': 'POST',
          'Request JSON': { id: '#internalId#' },
          Headers: { 'X-Api-Key': TYPED_API_KEY },
          'Credential Type': 'Basic Auth',
          Username: 'svc-desk',
          Password: TYPED_PASSWORD,
        }),
      ],
    };
    const created = record(
      await host.api<{ id: string; definition: { nodes: Array<{ inputs: Record<string, unknown> }> } }>(
        'POST',
        '/api/workflows',
        workflow,
      ),
    );
    expect(created.status).toBe(201);
    expect(created.body.definition.nodes[0].inputs.Password).toEqual({ $sealed: expect.stringMatching(/^v1\./) });
    expect(record(await host.api('POST', `/api/workflows/${created.body.id}/publish`)).status).toBe(200);
    record(await host.api('GET', `/api/workflows/${created.body.id}`));

    const id = record(
      await host.api<{ internalId: number }>('POST', '/api/requests', {
        kind: 'service-request',
        subject: 'Typed secrets',
      }),
    ).body.internalId;
    const echoed = await eventually(
      async () => target.requestsTo('/echo').filter((r) => r.body.includes(`"id":${id}`)),
      (list) => list.length === 1,
    );
    expect(echoed[0].headers.authorization).toBe(
      `Basic ${Buffer.from(`svc-desk:${TYPED_PASSWORD}`).toString('base64')}`,
    );
    expect(echoed[0].headers['x-api-key']).toBe(TYPED_API_KEY);
    const executions = record(
      await eventually(
        () =>
          host.api<Array<{ id: string; status: string }>>(
            'GET',
            `/api/executions?requestId=${id}&workflowId=${created.body.id}`,
          ),
        (r) => r.body.length === 1 && r.body[0].status === 'succeeded',
      ),
    );
    record(await host.api('GET', `/api/executions/${executions.body[0].id}`));
    record(await host.api('GET', `/api/requests/${id}/audit`));
  });

  it('never shows a credential secret or a typed secret in API responses, logs or the data folder', async () => {
    expect(seen.length).toBeGreaterThan(5);
    for (const secret of [SECRET, TYPED_PASSWORD, TYPED_API_KEY]) {
      for (const body of seen) expect(body).not.toContain(secret);
      expect(host.output()).not.toContain(secret);
    }
    await host.stop();
    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file);
      for (const secret of [SECRET, TYPED_PASSWORD, TYPED_API_KEY]) {
        expect(bytes.includes(secret), `${file} contains a secret`).toBe(false);
      }
    }
  });
});
