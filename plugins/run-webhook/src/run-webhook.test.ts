// Run Webhook built with the SDK and run in the real sandbox, calling a real HTTP server (and a real forward
// proxy) on loopback through the real http capability, with a stored credential the host attaches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createTestHost, type TestHost } from '@actionhost/core/testing';
import { startForwardProxy, startHttpTarget, type ForwardProxy, type HttpTarget } from '@actionhost/test/support';

const PLUGIN = join(import.meta.dirname, '..');
const STORED_TOKEN = 'tok_live_run_webhook_7f6e5d4c3b2a';
const BASIC_PASSWORD = 'basic-pass-0f9e8d7c';

let target: HttpTarget;
let proxy: ForwardProxy;
let host: TestHost;

type Output = {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  durationMs: number;
  url: string;
  error?: { code: string; message: string };
  message?: string;
};

beforeAll(async () => {
  [target, proxy] = await Promise.all([startHttpTarget(), startForwardProxy()]);
  host = await createTestHost({
    http: { allowPrivate: ['127.0.0.1'], credentials: { 'crm-token': { type: 'bearer', token: STORED_TOKEN } } },
  });
});
afterAll(async () => {
  await host?.close();
  await Promise.all([target?.close(), proxy?.close()]);
});

async function run(input: Record<string, unknown>, entry: 'run' | 'testConnection' = 'run') {
  const outcome = await host.invokeDir(PLUGIN, input, { entry, idempotencyKey: 'exec-1:node-2:1' });
  return { ...outcome, output: outcome.output as Output };
}

describe('Run Webhook: run', () => {
  it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])('sends a %s and takes the success path on 200', async (method) => {
    const outcome = await run({ 'Request Type': method, URL: `${target.origin}/json?case=${method}` });
    expect(outcome.path).toBe('success');
    expect(outcome.output.status).toBe(200);
    expect(outcome.output.body).toEqual({ ok: true, method });
    expect(target.requests.at(-1)!.method).toBe(method);
  });

  it('sends GET when no Request Type is given', async () => {
    await run({ URL: `${target.origin}/default-method` });
    expect(target.requestsTo('/default-method').at(-1)!.method).toBe('GET');
  });

  it('posts Request JSON as a JSON body with the custom headers and the idempotency key', async () => {
    const outcome = await run({
      'Request Type': 'POST',
      URL: `${target.origin}/echo`,
      Headers: { 'X-Source': 'actionhost' },
      'Request JSON': { ticket: { id: 42, subject: 'VPN "down"' }, tags: ['vpn'] },
    });
    expect(outcome.path).toBe('success');
    const arrived = target.requestsTo('/echo').at(-1)!;
    expect(JSON.parse(arrived.body)).toEqual({ ticket: { id: 42, subject: 'VPN "down"' }, tags: ['vpn'] });
    expect(arrived.headers['content-type']).toBe('application/json');
    expect(arrived.headers['x-source']).toBe('actionhost');
    expect(arrived.headers['idempotency-key']).toBe('exec-1:node-2:1');
  });

  it.each(['GET', 'DELETE'])('does not send Request JSON with a %s and logs a warning', async (method) => {
    const outcome = await run({
      'Request Type': method,
      URL: `${target.origin}/no-body-${method}`,
      'Request JSON': { a: 1 },
    });
    expect(target.requestsTo(`/no-body-${method}`).at(-1)!.body).toBe('');
    expect(outcome.logs.some((log) => log.level === 'warn' && log.message.includes('Request JSON'))).toBe(true);
  });

  it('sends Basic Auth and never returns or logs the password', async () => {
    const outcome = await run({
      URL: `${target.origin}/basic`,
      'Credential Type': 'Basic Auth',
      Username: 'agent',
      Password: BASIC_PASSWORD,
    });
    expect(target.requestsTo('/basic').at(-1)!.headers.authorization).toBe(
      `Basic ${Buffer.from(`agent:${BASIC_PASSWORD}`).toString('base64')}`,
    );
    expect(JSON.stringify(outcome.output)).not.toContain(BASIC_PASSWORD);
    expect(JSON.stringify(outcome.logs)).not.toContain(BASIC_PASSWORD);
  });

  it('refuses Basic Auth without a Password at input validation', async () => {
    await expect(
      run({ URL: `${target.origin}/x`, 'Credential Type': 'Basic Auth', Username: 'agent' }),
    ).rejects.toMatchObject({ code: 'AH_INPUT_INVALID' });
  });

  it('attaches a stored credential on the host: the token reaches the target, never the output or logs', async () => {
    const outcome = await run({
      'Request Type': 'POST',
      URL: `${target.origin}/echo`,
      'Credential Type': 'By Credentials',
      Credential: 'crm-token',
      'Request JSON': {},
    });
    expect(outcome.path).toBe('success');
    expect(target.requestsTo('/echo').at(-1)!.headers.authorization).toBe(`Bearer ${STORED_TOKEN}`);
    expect(JSON.stringify(outcome)).not.toContain(STORED_TOKEN);
  });

  it('takes the failure path with AH_CREDENTIAL_NOT_FOUND for an unknown credential', async () => {
    const outcome = await run({ URL: `${target.origin}/x`, 'Credential Type': 'By Credentials', Credential: 'nope' });
    expect(outcome.path).toBe('failure');
    expect(outcome.output.error?.code).toBe('AH_CREDENTIAL_NOT_FOUND');
  });

  it('goes through the Proxy Server', async () => {
    const before = proxy.requests.length;
    const outcome = await run({
      'Request Type': 'PUT',
      URL: `${target.origin}/proxied`,
      'Proxy Server': proxy.url,
      'Request JSON': { x: 1 },
    });
    expect(outcome.path).toBe('success');
    expect(proxy.requests.slice(before)).toEqual([{ method: 'PUT', target: `${target.origin}/proxied` }]);
    expect(target.requestsTo('/proxied').at(-1)!.headers.via).toMatch(/proxy/);
  });

  it.each([201, 204])('takes the success path on %i', async (status) => {
    expect((await run({ 'Request Type': 'POST', URL: `${target.origin}/status/${status}` })).path).toBe('success');
  });

  it.each([404, 500])('takes the failure path on %i with the status and body', async (status) => {
    const outcome = await run({ URL: `${target.origin}/status/${status}` });
    expect(outcome.path).toBe('failure');
    expect(outcome.output.status).toBe(status);
    expect(outcome.output.body).toEqual({ status });
    expect(outcome.output.error).toBeUndefined();
  });

  it('takes the failure path with AH_HTTP_TIMEOUT when the endpoint is slower than Timeout', async () => {
    const outcome = await run({ URL: `${target.origin}/slow/10000`, Timeout: 200 });
    expect(outcome.path).toBe('failure');
    expect(outcome.output.status).toBe(0);
    expect(outcome.output.error?.code).toBe('AH_HTTP_TIMEOUT');
  });

  it('takes the failure path with AH_HTTP_CONNECT_FAILED when the connection is refused', async () => {
    const outcome = await run({ URL: 'http://127.0.0.1:1/hook' });
    expect(outcome.path).toBe('failure');
    expect(outcome.output).toMatchObject({ status: 0, body: null, url: 'http://127.0.0.1:1/hook' });
    expect(outcome.output.error?.code).toBe('AH_HTTP_CONNECT_FAILED');
  });

  it('takes the failure path with AH_EGRESS_DENIED for cloud metadata', async () => {
    const outcome = await run({ URL: 'http://169.254.169.254/latest/meta-data/' });
    expect(outcome.path).toBe('failure');
    expect(outcome.output.error?.code).toBe('AH_EGRESS_DENIED');
  });
});

