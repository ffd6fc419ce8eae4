// The http capability's refusals and limits against real loopback servers: manifest host list, egress
// policy on resolved addresses, header injection, timeouts, body cap and the redirect policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpResponse, Json } from '@actionhost/sdk';
import type { Capability } from '@actionhost/core';
import { createHttpCapability, type HttpCapabilityOptions } from '@actionhost/core';
import { startHttpTarget, type HttpTarget } from '../support/http-target.ts';
import { invocationScope, type ScopeOptions } from '../support/invocation-scope.ts';

type Failure = { code: string; message: string; details: Record<string, unknown> };

let target: HttpTarget;
let other: HttpTarget; // a second origin (another port) for cross-origin redirects
const opened: Capability[] = [];

beforeAll(async () => {
  [target, other] = await Promise.all([startHttpTarget(), startHttpTarget()]);
});
afterAll(async () => {
  await Promise.all(opened.map(async (capability) => capability.close?.()));
  await Promise.all([target.close(), other.close()]);
});

function capability(options: HttpCapabilityOptions = { egress: { allowPrivate: ['127.0.0.1'] } }): Capability {
  const created = createHttpCapability({
    credentials: {
      resolve: async () => ({
        type: 'api-key',
        header: 'X-Api-Key',
        value: 'stored-key-0123456789',
        binding: { urls: [target.origin], plugins: [] },
      }),
    },
    ...options,
  });
  opened.push(created);
  return created;
}
const http = capability();

async function request(args: Record<string, unknown>, scope: ScopeOptions = { httpHosts: ['*'] }, on = http) {
  return (await on.call('request', [args as Json], invocationScope(scope))) as unknown as HttpResponse;
}
async function failure(args: unknown, scope: ScopeOptions = { httpHosts: ['*'] }, on = http): Promise<Failure> {
  try {
    await on.call('request', [args as Json], invocationScope(scope));
  } catch (error) {
    return error as Failure;
  }
  throw new Error('expected the request to fail');
}

describe('arguments', () => {
  it.each([
    ['a CR/LF in a header value', { 'X-Note': 'a\r\nInjected: yes' }, '/headers/X-Note'],
    ['a NUL in a header value', { 'X-Note': 'a\u0000b' }, '/headers/X-Note'],
    ['a header name that is not a token', { 'Bad Name': 'x' }, '/headers/Bad Name'],
    ['a Host header', { Host: 'internal.example' }, '/headers/Host'],
    ['a Transfer-Encoding header', { 'Transfer-Encoding': 'chunked' }, '/headers/Transfer-Encoding'],
  ])('refuses %s with AH_HTTP_HEADER_INVALID and sends nothing', async (_, headers, path) => {
    const before = target.requests.length;
    const error = await failure({ method: 'GET', url: `${target.origin}/x`, headers });
    expect(error.code).toBe('AH_HTTP_HEADER_INVALID');
    expect(error.details.path).toBe(path);
    expect(target.requests.length).toBe(before);
  });

  it.each([
    ['an unknown method', { method: 'TRACE', url: 'http://127.0.0.1/' }],
    ['a relative URL', { method: 'GET', url: '/relative' }],
    ['a file URL', { method: 'GET', url: 'file:///etc/passwd' }],
    ['a URL with userinfo', { method: 'GET', url: 'http://user:pw@127.0.0.1/' }],
    ['a GET with a body', { method: 'GET', url: 'http://127.0.0.1/', json: { a: 1 } }],
    ['an unknown field', { method: 'GET', url: 'http://127.0.0.1/', retries: 3 }],
  ])('refuses %s with AH_HTTP_ARGS_INVALID', async (_, args) => {
    expect((await failure(args)).code).toBe('AH_HTTP_ARGS_INVALID');
  });

  it('refuses a method the capability does not have', async () => {
    await expect(http.call('fetch', [], invocationScope({ httpHosts: ['*'] }))).rejects.toMatchObject({
      code: 'AH_HTTP_METHOD_UNKNOWN',
    });
  });
});

describe('manifest host list', () => {
  it('refuses a host the manifest does not list', async () => {
    const error = await failure(
      { method: 'GET', url: `${target.origin}/x` },
      { httpHosts: ['api.example.com', '*.example.org'] },
    );
    expect(error.code).toBe('AH_HTTP_HOST_DENIED');
  });

  it('refuses every host when the manifest does not declare http', async () => {
    expect((await failure({ method: 'GET', url: `${target.origin}/x` }, {})).code).toBe('AH_HTTP_HOST_DENIED');
  });

  it('allows a host listed with its port and refuses the same host on another port', async () => {
    const scope = { httpHosts: [`127.0.0.1:${target.port}`] };
    expect((await request({ method: 'GET', url: `${target.origin}/json` }, scope)).status).toBe(200);
    expect((await failure({ method: 'GET', url: `${other.origin}/json` }, scope)).code).toBe('AH_HTTP_HOST_DENIED');
  });
});

