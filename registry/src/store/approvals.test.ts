// Upgrades never widen what a plugin may reach silently: the difference between versions (capabilities, limits,
// schemas), and the approvals an install records or leaves to an admin, against real tarballs and both index backends.
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginManifest } from '@actionhost/sdk';
import { PluginStore, pluginDifference } from '../index.ts';
import { BACKENDS, testIndex, type TestIndex } from '../testing/backends.ts';
import { tempDir } from '../testing/data-folder.ts';
import { manifest as rawManifest, validTarball } from '../testing/tarballs.ts';

const narrow = { capabilities: { http: { hosts: ['127.0.0.1:8080'] } } };
const wide = { capabilities: { http: { hosts: ['*'] }, ldap: true, itsm: ['requests:read', 'relations:write'] } };

function version(version: string, overrides: Record<string, unknown> = {}) {
  return { version, manifest: PluginManifest.parse(rawManifest({ version, ...overrides })) };
}

describe('the difference between two versions', () => {
  it('lists what the newer one reaches beyond the older, and its limit, path and schema changes', () => {
    const difference = pluginDifference(
      '@acme/echo',
      version('1.0.0', {
        ...narrow,
        limits: { timeoutMs: 1000 },
        input: { type: 'object', properties: { a: { type: 'string' } } },
      }),
      version('1.0.1', {
        ...wide,
        limits: { timeoutMs: 5000, memoryMb: 64 },
        paths: ['success', 'failure', 'retry'],
        input: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'string' } }, required: ['b'] },
      }),
    );
    expect(difference.widened).toEqual(['http: *', 'ldap', 'itsm: requests:read', 'itsm: relations:write']);
    expect(difference.capabilities.http).toEqual({
      from: ['127.0.0.1:8080'],
      to: ['*'],
      added: ['*'],
      removed: ['127.0.0.1:8080'],
    });
    expect(difference.capabilities.ldap).toEqual({ from: false, to: true });
    expect(difference.limits).toEqual([
      { limit: 'memoryMb', from: null, to: 64 },
      { limit: 'timeoutMs', from: 1000, to: 5000 },
    ]);
    expect(difference.paths).toEqual({ added: ['retry'], removed: [] });
    expect(difference.input).toEqual([
      { path: '/properties/a/type', change: 'changed', from: 'string', to: 'number' },
      { path: '/properties/b', change: 'added', to: { type: 'string' } },
      { path: '/required/b', change: 'added' },
    ]);
    expect(difference.output).toEqual([]);
  });

  it('counts a host pattern as widening unless an old pattern certainly covers it', () => {
    const widened = (from: string[], to: string[]) =>
      pluginDifference(
        'x',
        version('1.0.0', { capabilities: { http: { hosts: from } } }),
        version('1.0.1', { capabilities: { http: { hosts: to } } }),
      ).widened;
    expect(widened(['*.example.com'], ['api.example.com', '*.eu.example.com'])).toEqual([]);
    expect(widened(['*.example.com'], ['example.com', '*', 'example.com.evil.net'])).toEqual([
      'http: example.com',
      'http: *',
      'http: example.com.evil.net',
    ]);
    expect(widened(['api.example.com'], ['API.example.com:8443'])).toEqual([]);
    expect(widened(['api.example.com:443'], ['api.example.com', 'api.example.com:443'])).toEqual([
      'http: api.example.com',
    ]);
    expect(widened(['*'], ['anything.at.all:1'])).toEqual([]);
    expect(widened(['*:8080'], ['a.example.com:8080', 'a.example.com'])).toEqual(['http: a.example.com']);
  });

  it('treats a capability it does not know as widening when the newer version adds or changes it', () => {
    // A capability a later host adds (the manifest schema of this one refuses it, the comparison must not).
    const later = version('1.0.1');
    const manifest = { ...later.manifest, capabilities: { smtp: { hosts: ['mail'] } } } as unknown as PluginManifest;
    const difference = pluginDifference('x', version('1.0.0'), { version: '1.0.1', manifest });
    expect(difference.widened).toEqual(['smtp']);
    expect(difference.capabilities.other).toEqual([{ capability: 'smtp', from: null, to: { hosts: ['mail'] } }]);
  });

  it('stays bounded on schemas nested thousands deep', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 5000; i++) deep = { type: 'object', properties: { x: deep } };
    const difference = pluginDifference('x', version('1.0.0'), version('1.0.1', { input: deep }));
    expect(difference.input.length).toBeGreaterThan(0);
    expect(difference.input.length).toBeLessThanOrEqual(200);
  });
});