describe('Run Webhook: Test Connection', () => {
  it('probes a GET configuration with GET and succeeds on 200', async () => {
    const outcome = await run({ URL: `${target.origin}/json?probe=get` }, 'testConnection');
    expect(outcome.path).toBe('success');
    expect(outcome.output.status).toBe(200);
    expect(outcome.output.message).toContain('200');
    expect(target.requests.at(-1)!.method).toBe('GET');
  });

  it('probes a POST configuration with HEAD and never sends the POST or its body', async () => {
    const before = target.requests.length;
    const outcome = await run(
      { 'Request Type': 'POST', URL: `${target.origin}/json?probe=post`, 'Request JSON': { create: true } },
      'testConnection',
    );
    expect(outcome.path).toBe('success');
    const sent = target.requests.slice(before);
    expect(sent.map((r) => r.method)).toEqual(['HEAD']);
    expect(sent[0].body).toBe('');
  });

  it('falls back to GET when the endpoint refuses HEAD', async () => {
    const before = target.requests.length;
    const outcome = await run({ 'Request Type': 'DELETE', URL: `${target.origin}/no-head` }, 'testConnection');
    expect(outcome.path).toBe('success');
    expect(target.requests.slice(before).map((r) => r.method)).toEqual(['HEAD', 'GET']);
  });

  it('fails with the status and a reason when the endpoint accepts only the configured POST', async () => {
    const before = target.requests.length;
    const outcome = await run(
      { 'Request Type': 'POST', URL: `${target.origin}/post-only`, 'Request JSON': { a: 1 } },
      'testConnection',
    );
    expect(outcome.path).toBe('failure');
    expect(outcome.output.status).toBe(405);
    expect(outcome.output.message).toMatch(/405/);
    expect(target.requests.slice(before).map((r) => r.method)).toEqual(['HEAD', 'GET']);
  });

  it('fails on 401 with the status', async () => {
    const outcome = await run({ URL: `${target.origin}/status/401` }, 'testConnection');
    expect(outcome.path).toBe('failure');
    expect(outcome.output.status).toBe(401);
  });

  it('fails with the transport error when nothing listens', async () => {
    const outcome = await run({ URL: 'http://127.0.0.1:1/hook' }, 'testConnection');
    expect(outcome.path).toBe('failure');
    expect(outcome.output.error?.code).toBe('AH_HTTP_CONNECT_FAILED');
  });
});
