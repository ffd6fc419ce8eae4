// The plugin supply chain over the HTTP API, against the host's real wiring (registry.db, actionhost.db, real signed
// tarballs): the trust store of publisher keys, and uploads checked against the host's signature setting.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { SIGNATURE_FILE, createTgz, describePublicKey, signPackage } from '@actionhost/sdk';
import { ApiTokens, buildApi } from '../api/index.ts';
import { loadConfig } from '../config/index.ts';
import { openRuntime, type Runtime } from './runtime.ts';
import { registryPluginsPort } from './plugin-ports.ts';

/** An answer: its status and its JSON body (parsed loosely, as the assertions read it). */
type Answer = { status: number; body: ReturnType<typeof JSON.parse> };

interface TestHost {
  runtime: Runtime;
  app: FastifyInstance;
  call(role: 'admin' | 'editor', method: string, url: string, body?: unknown): Promise<Answer>;
  upload(tarball: Uint8Array, query?: string): Promise<Answer>;
}

const opened: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

async function openHost(settings: Record<string, string> = {}): Promise<TestHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ah-supply-api-'));
  const runtime = await openRuntime(loadConfig({ dataDir, seed: 'false', logLevel: 'silent', ...settings }), {
    workers: 1,
  });
  const auth = new ApiTokens(runtime.store);
  const tokens = { admin: auth.createToken('admin', 'admin').token, editor: auth.createToken('editor', 'ed').token };
  const app = buildApi({
    auth,
    workflows: runtime.workflows,
    itsm: runtime.itsm,
    credentials: runtime.credentials,
    plugins: registryPluginsPort(runtime.plugins),
    checkResponses: true,
  });
  opened.push(async () => {
    await app.close();
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const answer = (response: { statusCode: number; body: string }): Answer => ({
    status: response.statusCode,
    body: response.body ? JSON.parse(response.body) : null,
  });
  return {
    runtime,
    app,
    call: async (role, method, url, body) =>
      answer(
        await app.inject({
          method: method as 'GET',
          url,
          headers: { authorization: `Bearer ${tokens[role]}` },
          ...(body === undefined ? {} : { payload: body as object }),
        }),
      ),
    upload: async (tarball, query = '') =>
      answer(
        await app.inject({
          method: 'POST',
          url: `/api/plugins${query}`,
          headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/gzip' },
          payload: Buffer.from(tarball),
        }),
      ),
  };
}

function pluginTarball(
  manifest: Record<string, unknown> = {},
  options: { sign?: KeyObject; tamper?: string } = {},
): Uint8Array {
  const full = {
    name: '@acme/echo',
    version: '1.0.0',
    title: 'Echo',
    category: 'plugin',
    host: '^1.0.0',
    entry: 'dist/plugin.js',
    input: { type: 'object' },
    output: { type: 'object' },
    paths: ['success'],
    ...manifest,
  };
  const text = (value: string) => new TextEncoder().encode(value);
  const files = new Map<string, Uint8Array>([
    ['plugin.json', text(JSON.stringify(full))],
    ['dist/plugin.js', text("globalThis.plugin = { run: (input) => ({ path: 'success', output: input }) };")],
  ]);
  if (options.sign) files.set(SIGNATURE_FILE, signPackage(full.name, full.version, files, options.sign));
  if (options.tamper !== undefined) files.set('dist/plugin.js', text(options.tamper));
  return createTgz([...files].map(([path, data]) => ({ path: `package/${path}`, data })));
}

function publisher(): { privateKey: KeyObject; keyId: string; publicKey: string; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey,
    ...describePublicKey(publicKey),
    pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

describe('trusted publisher keys over the API', () => {
  it('lets an admin trust, list and remove keys, and shows each upload signature against them', async () => {
    const host = await openHost();
    const acme = publisher();
    expect((await host.call('editor', 'GET', '/api/trusted-keys')).status).toBe(403);
    expect(
      (await host.call('editor', 'POST', '/api/trusted-keys', { publisher: 'x', publicKey: acme.pem })).status,
    ).toBe(403);
    const bad = await host.call('admin', 'POST', '/api/trusted-keys', { publisher: 'x', publicKey: 'ed25519:nope' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'AH_PUBLIC_KEY_INVALID']);

    const added = await host.call('admin', 'POST', '/api/trusted-keys', {
      publisher: 'ACME Corp',
      publicKey: acme.pem,
    });
    expect(added).toMatchObject({
      status: 201,
      body: { keyId: acme.keyId, publicKey: acme.publicKey, publisher: 'ACME Corp', addedBy: 'token:admin' },
    });
    expect((await host.call('admin', 'GET', '/api/trusted-keys')).body).toEqual([added.body]);

    const upload = await host.upload(pluginTarball({}, { sign: acme.privateKey }));
    expect(upload).toMatchObject({
      status: 201,
      body: { name: '@acme/echo', signature: { status: 'trusted', keyId: acme.keyId, publisher: 'ACME Corp' } },
    });
    expect((await host.upload(pluginTarball({ version: '1.0.1' }))).body.signature.status).toBe('unsigned');

    expect((await host.call('admin', 'DELETE', `/api/trusted-keys/${acme.keyId}`)).status).toBe(204);
    const listed = (await host.call('admin', 'GET', '/api/plugins')).body as { version: string; signature: unknown }[];
    expect(listed.map((plugin) => [plugin.version, plugin.signature])).toEqual([
      ['1.0.0', { status: 'untrusted', keyId: acme.keyId, publisher: null }],
      ['1.0.1', { status: 'unsigned', keyId: null, publisher: null }],
    ]);
    const gone = await host.call('admin', 'DELETE', `/api/trusted-keys/${acme.keyId}`);
    expect([gone.status, gone.body.error.code]).toEqual([404, 'AH_TRUSTED_KEY_NOT_FOUND']);
  });

  it('refuses unsigned and untrusted uploads on a host that requires trusted signatures, and broken ones anywhere', async () => {
    const strict = await openHost({ pluginSignatures: 'trusted' });
    const acme = publisher();
    const unsigned = await strict.upload(pluginTarball());
    expect([unsigned.status, unsigned.body.error.code]).toEqual([403, 'AH_SIGNATURE_MISSING']);
    const untrusted = await strict.upload(pluginTarball({}, { sign: acme.privateKey }));
    expect([untrusted.status, untrusted.body.error.code]).toEqual([403, 'AH_SIGNATURE_UNTRUSTED']);
    await strict.call('admin', 'POST', '/api/trusted-keys', { publisher: 'ACME Corp', publicKey: acme.publicKey });
    expect((await strict.upload(pluginTarball({}, { sign: acme.privateKey }))).status).toBe(201);
    expect((await strict.call('admin', 'GET', '/api/plugins')).body).toHaveLength(1);

    const lenient = await openHost();
    const broken = await lenient.upload(
      pluginTarball({}, { sign: acme.privateKey, tamper: 'globalThis.plugin = {};' }),
    );
    expect([broken.status, broken.body.error.code]).toEqual([400, 'AH_SIGNATURE_INVALID']);
    expect((await lenient.call('admin', 'GET', '/api/plugins')).body).toEqual([]);
  });
});
