// The data folder as the host leaves it on disk: real SQLite files, owner-only like master.key, and no answer of the
// API that shows where they are.
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTgz } from '@actionhost/sdk';
import { buildApi } from '../api/index.ts';
import { loadConfig } from '../config/index.ts';
import { openRuntime, type Runtime } from './runtime.ts';
import { registryPluginsPort } from './plugin-ports.ts';

const DATABASE_FILES = ['actionhost.db', 'actionhost.db-wal', 'actionhost.db-shm', 'registry.db', 'registry.db-wal'];

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

function echoTarball(version = '1.0.0'): Buffer {
  const manifest = {
    name: '@acme/echo',
    version,
    title: 'Echo',
    category: 'plugin',
    host: '^1.0.0',
    entry: 'dist/plugin.js',
    input: { type: 'object' },
    output: { type: 'object' },
    paths: ['success'],
  };
  const text = (value: string) => new TextEncoder().encode(value);
  return Buffer.from(
    createTgz([
      { path: 'package/plugin.json', data: text(JSON.stringify(manifest)) },
      {
        path: 'package/dist/plugin.js',
        data: text("globalThis.plugin = { run: (input) => ({ path: 'success', output: input }) };"),
      },
    ]),
  );
}

let root: string;
let dataDir: string;
let runtime: Runtime | undefined;

async function open(): Promise<Runtime> {
  runtime = await openRuntime(loadConfig({ dataDir, seed: 'false', logLevel: 'silent' }), { workers: 1 });
  return runtime;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ah-data-folder-'));
  dataDir = join(root, 'data');
});

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  rmSync(root, { recursive: true, force: true });
});

describe('data folder files', () => {
  it('creates the data folder 0700 and actionhost.db, registry.db and their -wal/-shm files 0600', async () => {
    const host = await open();
    await host.itsm.createRequest({ kind: 'incident', subject: 'writes to the WAL' }, 'test');
    await host.plugins.install({ tarball: echoTarball() });
    expect(modeOf(dataDir)).toBe(0o700);
    for (const file of [...DATABASE_FILES, 'registry.db-shm', 'master.key']) {
      expect([file, modeOf(join(dataDir, file)).toString(8)]).toEqual([file, '600']);
    }
  });

  it('takes group and other access away from the database files of an older data folder', async () => {
    const first = await open();
    await first.itsm.createRequest({ kind: 'incident', subject: 'first start' }, 'test');
    await first.plugins.install({ tarball: echoTarball() });
    await first.close();
    runtime = undefined;
    for (const file of readdirSync(dataDir).filter((name) => name.includes('.db'))) {
      chmodSync(join(dataDir, file), 0o644);
    }
    const again = await open();
    await again.itsm.createRequest({ kind: 'incident', subject: 'second start' }, 'test');
    await again.plugins.install({ tarball: echoTarball('1.0.1') });
    for (const file of DATABASE_FILES) {
      expect([file, modeOf(join(dataDir, file)).toString(8)]).toEqual([file, '600']);
    }
  });
});

describe('plugin routes', () => {
  it("answer the list and an upload without the server's folder", async () => {
    const host = await open();
    const auth = host.tokens;
    const token = (await auth.createToken('admin', 'admin')).token;
    const app = buildApi({
      auth,
      workflows: host.workflows,
      itsm: host.itsm,
      credentials: host.credentials,
      plugins: registryPluginsPort(host.plugins),
      checkResponses: true,
    });
    try {
      const upload = await app.inject({
        method: 'POST',
        url: '/api/plugins',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' },
        payload: echoTarball(),
      });
      expect(upload.statusCode).toBe(201);
      expect(upload.json()).toMatchObject({ name: '@acme/echo', version: '1.0.0', alreadyInstalled: false });
      const list = await app.inject({
        method: 'GET',
        url: '/api/plugins',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(list.statusCode).toBe(200);
      expect(list.json()).toEqual([expect.objectContaining({ name: '@acme/echo', version: '1.0.0' })]);
      for (const answer of [upload.body, list.body]) {
        expect(answer).not.toContain(root);
        expect(answer).not.toContain('"dir"');
      }
    } finally {
      await app.close();
    }
  });
});
