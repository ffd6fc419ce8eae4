// The http capability against a real HTTP server and a real forward proxy on loopback: what arrives at the
// target, what comes back to the guest, and what the invocation log holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionhostError, type HttpResponse, type Json } from '@actionhost/sdk';
import { createHttpCapability, type CredentialSecret } from '@actionhost/core';
import { startHttpTarget, type HttpTarget } from '../support/http-target.ts';
import { startForwardProxy, type ForwardProxy } from '../support/forward-proxy.ts';
import { invocationScope } from '../support/invocation-scope.ts';

const STORED: Record<string, CredentialSecret> = {
  'crm-basic': { type: 'basic', username: 'svc-crm', password: 'Str0ng-basic-Secret' },
  'crm-token': { type: 'bearer', token: 'tok-9f8e7d6c5b4a' },
  'crm-key': { type: 'api-key', header: 'X-Api-Key', value: 'key-1234567890abcdef' },
  'crm-markup': { type: 'bearer', token: `tok/9f8e<7d>&"6c'` },
};
const credentials = {
  async resolve(name: string): Promise<CredentialSecret> {
    const secret = STORED[name];
    if (name === 'broken') throw new Error('database is locked');
    if (!secret) throw new ActionhostError('AH_CREDENTIAL_NOT_FOUND', `no credential named "${name}"`, 404, { name });
    // As an admin bound them: the test target, and the closed port the failure case calls.
    return { ...secret, binding: { urls: [`${target.origin}/`, 'http://127.0.0.1:1/'], plugins: [] } };
  },
};

let target: HttpTarget;
let proxy: ForwardProxy;
const http = createHttpCapability({ egress: { allowPrivate: ['127.0.0.1'] }, credentials });

beforeAll(async () => {
  target = await startHttpTarget();
  proxy = await startForwardProxy();
});
afterAll(async () => {
  await http.close?.();
  await Promise.all([target.close(), proxy.close()]);
});

async function request(args: Record<string, unknown>, scope = invocationScope({ httpHosts: ['127.0.0.1'] })) {
  return (await http.call('request', [args as Json], scope)) as unknown as HttpResponse;
}

