// A stored credential goes only where an admin said: URLs under its binding's prefixes, plugins its binding lists,
// proxies the operator approved. Real targets and a real forward proxy on loopback record what arrives; a refused
// request must leave nothing at all on the server that was not approved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionhostError, type HttpResponse, type Json } from '@actionhost/sdk';
import { createHttpCapability, type Capability, type CredentialSecret, type CredentialUse } from '@actionhost/core';
import { startHttpTarget, type HttpTarget } from '../support/http-target.ts';
import { startForwardProxy, type ForwardProxy } from '../support/forward-proxy.ts';
import { invocationScope, type ScopeOptions } from '../support/invocation-scope.ts';

const TOKEN = 'tok-bound-0123456789abcdef';
let crm: HttpTarget; // where the admin bound the credential
let attacker: HttpTarget; // the editor's own server (also posing as a proxy)
let proxy: ForwardProxy; // a real forward proxy
let binding: CredentialUse;
const opened: Capability[] = [];

function capability(approvedProxies: string[] = []): Capability {
  const created = createHttpCapability({
    egress: { allowPrivate: ['127.0.0.1'] },
    approvedProxies,
    credentials: {
      async resolve(name: string): Promise<CredentialSecret> {
        if (name === 'crm-token') return { type: 'bearer', token: TOKEN, binding };
        if (name === 'legacy') return { type: 'bearer', token: TOKEN }; // stored before bindings existed
        throw new ActionhostError('AH_CREDENTIAL_NOT_FOUND', 'no such credential', 404, { name });
      },
    },
  });
  opened.push(created);
  return created;
}

beforeAll(async () => {
  [crm, attacker, proxy] = await Promise.all([startHttpTarget(), startHttpTarget(), startForwardProxy()]);
  binding = { urls: [`${crm.origin}/api/`], plugins: [] };
});
afterAll(async () => {
  await Promise.all(opened.map(async (c) => c.close?.()));
  await Promise.all([crm.close(), attacker.close(), proxy.close()]);
});

async function send(on: Capability, args: Record<string, unknown>, scope: ScopeOptions = { httpHosts: ['*'] }) {
  try {
    return { response: (await on.call('request', [args as Json], invocationScope(scope))) as unknown as HttpResponse };
  } catch (error) {
    return { error: error as { code: string; details: Record<string, unknown>; message: string } };
  }
}

const withCredential = { auth: { type: 'credential', credential: 'crm-token' } };
const everythingReceived = () => JSON.stringify([crm.requests, attacker.requests, proxy.requests]);