describe('egress policy', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:169.254.169.254]/',
    'http://[fd00:ec2::254]/',
    'http://100.100.100.200/',
    'http://0.0.0.0/',
  ])('refuses %s whatever allowPrivate says', async (url) => {
    const permissive = capability({ egress: { allowPrivate: ['0.0.0.0/0', '::/0'] } });
    expect((await failure({ method: 'GET', url }, { httpHosts: ['*'] }, permissive)).code).toBe('AH_EGRESS_DENIED');
  });

  it('refuses a loopback IP literal that allowPrivate does not list', async () => {
    const strict = capability({ egress: { allowPrivate: ['10.0.0.0/8'] } });
    const before = target.requests.length;
    expect((await failure({ method: 'GET', url: `${target.origin}/x` }, { httpHosts: ['*'] }, strict)).code).toBe(
      'AH_EGRESS_DENIED',
    );
    expect(target.requests.length).toBe(before);
  });

  it('refuses a name that resolves to a denied address (localhost → 127.0.0.1)', async () => {
    const strict = capability({ egress: { allowPrivate: ['10.0.0.0/8'] } });
    const before = target.requests.length;
    const error = await failure(
      { method: 'GET', url: `http://localhost:${target.port}/x` },
      { httpHosts: ['*'] },
      strict,
    );
    expect(error.code).toBe('AH_EGRESS_DENIED');
    expect(error.details.host).toBe('localhost');
    expect(target.requests.length).toBe(before);
  });

  it('allows the private addresses of a name listed in allowPrivate', async () => {
    const byName = capability({ egress: { allowPrivate: ['localhost'] } });
    expect(
      (
        await request(
          { method: 'GET', url: `http://localhost:${target.port}/json` },
          { httpHosts: ['localhost'] },
          byName,
        )
      ).status,
    ).toBe(200);
    // ... but not the same address reached by IP literal
    expect((await failure({ method: 'GET', url: `${target.origin}/json` }, { httpHosts: ['*'] }, byName)).code).toBe(
      'AH_EGRESS_DENIED',
    );
  });
});

