// `registry serve` and `install --from`: a second store installs from the first over loopback HTTP, with the
// advertised integrity checked, and nothing outside the index is reachable through the server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { once } from 'node:events';
import { PluginStore, RegistryServer, fetchRemote, tarballPath } from '../index.ts';
import { snapshot, tempDir } from '../testing/data-folder.ts';
import { validTarball } from '../testing/tarballs.ts';

const main = join(import.meta.dirname, '..', 'cli', 'main.ts');

let source: ReturnType<typeof tempDir>;
let target: ReturnType<typeof tempDir>;
let served: PluginStore;
let local: PluginStore;
let server: RegistryServer;

beforeEach(async () => {
  source = tempDir();
  target = tempDir();
  served = await PluginStore.open(source.path);
  local = await PluginStore.open(target.path);
  for (const version of ['1.0.0', '1.4.2', '2.0.0']) await served.install({ tarball: validTarball({ version }) });
  server = await RegistryServer.listen(served);
});

afterEach(async () => {
  await server.close();
  await served.close();
  await local.close();
  source[Symbol.dispose]();
  target[Symbol.dispose]();
});

describe('remote install', () => {
  it('installs the highest version in range from a served store, checking its integrity', async () => {
    const remote = await fetchRemote(server.url, '@acme/echo', '^1.0.0');
    expect(remote.version).toBe('1.4.2');
    const result = await local.install(
      { tarball: remote.tarball, source: remote.source },
      { integrity: remote.integrity },
    );
    expect(result).toMatchObject({
      name: '@acme/echo',
      version: '1.4.2',
      integrity: (await served.get('@acme/echo', '1.4.2')).integrity,
    });
  });

  it('reports unknown plugins and unmatched ranges with the usual codes', async () => {
    await expect(fetchRemote(server.url, '@acme/nothing', '*')).rejects.toMatchObject({ code: 'AH_PLUGIN_NOT_FOUND' });
    await expect(fetchRemote(server.url, '@acme/echo', '^3')).rejects.toMatchObject({ code: 'AH_VERSION_NOT_FOUND' });
  });

  it('refuses a tarball whose bytes do not match the integrity the remote advertised', async () => {
    const genuine = await served.get('@acme/echo', '2.0.0');
    const liar = createServer((request, response) => {
      if (request.url === '/%40acme/echo') {
        response.end(
          JSON.stringify({
            name: '@acme/echo',
            versions: { '2.0.0': { integrity: genuine.integrity, tarball: tarballPath('@acme/echo', '2.0.0') } },
          }),
        );
      } else {
        response.end(validTarball({ version: '2.0.0', description: 'swapped on the way' }));
      }
    });
    liar.listen(0, '127.0.0.1');
    await once(liar, 'listening');
    try {
      const url = `http://127.0.0.1:${(liar.address() as AddressInfo).port}`;
      const remote = await fetchRemote(url, '@acme/echo', '2.0.0');
      const before = snapshot(target.path);
      await expect(local.install({ tarball: remote.tarball }, { integrity: remote.integrity })).rejects.toMatchObject({
        code: 'AH_INTEGRITY_MISMATCH',
      });
      expect(snapshot(target.path)).toEqual(before);
    } finally {
      liar.closeAllConnections();
      liar.close();
    }
  });

  it('refuses a package that is not the name@version the remote was asked for, even with matching integrity', async () => {
    // A remote that answers a request for @acme/echo with a (self-consistent) package of another plugin.
    const other = validTarball({ name: '@evil/swap', version: '2.0.0' });
    const { integrityOf } = await import('@actionhost/sdk');
    const liar = createServer((request, response) => {
      if (request.url === '/%40acme/echo') {
        response.end(
          JSON.stringify({
            name: '@acme/echo',
            versions: { '2.0.0': { integrity: integrityOf(other), tarball: tarballPath('@acme/echo', '2.0.0') } },
          }),
        );
      } else {
        response.end(other);
      }
    });
    liar.listen(0, '127.0.0.1');
    await once(liar, 'listening');
    try {
      const url = `http://127.0.0.1:${(liar.address() as AddressInfo).port}`;
      const before = snapshot(target.path);
      const child = spawn(process.execPath, [main, 'install', '--data', target.path, '--from', url, '@acme/echo@^2'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      const [code] = await once(child, 'exit');
      expect(code).toBe(1);
      expect(stderr).toContain('AH_PACKAGE_MISMATCH');
      expect(snapshot(target.path)).toEqual(before);
    } finally {
      liar.closeAllConnections();
      liar.close();
    }
  });

  it('serves only indexed tarballs, whatever the path says', async () => {
    for (const path of [
      '/..%2F..%2Fregistry.db/-/x.tgz',
      '/%40acme/echo/-/..%2F..%2F..%2Fregistry.db.tgz',
      '/%40acme/echo/-/9.9.9.tgz',
      '/%E0%A4%A/-/1.0.0.tgz',
    ]) {
      const response = await fetch(server.url + path);
      expect([400, 404]).toContain(response.status);
      expect(((await response.json()) as { code: string }).code).toMatch(/^AH_/);
    }
    expect((await fetch(server.url + '/-/plugins', { method: 'POST' })).status).toBe(405);
    const listing = await (await fetch(server.url + '/-/plugins')).json();
    expect(listing).toHaveLength(3);
  });

  it('installs with the CLI from a running `registry serve`', async () => {
    const child = spawn(process.execPath, [main, 'serve', '--port', '0', '--data', source.path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const url = /at (http:\/\/\S+)/.exec(line.toString())![1];
      const install = spawn(process.execPath, [
        main,
        'install',
        '--from',
        url,
        '@acme/echo@~1.0',
        '--data',
        target.path,
      ]);
      let stdout = '';
      install.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      const [code] = await once(install, 'exit');
      expect(code).toBe(0);
      expect(stdout).toContain('installed @acme/echo@1.0.0');
      expect((await local.list()).map((p) => p.version)).toEqual(['1.0.0']);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