describe('credential binding', () => {
  it('sends the credential to a URL under its binding', async () => {
    const http = capability();
    const { response } = await send(http, { method: 'GET', url: `${crm.origin}/api/contacts`, ...withCredential });
    expect(response?.status).toBe(200);
    expect(crm.requestsTo('/api/contacts').at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("refuses to send it to the editor's own server, which receives nothing", async () => {
    const http = capability();
    const before = attacker.requests.length;
    const { error } = await send(http, {
      method: 'POST',
      url: `${attacker.origin}/collect`,
      json: {},
      ...withCredential,
    });
    expect(error?.code).toBe('AH_CREDENTIAL_NOT_ALLOWED');
    expect(error?.details).toMatchObject({ credential: 'crm-token' });
    expect(attacker.requests.length).toBe(before);
    expect(JSON.stringify(error) + error!.message).not.toContain(TOKEN);
  });

  it('holds the path at a "/" boundary and on the same scheme and port', async () => {
    const http = capability();
    const before = crm.requests.length;
    for (const url of [`${crm.origin}/apix/x`, `${crm.origin}/`, `${crm.origin}/other/api/`]) {
      expect((await send(http, { method: 'GET', url, ...withCredential })).error?.code, url).toBe(
        'AH_CREDENTIAL_NOT_ALLOWED',
      );
    }
    expect(crm.requests.length).toBe(before);
  });

  it('refuses a plugin its binding does not list', async () => {
    binding = { urls: [`${crm.origin}/api/`], plugins: ['@actionhost/run-webhook'] };
    try {
      const http = capability();
      const { error } = await send(http, { method: 'GET', url: `${crm.origin}/api/x`, ...withCredential });
      expect(error?.code).toBe('AH_CREDENTIAL_NOT_ALLOWED'); // the scope's plugin is @test/http-caller
    } finally {
      binding = { urls: [`${crm.origin}/api/`], plugins: [] };
    }
  });

  it('refuses a credential that has no binding', async () => {
    const http = capability();
    const before = crm.requests.length;
    const { error } = await send(http, {
      method: 'GET',
      url: `${crm.origin}/api/x`,
      auth: { type: 'credential', credential: 'legacy' },
    });
    expect(error?.code).toBe('AH_CREDENTIAL_NOT_ALLOWED');
    expect(crm.requests.length).toBe(before);
  });

  it('follows a same-origin redirect out of the binding without the credential', async () => {
    binding = { urls: [`${crm.origin}/redirect`], plugins: [] };
    try {
      const http = capability();
      const { response } = await send(http, {
        method: 'GET',
        url: `${crm.origin}/redirect?to=${encodeURIComponent('/public/landing')}`,
        ...withCredential,
      });
      expect(response?.status).toBe(200);
      expect(crm.requestsTo('/redirect').at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(crm.requestsTo('/public/landing').at(-1)!.headers.authorization).toBeUndefined();
    } finally {
      binding = { urls: [`${crm.origin}/api/`], plugins: [] };
    }
  });
});

describe('a proxy is a destination', () => {
  it('refuses a proxy outside the host list: the process there gets neither body, login nor secret', async () => {
    const http = capability();
    const before = attacker.requests.length;
    const { error } = await send(
      http,
      {
        method: 'POST',
        url: `${crm.origin}/api/contacts`,
        json: { secret: 'body' },
        proxy: attacker.origin.replace('http://', 'http://u:p@'),
        ...withCredential,
      },
      { httpHosts: [`127.0.0.1:${crm.port}`] },
    );
    expect(error?.code).toBe('AH_HTTP_PROXY_DENIED');
    expect(attacker.requests.length).toBe(before);
  });

  it('never sends a stored credential through a proxy the operator has not approved, even one the manifest lists', async () => {
    const http = capability();
    const before = proxy.requests.length;
    const { error } = await send(
      http,
      { method: 'GET', url: `${crm.origin}/api/x`, proxy: proxy.url, ...withCredential },
      { httpHosts: [`127.0.0.1:${crm.port}`, `127.0.0.1:${proxy.port}`] },
    );
    expect(error?.code).toBe('AH_CREDENTIAL_NOT_ALLOWED');
    expect(proxy.requests.length).toBe(before);
  });

  it('uses a proxy the manifest lists for requests without a stored credential', async () => {
    const http = capability();
    const before = proxy.requests.length;
    const { response } = await send(
      http,
      { method: 'GET', url: `${crm.origin}/listed-proxy`, proxy: proxy.url },
      { httpHosts: [`127.0.0.1:${crm.port}`, `127.0.0.1:${proxy.port}`] },
    );
    expect(response?.status).toBe(200);
    expect(proxy.requests.length).toBe(before + 1);
  });

  it('sends a stored credential through an approved proxy, which the manifest need not list', async () => {
    const http = capability([proxy.url]);
    const before = proxy.requests.length;
    const { response } = await send(
      http,
      { method: 'GET', url: `${crm.origin}/api/via-approved`, proxy: proxy.url, ...withCredential },
      { httpHosts: [`127.0.0.1:${crm.port}`] },
    );
    expect(response?.status).toBe(200);
    expect(proxy.requests.slice(before)).toEqual([{ method: 'GET', target: `${crm.origin}/api/via-approved` }]);
    expect(crm.requestsTo('/api/via-approved').at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(everythingReceived()).toContain('via-approved');
  });
});