describe.each(BACKENDS)('approvals at install, on the %s index', (backend) => {
  let data: ReturnType<typeof tempDir>;
  let store: PluginStore;
  let index: TestIndex;

  beforeEach(async () => {
    data = tempDir();
    index = await testIndex(backend);
    store = await PluginStore.open(data.path, { database: index.database });
  });

  afterEach(async () => {
    await store.close();
    await index.drop();
    data[Symbol.dispose]();
  });

  it('approves the first version and narrower ones, and leaves a wider one to an admin', async () => {
    const first = await store.install(
      { tarball: validTarball({ version: '1.0.0', ...narrow }) },
      { actor: 'cli:alice' },
    );
    expect(first.capabilities).toMatchObject({
      approved: true,
      approval: { via: 'first-version', approvedBy: 'cli:alice', against: null },
    });
    const same = await store.install({ tarball: validTarball({ version: '1.0.1', ...narrow }) }, { actor: 'cli:bob' });
    expect(same.capabilities.approval).toMatchObject({
      via: 'within-approved',
      against: '1.0.0',
      approvedBy: 'cli:bob',
    });

    const wider = await store.install({ tarball: validTarball({ version: '1.1.0', ...wide }) }, { actor: 'cli:bob' });
    expect(wider.capabilities).toMatchObject({ approved: false, approval: null });
    expect(wider.capabilities.difference).toMatchObject({
      from: '1.0.1',
      to: '1.1.0',
      widened: ['http: *', 'ldap', 'itsm: requests:read', 'itsm: relations:write'],
    });
    expect(wider.capabilities.differences.map((d) => d.from)).toEqual(['1.0.1']);
    expect((await store.get('@acme/echo', '1.1.0')).approval).toBeNull();

    const approval = await store.approve('@acme/echo', '1.1.0', 'token:admin');
    expect(approval).toMatchObject({
      via: 'approve',
      approvedBy: 'token:admin',
      against: '1.0.1',
      widened: ['http: *', 'ldap', 'itsm: requests:read', 'itsm: relations:write'],
      capabilities: wide.capabilities,
    });
    expect((await store.review('@acme/echo', '1.1.0')).approved).toBe(true);
    // An approval stands as first recorded.
    expect(await store.approve('@acme/echo', '1.1.0', 'token:other')).toEqual(approval);
  });

  it('records an approval when the installer accepts the capabilities, also of a version installed before', async () => {
    await store.install({ tarball: validTarball({ version: '1.0.0', ...narrow }) });
    const tarball = validTarball({ version: '1.0.1', ...wide });
    expect((await store.install({ tarball })).capabilities.approved).toBe(false);
    const again = await store.install(
      { tarball },
      { acceptCapabilities: true, actor: 'token:admin', channel: 'upload' },
    );
    expect(again).toMatchObject({
      alreadyInstalled: true,
      capabilities: { approved: true, approval: { via: 'upload', approvedBy: 'token:admin', against: '1.0.0' } },
    });
  });

  it('compares with the versions published workflows pin, and counts a version approved when an approved one covers it', async () => {
    await store.install({ tarball: validTarball({ version: '1.0.0', ...narrow }) });
    await store.install({ tarball: validTarball({ version: '2.0.0', ...wide }) });
    await store.install({ tarball: validTarball({ version: '1.5.0', ...wide }) });
    await store.pin('@acme/echo', '1.0.0', 'workflow:7');
    const review = await store.review('@acme/echo', '1.5.0');
    expect(review.approved).toBe(false);
    expect(review.differences.map((d) => [d.from, d.pinnedBy])).toEqual([['1.0.0', ['workflow:7']]]);
    await store.approve('@acme/echo', '2.0.0', 'token:admin');
    expect(await store.review('@acme/echo', '1.5.0')).toMatchObject({
      approved: true,
      approval: { via: 'within-approved', against: '2.0.0' },
    });
    expect((await store.difference('@acme/echo', '1.0.0', '2.0.0')).widened).toContain('ldap');
  });
});

// registry.db's own migration history: PostgreSQL databases start at the current schema.
describe('approvals on an older registry.db', () => {
  let data: ReturnType<typeof tempDir>;
  let store: PluginStore;

  beforeEach(async () => {
    data = tempDir();
    store = await PluginStore.open(data.path);
  });

  afterEach(async () => {
    await store.close();
    data[Symbol.dispose]();
  });

  it('approves, when upgrading an older registry.db, the versions workflows pin and the first of each plugin', async () => {
    await store.install({ tarball: validTarball({ version: '1.0.0', ...narrow }) });
    await store.install({ tarball: validTarball({ version: '1.1.0', ...wide }) });
    await store.install({ tarball: validTarball({ version: '1.2.0', ...wide }) });
    await store.pin('@acme/echo', '1.1.0', 'workflow:1');
    await store.close();
    // Back to the schema before approvals: the table is gone and user_version says 2.
    const db = new DatabaseSync(join(data.path, 'registry.db'));
    db.exec('DROP TABLE plugin_approvals; PRAGMA user_version = 2;');
    db.close();
    store = await PluginStore.open(data.path);
    expect((await store.list()).map((plugin) => [plugin.version, plugin.approval?.via ?? null])).toEqual([
      ['1.0.0', 'existing'],
      ['1.1.0', 'existing'],
      ['1.2.0', 'within-approved'],
    ]);
  });
});
