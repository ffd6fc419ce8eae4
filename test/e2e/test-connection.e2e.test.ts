// Test Connection of a Run Webhook node against a real POST-only endpoint (issue 10, item 4): the safe probe stays
// the default and never sends the POST; "send the real request" sends the configured method, headers, body and
// credential exactly once and shows the status and a redacted response.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpTarget, type HttpTarget } from '../support/http-target.ts';
import { makeDataDir, startHostProcess, type HostProcess } from '../support/host-process.ts';

const PASSWORD = `typed-pw-${Math.random().toString(36).slice(2)}`;
let host: HostProcess;
let target: HttpTarget;
let workflowId: string;

interface TestConnectionAnswer {
  mode: string;
  path: string;
  inputs: Record<string, unknown>;
  output: {
    status: number;
    headers: Record<string, string>;
    body: { sessionToken?: string; echo?: { headers: Record<string, string>; body: string } } | string;
    message?: string;
  };
}

beforeAll(async () => {
  target = await startHttpTarget();
  host = await startHostProcess({ dataDir: makeDataDir(), allowPrivate: '127.0.0.1', seed: false });
  const created = await host.api<{ id: string }>('POST', '/api/workflows', {
    name: 'Open a CRM session',
    module: 'request',
    trigger: { event: 'request.created' },
    nodes: [
      {
        id: 'crm',
        kind: 'action',
        title: 'Run Webhook',
        uses: '@actionhost/run-webhook@^1.0.0',
        inputs: {
          'Request Type': 'POST',
          URL: `${target.origin}/session`,
          // A header value is sealed (secret) unless marked $public: this one is meant to be read back.
          Headers: { 'X-Trace': { $public: 'seed-item-4' } },
          'Request JSON': { incident: '#displayId#', subject: '#subject#' },
          'Credential Type': 'Basic Auth',
          Username: 'svc-crm',
          Password: PASSWORD,
        },
      },
    ],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  workflowId = created.body.id;
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await target?.close();
});

const sample = { request: { displayId: 'INC-42', subject: 'Printer on fire' } };

describe('Test Connection of a POST-only webhook', () => {
  it('probes by default without sending the POST, so the POST-only endpoint cannot be verified', async () => {
    const tested = await host.api<TestConnectionAnswer>(
      'POST',
      `/api/workflows/${workflowId}/nodes/crm/test-connection`,
      sample,
    );
    expect(tested.status, JSON.stringify(tested.body)).toBe(200);
    expect(tested.body).toMatchObject({ mode: 'probe', path: 'failure', output: { status: 405 } });
    expect(target.requestsTo('/session').map((request) => request.method)).toEqual(['HEAD', 'GET']);
  });

  it('sends the configured request once when asked to, and shows the status and a redacted response', async () => {
    const before = target.requestsTo('/session').length;
    const tested = await host.api<TestConnectionAnswer>(
      'POST',
      `/api/workflows/${workflowId}/nodes/crm/test-connection`,
      { ...sample, sendRealRequest: true },
    );
    expect(tested.status, JSON.stringify(tested.body)).toBe(200);
    expect(tested.body).toMatchObject({ mode: 'real-request', path: 'success', output: { status: 200 } });

    const sent = target.requestsTo('/session').slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0].method).toBe('POST');
    expect(JSON.parse(sent[0].body)).toEqual({ incident: 'INC-42', subject: 'Printer on fire' });
    expect(sent[0].headers['x-trace']).toBe('seed-item-4');
    expect(sent[0].headers.authorization).toBe(`Basic ${Buffer.from(`svc-crm:${PASSWORD}`).toString('base64')}`);

    const { output, inputs } = tested.body;
    expect(output.headers['set-cookie']).toBe('[REDACTED]');
    expect(output.headers['content-type']).toMatch(/application\/json/);
    const body = output.body as Exclude<TestConnectionAnswer['output']['body'], string>;
    expect(body.sessionToken).toBe('[REDACTED]');
    expect(body.echo?.headers.authorization).toBe('[REDACTED]');
    expect(body.echo?.headers['x-trace']).toBe('seed-item-4');
    expect(inputs.Password).toBe('[REDACTED]');
    expect(JSON.stringify(tested.body)).not.toContain(PASSWORD);
    expect(JSON.stringify(tested.body)).not.toContain('sid=');

    // Test Connection is no execution: nothing is recorded against a request.
    const executions = await host.api<unknown[]>('GET', `/api/executions?workflowId=${workflowId}`);
    expect(executions.body).toEqual([]);
  });
});
