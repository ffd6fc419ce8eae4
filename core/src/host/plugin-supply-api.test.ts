// The plugin supply chain over the HTTP API, against the host's real wiring (registry.db, actionhost.db, real signed
// tarballs): the trust store of publisher keys, and uploads checked against the host's signature setting.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { SIGNATURE_FILE, createTgz, describePublicKey, signPackage } from '@actionhost/sdk';
import { buildApi } from '../api/index.ts';
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
  const auth = runtime.tokens;
  const tokens = {
    admin: (await auth.createToken('admin', 'admin')).token,
    editor: (await auth.createToken('editor', 'ed')).token,
  };
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

describe('capability approvals over the API', () => {
  const echoWorkflow = {
    name: 'Echo',
    module: 'request',
    trigger: { event: 'request.created' },
    start: 'echo',
    nodes: [{ id: 'echo', kind: 'action', title: 'Echo', uses: '@acme/echo@^1', inputs: {} }],
  };
  const narrow = { http: { hosts: ['127.0.0.1:8080'] } };
  const wide = { http: { hosts: ['*'] }, ldap: true, itsm: ['requests:read', 'relations:write'] };
  const widened = ['http: *', 'ldap', 'itsm: requests:read', 'itsm: relations:write'];

  it('refuses to republish with an upgrade that widens capabilities until an admin approves, then pins it', async () => {
    const host = await openHost();
    const first = await host.upload(pluginTarball({ version: '1.0.0', capabilities: narrow }));
    expect(first).toMatchObject({
      status: 201,
      body: { capabilities: { approved: true, approval: { via: 'first-version', approvedBy: 'token:admin' } } },
    });
    const created = await host.call('editor', 'POST', '/api/workflows', echoWorkflow);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const publish = (role: 'admin' | 'editor', body?: unknown) =>
      host.call(role, 'POST', `/api/workflows/${id}/publish`, body);
    expect((await publish('editor')).body.published.plugins.echo.version).toBe('1.0.0');

    const upgrade = await host.upload(pluginTarball({ version: '1.0.1', capabilities: wide }));
    expect(upgrade).toMatchObject({
      status: 201,
      body: {
        capabilities: {
          approved: false,
          approval: null,
          difference: { from: '1.0.0', to: '1.0.1', widened },
          differences: [{ from: '1.0.0', widened, pinnedBy: [`workflow:${id}`] }],
        },
      },
    });

    const refused = await publish('editor');
    expect([refused.status, refused.body.error.code]).toEqual([409, 'AH_CAPABILITIES_NOT_APPROVED']);
    expect(refused.body.error.details.plugins).toEqual([
      { name: '@acme/echo', version: '1.0.1', against: '1.0.0', widened },
    ]);
    const preview = await host.call('editor', 'POST', `/api/workflows/${id}/preview`);
    expect(preview.body).toMatchObject({ ready: false, problems: [{ code: 'AH_CAPABILITIES_NOT_APPROVED' }] });
    // Only an admin approves at publish time; the refused publishes pinned nothing new.
    const editorApproves = await publish('editor', { acceptCapabilities: true });
    expect([editorApproves.status, editorApproves.body.error.code]).toEqual([403, 'AH_FORBIDDEN']);
    expect((await host.call('editor', 'GET', `/api/workflows/${id}`)).body.published.plugins.echo.version).toBe(
      '1.0.0',
    );
    expect(await host.runtime.plugins.pins('@acme/echo', '1.0.1')).toEqual([]);

    const difference = await host.call('editor', 'GET', '/api/plugins/%40acme%2Fecho/1.0.1/difference?against=1.0.0');
    expect(difference).toMatchObject({
      status: 200,
      body: { from: '1.0.0', to: '1.0.1', widened, capabilities: { ldap: { from: false, to: true } } },
    });

    const approved = await publish('admin', { acceptCapabilities: true });
    expect(approved.status).toBe(200);
    expect(approved.body.published.plugins.echo.version).toBe('1.0.1');
    expect(await host.runtime.plugins.pins('@acme/echo', '1.0.1')).toEqual([`workflow:${id}`]);
    const review = await host.call('editor', 'GET', '/api/plugins/%40acme%2Fecho/1.0.1/capabilities');
    expect(review.body).toMatchObject({
      approved: true,
      approval: { via: 'publish', approvedBy: 'token:admin', against: '1.0.0', widened, capabilities: wide },
    });
    // Approved once, an editor republishes with it.
    expect((await publish('editor')).status).toBe(200);
  });

  it("records the uploading admin's approval with acceptCapabilities, and an approval over the API", async () => {
    const host = await openHost();
    await host.upload(pluginTarball({ version: '1.0.0', capabilities: narrow }));
    const accepted = await host.upload(
      pluginTarball({ version: '1.0.1', capabilities: wide }),
      '?acceptCapabilities=true',
    );
    expect(accepted.body.capabilities).toMatchObject({
      approved: true,
      approval: { via: 'upload', approvedBy: 'token:admin', against: '1.0.0', widened },
    });
    const wider = { ...wide, itsm: [...wide.itsm, 'requests:write'] };
    expect(
      (await host.upload(pluginTarball({ version: '1.0.2', capabilities: wider }))).body.capabilities,
    ).toMatchObject({
      approved: false,
      difference: { from: '1.0.1', widened: ['itsm: requests:write'] },
    });
    const url = '/api/plugins/%40acme%2Fecho/1.0.2/capabilities/approval';
    expect((await host.call('editor', 'POST', url)).status).toBe(403);
    expect(await host.call('admin', 'POST', url)).toMatchObject({
      status: 200,
      body: { via: 'approve', approvedBy: 'token:admin', widened: ['itsm: requests:write'] },
    });
    const listed = (await host.call('editor', 'GET', '/api/plugins')).body as { version: string; approval: unknown }[];
    expect(listed.map((plugin) => [plugin.version, (plugin.approval as { via: string }).via])).toEqual([
      ['1.0.0', 'first-version'],
      ['1.0.1', 'upload'],
      ['1.0.2', 'approve'],
    ]);
  });
});
