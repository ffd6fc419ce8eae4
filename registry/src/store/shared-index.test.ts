// Several hosts on one PostgreSQL index, each with a data folder of its own: a version installed on one runs on every
// other (its package fetched from the database on first use, verified, extracted), a tampered package never reaches
// a plugins folder, and hosts installing or migrating at the same moment end with one row and the same files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { integrityOf } from '@actionhost/sdk';
import { PluginStore } from '../index.ts';
import { testIndex, type TestIndex } from '../testing/backends.ts';
import { snapshot, tempDir } from '../testing/data-folder.ts';
import { PLUGIN_SCRIPT, publisherKey, signedTarball, validTarball } from '../testing/tarballs.ts';

let index: TestIndex;
let folders: ReturnType<typeof tempDir>[];
let hosts: PluginStore[];

/** One more host: a data folder of its own on the shared index. */
async function host(options: { signatures?: 'optional' | 'trusted' } = {}): Promise<PluginStore> {
  const folder = tempDir('ah-registry-host-');
  folders.push(folder);
  const store = await PluginStore.open(folder.path, { database: index.database, ...options });
  hosts.push(store);
  return store;
}

/** Runs one statement on the shared database, as someone with write access to it (not through the registry). */
async function sql(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: index.database });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

const versionFiles = (store: PluginStore, version = '1.0.0') =>
  snapshot(join(store.pluginsDir, '@acme', 'echo', version)).map((line) => line.replace(store.pluginsDir, ''));

beforeEach(async () => {
  index = await testIndex('postgres');
  folders = [];
  hosts = [];
});

afterEach(async () => {
  for (const store of hosts) await store.close();
  await index.drop();
  for (const folder of folders) folder[Symbol.dispose]();
});

describe('a version installed on another host', () => {
  it('is fetched from the database on first use, verified and extracted, then runs', async () => {
    const a = await host();
    const b = await host();
    const tarball = validTarball();
    await a.install({ tarball });

    expect((await b.list()).map((plugin) => `${plugin.name}@${plugin.version}`)).toEqual(['@acme/echo@1.0.0']);
    expect(snapshot(b.pluginsDir)).toEqual([]);
    expect(await b.readEntry('@acme/echo', '1.0.0')).toBe(PLUGIN_SCRIPT);
    const dir = (await b.get('@acme/echo', '1.0.0')).dir;
    expect(integrityOf(readFileSync(join(dir, 'package.tgz')))).toBe(integrityOf(tarball));
    expect(versionFiles(b)).toEqual(versionFiles(a));
    expect((await b.verify()).map((report) => report.ok)).toEqual([true]);
  });

  it('is checked by verify from its package in the database before this host has extracted it', async () => {
    const a = await host();
    const b = await host();
    await a.install({ tarball: validTarball() });
    expect(await b.verify()).toEqual([expect.objectContaining({ ok: true, problems: [] })]);
    await sql("UPDATE plugin_packages SET bytes = $1 WHERE name = '@acme/echo'", [validTarball({ title: 'Other' })]);
    expect(await b.verify()).toEqual([expect.objectContaining({ ok: false })]);
  });

  it('is refused when its package in the database was replaced, and nothing is extracted', async () => {
    const a = await host();
    const b = await host();
    await a.install({ tarball: validTarball() });
    // Another package under the same name and version, with an integrity column to match: the index row still says
    // what was installed.
    const other = validTarball({ description: 'not what was installed' });
    await sql("UPDATE plugin_packages SET bytes = $1, integrity = $2 WHERE name = '@acme/echo'", [
      other,
      integrityOf(other),
    ]);
    const before = snapshot(b.dataDir);
    await expect(b.readEntry('@acme/echo', '1.0.0')).rejects.toMatchObject({ code: 'AH_PACKAGE_TAMPERED' });
    await expect(b.ensureLocal('@acme/echo', '1.0.0')).rejects.toMatchObject({ code: 'AH_PACKAGE_TAMPERED' });
    expect(snapshot(b.dataDir)).toEqual(before);
  });

  it('is refused by a host whose policy admits only trusted publishers when no trusted key signed it', async () => {
    const a = await host();
    const strict = await host({ signatures: 'trusted' });
    await a.install({ tarball: signedTarball(publisherKey().privateKey) });
    const before = snapshot(strict.dataDir);
    await expect(strict.readEntry('@acme/echo', '1.0.0')).rejects.toMatchObject({ code: 'AH_SIGNATURE_UNTRUSTED' });
    expect(snapshot(strict.dataDir)).toEqual(before);
  });

  it('is extracted again where a host still has the folder of a removed version of the same number', async () => {
    const a = await host();
    const b = await host();
    await a.install({ tarball: validTarball() });
    await b.readEntry('@acme/echo', '1.0.0');
    await a.remove('@acme/echo', '1.0.0');
    const script = "globalThis.plugin = { run() { return { path: 'success', output: { again: true } }; } };\n";
    await a.install({ tarball: validTarball({}, { 'dist/plugin.js': script }) });
    expect(await b.readEntry('@acme/echo', '1.0.0')).toBe(script);
  });
});

