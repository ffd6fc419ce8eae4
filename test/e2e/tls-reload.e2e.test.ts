// Renewing the host's certificate without a restart: the certificate and key files are replaced and the host gets
// SIGHUP. A keep-alive connection made before it keeps answering (with the certificate it was made with), new
// connections get the new one, and the change is in the admin action log and the metrics. Files that are not a
// valid pair are refused with AH_TLS_INVALID and the certificate already served stays.
import { X509Certificate } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import { Agent as HttpsAgent, request } from 'node:https';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, eventually, startHostProcess, type HostProcess, type TestCa } from '@actionhost/test/support';

let ca: TestCa;
let host: HostProcess;
let certFile: string;
let keyFile: string;
let port: number;
let firstCert: string;

beforeAll(async () => {
  ca = createTestCa();
  const first = ca.issue(['127.0.0.1'], 'first');
  // The files the host is configured with; the test replaces their contents as a renewal would.
  certFile = join(ca.dir, 'served.pem');
  keyFile = join(ca.dir, 'served.key');
  copyFileSync(first.certFile, certFile);
  copyFileSync(first.keyFile, keyFile);
  firstCert = first.cert;
  host = await startHostProcess({ seed: false, tls: { certFile, keyFile, ca: ca.ca } });
  port = Number(new URL(host.url).port);
}, 120_000);

afterAll(async () => {
  await host?.stop();
  ca?.close();
});

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

/** A GET over `agent`: its status, the TLS socket it went over, and the certificate that socket was made with. */
function get(agent: HttpsAgent, path: string): Promise<{ status: number; socket: TLSSocket; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, agent }, (response) => {
      const socket = response.socket as TLSSocket;
      response.resume();
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, socket, fingerprint: socket.getPeerCertificate().fingerprint256 }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** The certificate a new connection is shown (verified against the test CA). */
function newConnectionFingerprint(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: ca.ca }, () => {
      const seen = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(seen);
    });
    socket.on('error', reject);
  });
}

const sighups = () =>
  host
    .output()
    .split('\n')
    .filter((line) => line.includes('SIGHUP:'));

describe('certificate reload on SIGHUP', () => {
  it('serves the new certificate to new connections while an established one keeps answering', async () => {
    const first = fingerprint(firstCert);
    const agent = new HttpsAgent({ keepAlive: true, maxSockets: 1, ca: ca.ca });
    try {
      const before = await get(agent, '/api/health');
      expect(before).toMatchObject({ status: 200, fingerprint: first });

      const renewed = ca.issue(['127.0.0.1'], 'renewed');
      writeFileSync(keyFile, renewed.key);
      writeFileSync(certFile, renewed.cert);
      host.child.kill('SIGHUP');
      await eventually(newConnectionFingerprint, (seen) => seen === fingerprint(renewed.cert));

      // The keep-alive connection made before the reload is still open and still answers.
      const after = await get(agent, '/api/health');
      expect(after.status).toBe(200);
      expect(after.socket).toBe(before.socket);
      expect(after.fingerprint).toBe(first);
      expect(host.child.exitCode).toBeNull();

      const log = await host.api<{ entries: { action: string; before: unknown; after: unknown }[] }>(
        'GET',
        '/api/admin-log?action=tls.reload',
      );
      expect(log.body.entries).toHaveLength(1);
      expect(log.body.entries[0]).toMatchObject({
        before: { fingerprint256: first },
        after: { fingerprint256: fingerprint(renewed.cert) },
      });
    } finally {
      agent.destroy();
    }
  });

  it('keeps serving the current certificate when the new files are not a valid pair', async () => {
    const served = await newConnectionFingerprint();
    const stranger = ca.issue(['127.0.0.1'], 'stranger');
    const replacement = ca.issue(['127.0.0.1'], 'replacement');
    for (const [cert, key] of [
      ['not a certificate\n', replacement.key],
      [replacement.cert, stranger.key],
    ]) {
      const refusedBefore = sighups().filter((line) => line.includes('AH_TLS_INVALID')).length;
      writeFileSync(keyFile, key);
      writeFileSync(certFile, cert);
      host.child.kill('SIGHUP');
      await eventually(
        () => Promise.resolve(sighups().filter((line) => line.includes('AH_TLS_INVALID')).length),
        (refused) => refused === refusedBefore + 1,
      );
      expect(await newConnectionFingerprint()).toBe(served);
      expect((await host.api('GET', '/api/health')).status).toBe(200);
    }
    const metrics = await metricsText();
    expect(metrics).toMatch(/^actionhost_tls_reloads_total\{result="ok"\} 1$/m);
    expect(metrics).toMatch(/^actionhost_tls_reloads_total\{result="refused"\} 2$/m);
  });
});

async function metricsText(): Promise<string> {
  const dispatcher = new Agent({ connect: { ca: ca.ca } });
  try {
    return await (await fetch(`${host.url}/metrics`, { dispatcher })).text();
  } finally {
    await dispatcher.close();
  }
}