describe('failures and limits', () => {
  it('fails with AH_HTTP_TIMEOUT when the answer takes longer than timeoutMs', async () => {
    const error = await failure({ method: 'GET', url: `${target.origin}/slow/10000`, timeoutMs: 150 });
    expect(error.code).toBe('AH_HTTP_TIMEOUT');
    expect(error.details.reason).toBe('timeout');
  });

  it('fails with AH_HTTP_TIMEOUT before the invocation deadline when that comes first', async () => {
    const error = await failure(
      { method: 'GET', url: `${target.origin}/slow/10000`, timeoutMs: 20_000 },
      { httpHosts: ['*'], deadlineInMs: 300 },
    );
    expect(error.code).toBe('AH_HTTP_TIMEOUT');
    expect(error.details.reason).toBe('deadline');
  });

  it('fails with AH_HTTP_TIMEOUT when the invocation is cancelled', async () => {
    const controller = new AbortController();
    const pending = failure(
      { method: 'GET', url: `${target.origin}/slow/10000` },
      { httpHosts: ['*'], signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    const error = await pending;
    expect(error.code).toBe('AH_HTTP_TIMEOUT');
    expect(error.details.reason).toBe('cancelled');
  });

  it('fails with AH_HTTP_CONNECT_FAILED and the cause when nothing listens', async () => {
    const error = await failure({ method: 'GET', url: 'http://127.0.0.1:1/x' });
    expect(error.code).toBe('AH_HTTP_CONNECT_FAILED');
    expect(error.details.cause).toBe('ECONNREFUSED');
  });

  it.each(['/big/300000', '/big/300000?declared=1'])(
    'aborts a response body over the cap (%s) and keeps serving',
    async (path) => {
      const capped = capability({ egress: { allowPrivate: ['127.0.0.1'] }, maxResponseBytes: 64 * 1024 });
      expect(
        (await failure({ method: 'GET', url: `${target.origin}${path}` }, { httpHosts: ['*'] }, capped)).code,
      ).toBe('AH_HTTP_RESPONSE_TOO_LARGE');
      expect(
        (await request({ method: 'GET', url: `${target.origin}/big/1000` }, { httpHosts: ['*'] }, capped)).body,
      ).toHaveLength(1000);
    },
  );

  it('does not count the Content-Length of a HEAD answer against the cap', async () => {
    const capped = capability({ egress: { allowPrivate: ['127.0.0.1'] }, maxResponseBytes: 64 * 1024 });
    const response = await request(
      { method: 'HEAD', url: `${target.origin}/big/300000?declared=1` },
      { httpHosts: ['*'] },
      capped,
    );
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe('300000');
  });
});

describe('redirects', () => {
  const basic = { type: 'basic', username: 'agent', password: 'pw-redirect-1' };

  it('follows a same-origin redirect and keeps Authorization', async () => {
    const response = await request({ method: 'GET', url: `${target.origin}/redirect?to=/same-landing`, auth: basic });
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${target.origin}/same-landing`);
    expect(target.requestsTo('/same-landing').at(-1)!.headers.authorization).toMatch(/^Basic /);
  });

  it('drops Authorization, credential headers and cookies on a redirect to another origin', async () => {
    const to = encodeURIComponent(`${other.origin}/cross-landing`);
    for (const auth of [basic, { type: 'credential', credential: 'anything' }]) {
      const response = await request({
        method: 'GET',
        url: `${target.origin}/redirect?to=${to}`,
        auth,
        headers: { Cookie: 'session=abc', 'X-Auth-Token': 'plugin-token', 'X-Trace': 'kept' },
      });
      expect(response.status).toBe(200);
      const landed = other.requestsTo('/cross-landing').at(-1)!;
      expect(landed.headers.authorization).toBeUndefined();
      expect(landed.headers['x-api-key']).toBeUndefined();
      expect(landed.headers.cookie).toBeUndefined();
      expect(landed.headers['x-auth-token']).toBeUndefined();
      expect(landed.headers['x-trace']).toBe('kept');
      expect(landed.headers['idempotency-key']).toBe('idem-test-1');
    }
  });

  it('refuses a redirect to a host the manifest does not list', async () => {
    const to = encodeURIComponent(`${other.origin}/x`);
    const error = await failure(
      { method: 'GET', url: `${target.origin}/redirect?to=${to}` },
      { httpHosts: [`127.0.0.1:${target.port}`] },
    );
    expect(error.code).toBe('AH_HTTP_HOST_DENIED');
  });

  it('refuses a redirect to cloud metadata', async () => {
    const error = await failure({
      method: 'GET',
      url: `${target.origin}/redirect?to=${encodeURIComponent('http://169.254.169.254/latest')}`,
    });
    expect(error.code).toBe('AH_EGRESS_DENIED');
  });

  it('stops after maxRedirects with AH_HTTP_TOO_MANY_REDIRECTS', async () => {
    const twoHops = capability({ egress: { allowPrivate: ['127.0.0.1'] }, maxRedirects: 2 });
    const loop = `/redirect?to=${encodeURIComponent('/redirect?to=/redirect%3Fto%3D/redirect')}`;
    expect((await failure({ method: 'GET', url: `${target.origin}${loop}` }, { httpHosts: ['*'] }, twoHops)).code).toBe(
      'AH_HTTP_TOO_MANY_REDIRECTS',
    );
  });

  it.each([
    [303, 'PUT'],
    [302, 'POST'],
    [301, 'POST'],
  ])('turns a %i after %s into a GET without a body', async (status, method) => {
    await request({ method, url: `${target.origin}/redirect?status=${status}&to=/after-${status}`, json: { a: 1 } });
    const landed = target.requestsTo(`/after-${status}`).at(-1)!;
    expect(landed.method).toBe('GET');
    expect(landed.body).toBe('');
    expect(landed.headers['content-type']).toBeUndefined();
  });

  it('repeats method and body on a 307', async () => {
    await request({ method: 'POST', url: `${target.origin}/redirect?status=307&to=/after-307`, json: { a: 1 } });
    const landed = target.requestsTo('/after-307').at(-1)!;
    expect(landed.method).toBe('POST');
    expect(JSON.parse(landed.body)).toEqual({ a: 1 });
  });

  it('returns the 3xx itself when followRedirects is false', async () => {
    const response = await request({
      method: 'GET',
      url: `${target.origin}/redirect?to=/elsewhere`,
      followRedirects: false,
    });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/elsewhere');
  });
});
