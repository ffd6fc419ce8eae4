// The host serves its API over HTTPS when tlsCert and tlsKey are set (what an Integration Connector connects to):
// verified against the test CA, refused by a client that trusts another CA, and no plain HTTP on the same port. A
// certificate without its key, or a key of another certificate, stops the start with a clear code. Every answer over
// HTTPS (console, API, errors) carries Strict-Transport-Security with the configured max-age.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fetch } from 'undici';
import { createTestCa, type TestCa } from '../support/tls.ts';
import { ACTIONHOST_CLI, makeDataDir, runCli, startHostProcess, type HostProcess } from '../support/host-process.ts';

let ca: TestCa;
let otherCa: TestCa;
let host: HostProcess;

beforeAll(async () => {
  ca = createTestCa();
  otherCa = createTestCa('another CA');
  const server = ca.issue(['127.0.0.1', 'localhost']);
  host = await startHostProcess({
    seed: false,
    tls: { certFile: server.certFile, keyFile: server.keyFile, ca: ca.ca },
    env: { ACTIONHOST_HSTS_MAX_AGE: '600' },
  });
}, 120_000);

afterAll(async () => {
  await host?.stop();
  ca?.close();
  otherCa?.close();
});

describe('HTTPS', () => {
  it('serves the API over TLS with the configured certificate', async () => {
    expect(host.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await host.api<{ status: string }>('GET', '/api/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await host.api('GET', '/api/workflows')).status).toBe(200);
  });

  it('is refused by a client that trusts another CA, and does not answer plain HTTP', async () => {
    const untrusting = new Agent({ connect: { ca: otherCa.ca } });
    try {
      const failure = await fetch(`${host.url}/api/health`, { dispatcher: untrusting }).then(
        () => null,
        (error: Error & { cause?: { code?: string } }) => error.cause?.code,
      );
      expect(failure).toMatch(/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/);
    } finally {
      await untrusting.close();
    }
    const plain = await fetch(host.url.replace('https:', 'http:') + '/api/health').then(
      (response) => response.status,
      () => 'refused',
    );
    expect(plain).not.toBe(200);
  });

  it('sends Strict-Transport-Security with the configured max-age on the console, the API and errors', async () => {
    const trusting = new Agent({ connect: { ca: ca.ca } });
    try {
      for (const [path, status] of [
        ['/', 200],
        ['/workflows', 200],
        ['/api/health', 200],
        ['/api/workflows', 401],
        ['/api/no-such-route', 404],
      ] as const) {
        const response = await fetch(`${host.url}${path}`, { dispatcher: trusting });
        await response.arrayBuffer();
        expect(response.status, path).toBe(status);
        expect(response.headers.get('strict-transport-security'), path).toBe('max-age=600');
      }
    } finally {
      await trusting.close();
    }
  });

  it('refuses to start with a certificate but no key, or with a key of another certificate', async () => {
    const server = ca.issue(['127.0.0.1'], 'lonely');
    const stranger = ca.issue(['127.0.0.1'], 'stranger');
    const dataDir = makeDataDir();
    try {
      const alone = await runCli(ACTIONHOST_CLI, [
        'start',
        '--data',
        dataDir,
        '--port',
        '0',
        '--tls-cert',
        server.certFile,
      ]);
      expect(alone.code).toBe(1);
      expect(alone.stderr).toContain('AH_CONFIG_INVALID');
      expect(alone.stderr).toContain('tlsKey');
      const mismatched = await runCli(ACTIONHOST_CLI, [
        'start',
        '--data',
        dataDir,
        '--port',
        '0',
        '--tls-cert',
        server.certFile,
        '--tls-key',
        stranger.keyFile,
      ]);
      expect(mismatched.code).toBe(1);
      expect(mismatched.stderr).toContain('AH_TLS_INVALID');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
