// Every read of `registry install --from` is capped: a remote that answers with a 300 MiB version list, a lying
// Content-Length, an endless tarball or a malformed list gets a clear code, and the installing process stays small.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REMOTE_LIMITS, fetchRemote, tarballPath } from '../index.ts';
import { snapshot, tempDir } from '../testing/data-folder.ts';

const MiB = 1024 * 1024;
const program = join(import.meta.dirname, '..', 'cli', 'program.ts');
const INTEGRITY = `sha512-${Buffer.alloc(64, 7).toString('base64')}`;

let server: Server | undefined;

afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

async function serve(handler: (path: string, response: ServerResponse) => unknown): Promise<string> {
  server = createServer((request, response) => {
    void Promise.resolve(handler(request.url ?? '/', response)).catch(() => response.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Streams `total` bytes of a well-formed version list (one "1.0.<n>" entry after another), honouring back-pressure. */
async function streamVersionList(response: ServerResponse, total: number): Promise<number> {
  response.writeHead(200, { 'content-type': 'application/json' }); // chunked: no Content-Length to refuse early
  let sent = 0;
  let closed = false;
  response.once('close', () => (closed = true));
  const write = async (text: string) => {
    sent += text.length;
    if (!response.write(text)) await Promise.race([once(response, 'drain'), once(response, 'close')]);
  };
  await write('{"name":"@acme/echo","versions":{');
  const entries: string[] = [];
  for (let n = 0; sent < total && !closed; n++) {
    entries.push(`"1.0.${n}":{"integrity":"${INTEGRITY}","tarball":"${tarballPath('@acme/echo', `1.0.${n}`)}"},`);
    if (entries.length === 4096) {
      await write(entries.join(''));
      entries.length = 0;
    }
  }
  if (!closed) response.end(`${entries.join('')}"9.9.9":{"integrity":"${INTEGRITY}","tarball":"/x"}}}`);
  return sent;
}

/** Runs `registry <args>` in a child process that reports its peak resident memory (maxRSS) when it ends. */
async function registryWithPeakMemory(args: string[]): Promise<{ code: number; stderr: string; peakBytes: number }> {
  const driver = `
    const { runCli } = await import(${JSON.stringify(program)});
    const code = await runCli(JSON.parse(process.env.REGISTRY_ARGS));
    process.stderr.write('\\npeak-rss-kb ' + process.resourceUsage().maxRSS + '\\n');
    process.exitCode = code;`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', driver], {
    env: { ...process.env, REGISTRY_ARGS: JSON.stringify(args) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number];
  const peak = /peak-rss-kb (\d+)/.exec(stderr);
  expect(peak, stderr).not.toBeNull();
  return { code, stderr, peakBytes: Number(peak![1]) * 1024 };
}

describe('remote reads of install --from', () => {
  it('refuses a 300 MiB version list at the metadata cap, with bounded memory and nothing installed', async () => {
    let sent: Promise<number> | undefined;
    const url = await serve((path, response) => {
      sent = streamVersionList(response, 300 * MiB);
      return sent;
    });
    using data = tempDir();
    const result = await registryWithPeakMemory(['install', '--data', data.path, '--from', url, '@acme/echo@^1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('AH_REMOTE_RESPONSE_TOO_LARGE');
    // Node and the CLI take some 80 MiB; reading the whole list took 1.35 GB. The cap keeps it near the former.
    console.log(`install --from against a 300 MiB version list: peak RSS ${Math.round(result.peakBytes / MiB)} MiB`);
    expect(result.peakBytes).toBeLessThan(200 * MiB);
    expect(snapshot(data.path).filter((line) => line.startsWith('file plugins/'))).toEqual([]);
    expect(await sent).toBeLessThan(300 * MiB);
  }, 180_000);

  it('refuses a version list whose Content-Length is over the cap before reading it', async () => {
    const url = await serve((_path, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(300 * MiB) });
      response.write('{"versions":{');
    });
    await expect(fetchRemote(url, '@acme/echo', '^1')).rejects.toMatchObject({
      code: 'AH_REMOTE_RESPONSE_TOO_LARGE',
      details: { bytes: 300 * MiB, limit: REMOTE_LIMITS.maxMetadataBytes },
    });
  });

  it('stops an endless tarball at the tarball cap', async () => {
    const url = await serve(async (path, response) => {
      if (path === '/%40acme/echo') {
        response.end(
          JSON.stringify({
            versions: { '1.0.0': { integrity: INTEGRITY, tarball: tarballPath('@acme/echo', '1.0.0') } },
          }),
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'application/gzip' });
      const chunk = Buffer.alloc(256 * 1024);
      while (!response.destroyed) {
        if (!response.write(chunk)) await Promise.race([once(response, 'drain'), once(response, 'close')]);
      }
    });
    await expect(fetchRemote(url, '@acme/echo', '^1', { maxBytes: 2 * MiB })).rejects.toMatchObject({
      code: 'AH_TARBALL_TOO_LARGE',
      details: { limit: 2 * MiB },
    });
  });

  it('answers a malformed version list with AH_REMOTE_UNAVAILABLE', async () => {
    for (const body of [
      '{"versions":{"1.0.0":{"integrity":5,"tarball":"/x"}}}',
      '{"versions":[]}',
      'not json',
      '{"versions":{"1.0.0":{"integrity":"md5-abc","tarball":"/x"}}}',
    ]) {
      const url = await serve((_path, response) => response.end(body));
      await expect(fetchRemote(url, '@acme/echo', '^1'), body).rejects.toMatchObject({
        code: 'AH_REMOTE_UNAVAILABLE',
      });
      server!.closeAllConnections();
      await new Promise((resolve) => server!.close(resolve));
      server = undefined;
    }
  });
});