describe('a version removed on this host and installed again on another', () => {
  it('is extracted again on first use', async () => {
    const a = await host();
    const b = await host();
    const tarball = validTarball();
    await a.install({ tarball });
    expect(await b.readEntry('@acme/echo', '1.0.0')).toBe(PLUGIN_SCRIPT);
    await b.remove('@acme/echo', '1.0.0');
    await expect(b.readEntry('@acme/echo', '1.0.0')).rejects.toMatchObject({ code: 'AH_VERSION_NOT_FOUND' });
    await a.install({ tarball });
    expect(await b.readEntry('@acme/echo', '1.0.0')).toBe(PLUGIN_SCRIPT);
  });
});

describe('hosts at the same moment', () => {
  it('installing one version end with one row, one package and the same files on both', async () => {
    const [a, b] = [await host(), await host()];
    const tarball = validTarball();
    const results = await Promise.all([a.install({ tarball }), b.install({ tarball })]);
    expect(results.map((result) => result.alreadyInstalled).sort()).toEqual([false, true]);
    expect((await sql('SELECT COUNT(*)::int AS n FROM plugin_versions')).rows).toEqual([{ n: 1 }]);
    expect((await sql('SELECT COUNT(*)::int AS n FROM plugin_packages')).rows).toEqual([{ n: 1 }]);
    expect((await sql('SELECT COUNT(*)::int AS n FROM plugin_approvals')).rows).toEqual([{ n: 1 }]);
    expect(versionFiles(b)).toEqual(versionFiles(a));
    expect(versionFiles(a).length).toBeGreaterThan(0);
  });

  it('starting on an empty database migrate it once', async () => {
    await Promise.all([host(), host(), host()]);
    const { rows } = await sql("SELECT version FROM schema_migrations WHERE module = 'registry' ORDER BY version");
    expect(rows).toEqual([{ version: 1 }, { version: 2 }]);
  });

  it('share the trust store, pins and approvals', async () => {
    const [a, b] = [await host(), await host()];
    const acme = publisherKey();
    await a.install({ tarball: signedTarball(acme.privateKey) });
    await a.trust(acme.pem, 'ACME Corp', 'test');
    await a.pin('@acme/echo', '1.0.0', 'workflow:1');
    expect((await b.get('@acme/echo', '1.0.0')).signature).toMatchObject({ status: 'trusted', publisher: 'ACME Corp' });
    expect(await b.pins('@acme/echo', '1.0.0')).toEqual(['workflow:1']);
    await expect(b.remove('@acme/echo', '1.0.0')).rejects.toMatchObject({ code: 'AH_VERSION_PINNED' });
    expect((await b.review('@acme/echo', '1.0.0')).approved).toBe(true);
  });
});
