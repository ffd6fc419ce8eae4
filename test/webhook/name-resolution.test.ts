// How the http capability turns a name into the address it connects to: /etc/hosts read by the host, the checked
// address connected to with the URL's own Host header and TLS server name, and the egress policy applied to what
// the name resolved to. (DNS itself, and a DNS server that never answers, are tested in a network namespace:
// test/netns/dns.test.ts.)
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '@actionhost/sdk';
import { createHttpCapability } from '@actionhost/core';
import { startHttpTarget, type HttpTarget } from '../support/http-target.ts';
import { invocationScope } from '../support/invocation-scope.ts';

let target: HttpTarget;
let tls: TlsServer;
const serverNames: string[] = [];
const http = createHttpCapability({ egress: { allowPrivate: ['127.0.0.1'] } });

beforeAll(async () => {
  target = await startHttpTarget();
  // A TLS server that records the name the client asks for (SNI) and then refuses the handshake.
  tls = createTlsServer({
    SNICallback: (name, callback) => {
      serverNames.push(name);
      callback(new Error('no certificate here'));
    },
  });
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await http.close?.();
  await target.close();
  await new Promise<void>((resolve) => tls.close(() => resolve()));
});

async function call(args: Record<string, unknown>) {
  try {
    return { response: (await http.call('request', [args as Json], invocationScope({ httpHosts: ['*'] }))) as Json };
  } catch (error) {
    return { error: error as { code: string; details: Record<string, unknown> } };
  }
}

describe('name resolution of the http capability', () => {
  it('resolves a name of /etc/hosts and sends the name, not the address, as Host', async () => {
    // localhost is in /etc/hosts as 127.0.0.1 (allowed here), and as ::1 (not allowed): the allowed one is used.
    const { response } = await call({ method: 'GET', url: `http://localhost:${target.port}/hosts-file` });
    expect(response).toMatchObject({ status: 200 });
    expect(target.requestsTo('/hosts-file').at(-1)!.headers.host).toBe(`localhost:${target.port}`);
  });

  it('keeps the URL name as the TLS server name when it connects to the checked address', async () => {
    const { port } = tls.address() as AddressInfo;
    const { error } = await call({ method: 'GET', url: `https://localhost:${port}/` });
    expect(error?.code).toBe('AH_HTTP_CONNECT_FAILED');
    expect(serverNames.at(-1)).toBe('localhost');
  });

  it('applies the egress policy to the address a name resolves to', async () => {
    const strict = createHttpCapability({ egress: { allowPrivate: [] } });
    try {
      const error = await strict
        .call(
          'request',
          [{ method: 'GET', url: `http://localhost:${target.port}/x` }],
          invocationScope({ httpHosts: ['*'] }),
        )
        .catch((e: unknown) => e as { code: string });
      expect((error as { code: string }).code).toBe('AH_EGRESS_DENIED');
    } finally {
      await strict.close?.();
    }
  });
});