async function failure(args: Record<string, unknown>, scope = invocationScope({ httpHosts: ['127.0.0.1'] })) {
  try {
    await http.call('request', [args as Json], scope);
  } catch (error) {
    return error as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected the request to fail');
}

describe('http capability: requests', () => {
  it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'])('sends a %s request with that method', async (method) => {
    const response = await request({ method, url: `${target.origin}/json?m=${method}` });
    expect(response.status).toBe(200);
    expect(target.requests.at(-1)?.method).toBe(method);
    if (method !== 'HEAD') expect(response.json).toEqual({ ok: true, method });
  });

  it('sends the plugin headers as given', async () => {
    await request({
      method: 'GET',
      url: `${target.origin}/headers`,
      headers: { 'X-Ticket': 'INC-42', Accept: 'application/json' },
    });
    const arrived = target.requestsTo('/headers').at(-1)!;
    expect(arrived.headers['x-ticket']).toBe('INC-42');
    expect(arrived.headers.accept).toBe('application/json');
  });

  it('serialises a json body and sets content-type application/json', async () => {
    const response = await request({
      method: 'POST',
      url: `${target.origin}/echo`,
      json: { subject: 'Printer down', priority: 2, tags: ['a'] },
    });
    const arrived = target.requestsTo('/echo').at(-1)!;
    expect(arrived.headers['content-type']).toBe('application/json');
    expect(JSON.parse(arrived.body)).toEqual({ subject: 'Printer down', priority: 2, tags: ['a'] });
    expect((response.json as { method: string }).method).toBe('POST');
  });

  it('keeps a content-type the plugin set for a json body', async () => {
    await request({
      method: 'PUT',
      url: `${target.origin}/ct`,
      json: { a: 1 },
      headers: { 'Content-Type': 'application/vnd.acme+json' },
    });
    expect(target.requestsTo('/ct').at(-1)!.headers['content-type']).toBe('application/vnd.acme+json');
  });

  it('sends a raw text body as text', async () => {
    await request({ method: 'POST', url: `${target.origin}/raw`, body: 'plain words' });
    const arrived = target.requestsTo('/raw').at(-1)!;
    expect(arrived.body).toBe('plain words');
    expect(arrived.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('returns a non-JSON body as text without a json field', async () => {
    const response = await request({ method: 'GET', url: `${target.origin}/text` });
    expect(response.body).toBe('hello from target');
    expect(response.json).toBeUndefined();
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
  });

  it.each([200, 201, 204, 404, 500, 503])('returns status %i as a response, not an error', async (status) => {
    const response = await request({ method: 'GET', url: `${target.origin}/status/${status}` });
    expect(response.status).toBe(status);
    expect(response.url).toBe(`${target.origin}/status/${status}`);
  });

  it('sends the invocation idempotency key unless the plugin set one', async () => {
    await request(
      { method: 'POST', url: `${target.origin}/idem`, json: {} },
      invocationScope({ httpHosts: ['*'], idempotencyKey: 'exec-7:node-3:1' }),
    );
    expect(target.requestsTo('/idem').at(-1)!.headers['idempotency-key']).toBe('exec-7:node-3:1');
    await request({ method: 'POST', url: `${target.origin}/idem`, json: {}, headers: { 'Idempotency-Key': 'mine' } });
    expect(target.requestsTo('/idem').at(-1)!.headers['idempotency-key']).toBe('mine');
  });
});

describe('http capability: authentication', () => {
  it('sends Basic Auth from the plugin input', async () => {
    await request({
      method: 'GET',
      url: `${target.origin}/basic`,
      auth: { type: 'basic', username: 'agent', password: 'pässword' },
    });
    const expected = `Basic ${Buffer.from('agent:pässword').toString('base64')}`;
    expect(target.requestsTo('/basic').at(-1)!.headers.authorization).toBe(expected);
  });

  it.each([
    [
      'crm-basic',
      'authorization',
      `Basic ${Buffer.from('svc-crm:Str0ng-basic-Secret').toString('base64')}`,
      'Str0ng-basic-Secret',
    ],
    ['crm-token', 'authorization', 'Bearer tok-9f8e7d6c5b4a', 'tok-9f8e7d6c5b4a'],
    ['crm-key', 'x-api-key', 'key-1234567890abcdef', 'key-1234567890abcdef'],
  ])(
    'attaches stored credential %s on the host and never hands the secret back',
    async (name, header, value, secret) => {
      const scope = invocationScope({ httpHosts: ['127.0.0.1'] });
      // /echo sends every header it received back in the body: the secret must come back masked.
      const response = await request(
        { method: 'GET', url: `${target.origin}/echo?token=x`, auth: { type: 'credential', credential: name } },
        scope,
      );
      expect(target.requestsTo('/echo').at(-1)!.headers[header]).toBe(value);
      const returned = JSON.stringify(response);
      expect(returned).not.toContain(secret);
      expect(returned).toContain('[REDACTED]');
      expect(JSON.stringify(scope.logs)).not.toContain(secret);
      expect(scope.logs).toHaveLength(1);
    },
  );

  it.each(['/echo-php', '/echo-html'])(
    "masks a stored secret that %s echoes in its own escaping (other JSON encoders', HTML's)",
    async (path) => {
      const response = await request({
        method: 'GET',
        url: `${target.origin}${path}`,
        auth: { type: 'credential', credential: 'crm-markup' },
      });
      expect(target.requestsTo(path).at(-1)!.headers.authorization).toBe(`Bearer tok/9f8e<7d>&"6c'`);
      expect(response.body).toContain('[REDACTED]');
      expect(JSON.stringify(response)).not.toContain('9f8e');
    },
  );

  it('refuses an unknown credential with AH_CREDENTIAL_NOT_FOUND and sends nothing', async () => {
    const before = target.requests.length;
    const error = await failure({
      method: 'GET',
      url: `${target.origin}/x`,
      auth: { type: 'credential', credential: 'missing' },
    });
    expect(error.code).toBe('AH_CREDENTIAL_NOT_FOUND');
    expect(target.requests.length).toBe(before);
  });

  it('reports a failing credential store as AH_CREDENTIAL_UNAVAILABLE, not as a missing credential', async () => {
    const error = await failure({
      method: 'GET',
      url: `${target.origin}/x`,
      auth: { type: 'credential', credential: 'broken' },
    });
    expect(error.code).toBe('AH_CREDENTIAL_UNAVAILABLE');
  });

  it('keeps the stored secret out of the error and the log when the call fails', async () => {
    const scope = invocationScope({ httpHosts: ['127.0.0.1'] });
    const error = await failure(
      { method: 'GET', url: 'http://127.0.0.1:1/refused', auth: { type: 'credential', credential: 'crm-token' } },
      scope,
    );
    expect(error.code).toBe('AH_HTTP_CONNECT_FAILED');
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('tok-9f8e7d6c5b4a');
    expect(JSON.stringify(scope.logs)).not.toContain('tok-9f8e7d6c5b4a');
  });
});

describe('http capability: proxy', () => {
  it('sends the request through the forward proxy', async () => {
    const before = proxy.requests.length;
    const response = await request({
      method: 'POST',
      url: `${target.origin}/via-proxy`,
      json: { n: 1 },
      proxy: proxy.url,
    });
    expect(response.status).toBe(200);
    expect(proxy.requests.slice(before)).toEqual([{ method: 'POST', target: `${target.origin}/via-proxy` }]);
    const arrived = target.requestsTo('/via-proxy').at(-1)!;
    expect(arrived.headers.via).toMatch(/proxy/);
    expect(JSON.parse(arrived.body)).toEqual({ n: 1 });
  });

  it('keeps proxy credentials out of the log', async () => {
    const scope = invocationScope({ httpHosts: ['127.0.0.1'] });
    const withUser = proxy.url.replace('http://', 'http://relay:proxy-pass-42@');
    const response = await request({ method: 'GET', url: `${target.origin}/json`, proxy: withUser }, scope);
    expect(response.status).toBe(200);
    expect(scope.logs[0].data).toMatchObject({ proxy: proxy.url });
    expect(JSON.stringify(scope.logs)).not.toContain('proxy-pass-42');
  });

  it('refuses a proxy whose address the egress policy denies', async () => {
    const strict = createHttpCapability({ egress: { allowPrivate: [`127.0.0.1/32`] } });
    try {
      const error = await strict
        .call(
          'request',
          [{ method: 'GET', url: `${target.origin}/x`, proxy: 'http://169.254.169.254:3128' }],
          invocationScope({ httpHosts: ['*'] }),
        )
        .catch((e: unknown) => e as { code: string });
      expect((error as { code: string }).code).toBe('AH_EGRESS_DENIED');
    } finally {
      await strict.close?.();
    }
  });

  it('checks the target against the egress policy even when a proxy would connect to it', async () => {
    // Only the proxy's address (127.0.0.2) is allowed; localhost resolves to 127.0.0.1, which is not.
    const otherProxy = await startForwardProxy({ host: '127.0.0.2' });
    const proxyOnly = createHttpCapability({ egress: { allowPrivate: ['127.0.0.2'] } });
    try {
      const scope = invocationScope({ httpHosts: ['*'] });
      // An allowed target: the proxy is reached and answers for the target (nothing listens on :9, so a 5xx).
      const allowed = (await proxyOnly.call(
        'request',
        [{ method: 'GET', url: 'http://127.0.0.2:9/never', proxy: otherProxy.url }],
        scope,
      )) as { status: number };
      expect(allowed.status).toBeGreaterThanOrEqual(500);
      const byName = (await proxyOnly
        .call('request', [{ method: 'GET', url: `http://localhost:${target.port}/x`, proxy: otherProxy.url }], scope)
        .catch((e: unknown) => e)) as { code: string };
      expect(byName.code).toBe('AH_EGRESS_DENIED');
      const byLiteral = (await proxyOnly
        .call('request', [{ method: 'GET', url: `${target.origin}/x`, proxy: otherProxy.url }], scope)
        .catch((e: unknown) => e)) as { code: string };
      expect(byLiteral.code).toBe('AH_EGRESS_DENIED');
      expect(otherProxy.requests.map((r) => r.target)).toEqual(['http://127.0.0.2:9/never']);
    } finally {
      await proxyOnly.close?.();
      await otherProxy.close();
    }
  });
});

describe('http capability: logging', () => {
  it('logs one line with method, redacted URL, status and duration, and no header values', async () => {
    const scope = invocationScope({ httpHosts: ['127.0.0.1'] });
    await request(
      {
        method: 'GET',
        url: `${target.origin}/status/201?api_key=s3cr3t-value&page=2`,
        headers: { 'X-Secret-Header': 'hdr-value-123' },
      },
      scope,
    );
    expect(scope.logs).toHaveLength(1);
    const [line] = scope.logs;
    expect(line.level).toBe('info');
    expect(line.data).toMatchObject({
      method: 'GET',
      status: 201,
      url: `${target.origin}/status/201?api_key=REDACTED&page=REDACTED`,
    });
    expect(typeof (line.data as { durationMs: unknown }).durationMs).toBe('number');
    expect(JSON.stringify(line)).not.toContain('s3cr3t-value');
    expect(JSON.stringify(line)).not.toContain('hdr-value-123');
  });
});
