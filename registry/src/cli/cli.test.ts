// The `registry` command line, run as a real child process: results on stdout, errors as "error AH_CODE: ...",
// exit codes 0 / 1 / 2, and the data folder chosen by --data or ACTIONHOST_DATA.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PluginStore } from '../index.ts';
import { runCli } from './index.ts';
import { testIndex } from '../testing/backends.ts';
import { snapshot, tempDir } from '../testing/data-folder.ts';
import { publisherKey, rawTarball, signedTarball, validRawEntries, validTarball } from '../testing/tarballs.ts';

const main = join(import.meta.dirname, 'main.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function registry(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [main, ...args],
      { env: { ...process.env, ACTIONHOST_DATA: '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let work: ReturnType<typeof tempDir>;
let data: string;
let echo1: string;
let echo2: string;

beforeEach(() => {
  work = tempDir('ah-registry-cli-');
  data = join(work.path, 'data');
  echo1 = join(work.path, 'echo-1.0.0.tgz');
  echo2 = join(work.path, 'echo-1.2.0.tgz');
  writeFileSync(echo1, validTarball({ version: '1.0.0' }));
  writeFileSync(echo2, validTarball({ version: '1.2.0' }));
});

afterEach(() => work[Symbol.dispose]());

describe('registry CLI', () => {
  it('installs, lists as JSON, shows info by range, removes and verifies', async () => {
    const installed = await registry(['--data', data, 'install', echo1, echo2]);
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain('installed @acme/echo@1.0.0 sha512-');
    expect(installed.stdout).toContain('installed @acme/echo@1.2.0 sha512-');
    expect(installed.stderr).not.toBe('');

    const listed = await registry(['list', '--json', '--data', data]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).map((p: { version: string }) => p.version)).toEqual(['1.0.0', '1.2.0']);

    const info = await registry(['--data', data, 'info', '@acme/echo@~1.0', '--json']);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject([{ name: '@acme/echo', version: '1.0.0', pins: [] }]);
    expect((await registry(['--data', data, 'info', '@acme/echo'])).stdout).toContain('@acme/echo@1.2.0');

    const removed = await registry(['--data', data, 'remove', '@acme/echo@1.0.0']);
    expect(removed).toMatchObject({ code: 0, stdout: 'removed @acme/echo@1.0.0\n' });

    const verified = await registry(['--data', data, 'verify', '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toEqual([
      {
        name: '@acme/echo',
        version: '1.2.0',
        ok: true,
        problems: [],
        signature: { status: 'unsigned', keyId: null, publisher: null },
      },
    ]);
  });

  it('says when a version was already installed', async () => {
    await registry(['--data', data, 'install', echo1]);
    const again = await registry(['--data', data, 'install', echo1]);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toContain('already installed @acme/echo@1.0.0');
  });

  it('uses ACTIONHOST_DATA when --data is not given', async () => {
    expect((await registry(['install', echo1], { ACTIONHOST_DATA: data })).code).toBe(0);
    const store = await PluginStore.open(data);
    try {
      expect((await store.list()).map((p) => p.version)).toEqual(['1.0.0']);
    } finally {
      await store.close();
    }
  });

  it('refuses to remove a pinned version unless forced', async () => {
    await registry(['--data', data, 'install', echo1]);
    const store = await PluginStore.open(data);
    try {
      await store.pin('@acme/echo', '1.0.0', 'workflow:42');
    } finally {
      await store.close();
    }
    const refused = await registry(['--data', data, 'remove', '@acme/echo@1.0.0']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error AH_VERSION_PINNED: /m);
    const forced = await registry(['--data', data, 'remove', '@acme/echo@1.0.0', '--force']);
    expect(forced.code).toBe(0);
  });

  it('exits 1 from verify when a stored file was tampered with', async () => {
    await registry(['--data', data, 'install', echo1]);
    appendFileSync(join(data, 'plugins', '@acme', 'echo', '1.0.0', 'dist', 'plugin.js'), '// changed');
    const verified = await registry(['--data', data, 'verify']);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain('FAIL @acme/echo@1.0.0');
    expect(verified.stdout).toContain('dist/plugin.js');
  });

  it('prints the error code of a refused tarball and leaves the data folder unchanged', async () => {
    await registry(['--data', data, 'install', echo1]);
    const hostile = join(work.path, 'hostile.tgz');
    writeFileSync(
      hostile,
      rawTarball([...validRawEntries({ version: '6.6.6' }), { path: 'package/x', type: '2', linkpath: '/etc' }]),
    );
    const before = snapshot(data);
    const refused = await registry(['--data', data, 'install', hostile]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error AH_TARBALL_UNSAFE_ENTRY: /m);
    expect(snapshot(data)).toEqual(before);
  });

  it('checks --integrity', async () => {
    const wrong = await registry(['--data', data, 'install', echo1, '--integrity', 'sha512-AAAA']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error AH_INTEGRITY_MISMATCH: /m);
    const twoSpecs = await registry(['--data', data, 'install', echo1, echo2, '--integrity', 'sha512-AAAA']);
    expect(twoSpecs.code).toBe(2);
  });

  it('reports a missing plugin with exit code 1', async () => {
    await registry(['--data', data, 'install', echo1]);
    const info = await registry(['--data', data, 'info', '@acme/nothing']);
    expect(info.code).toBe(1);
    expect(info.stderr).toMatch(/^error AH_PLUGIN_NOT_FOUND: /m);
  });

  it('exits 2 on a wrong command line and 0 with help, as a process', async () => {
    const wrong = await registry(['--data', data, 'frobnicate']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('unknown command');
    const help = await registry(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/usage: registry/i);
  });

  it('treats every malformed command line as usage error 2, and answers --help on every command', async () => {
    const run = async (args: string[]) => {
      const io = { stdout: [] as string[], stderr: [] as string[] };
      const code = await runCli(args, { stdout: (t) => io.stdout.push(t), stderr: (t) => io.stderr.push(t) }, {});
      return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
    };
    for (const args of [
      ['list', '--bogus'],
      ['remove', '@acme/echo'],
      ['remove', '@acme/echo@^1'],
      ['install'],
      [],
      ['info'],
      ['verify', 'extra'],
      ['install', 'a.tgz', '--integrity', 'md5-xyz'],
      ['serve', '--port', 'http'],
    ]) {
      expect((await run(['--data', data, ...args])).code, args.join(' ')).toBe(2);
    }
    for (const command of ['install', 'list', 'info', 'remove', 'verify', 'serve']) {
      const help = await run([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`usage: registry ${command}`, 'i'));
    }
  });

  it('builds, packs and installs a plugin folder with TypeScript sources', async () => {
    const dir = join(work.path, 'hello');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: '@acme/hello',
        version: '0.4.0',
        description: 'Says hello',
        type: 'module',
        dependencies: { '@actionhost/sdk': '1.0.0', zod: '^4.6.7' },
      }),
    );
    writeFileSync(
      join(dir, 'src', 'plugin.ts'),
      [
        "import { z } from 'zod';",
        "import { definePlugin } from '@actionhost/sdk';",
        'export default definePlugin({',
        "  title: 'Hello', category: 'plugin',",
        '  input: z.object({ name: z.string() }), output: z.object({ message: z.string() }),',
        "  paths: ['success'],",
        "  run(input) { return { path: 'success', output: { message: `hello ${input.name}` } }; },",
        '});',
      ].join('\n'),
    );
    const installed = await registry(['--data', data, 'install', dir]);
    expect(installed.stderr).not.toMatch(/^error/m);
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain('installed @acme/hello@0.4.0');
    const store = await PluginStore.open(data);
    try {
      expect(await store.readEntry('@acme/hello', '0.4.0')).toContain('hello');
    } finally {
      await store.close();
    }
  });
});

describe('registry CLI on a shared PostgreSQL index', () => {
  it('installs with --database on one host, and another host (ACTIONHOST_DATABASE_URL) lists, verifies and extracts it', async () => {
    const index = await testIndex('postgres');
    try {
      const other = join(work.path, 'other-host');
      expect((await registry(['--data', data, '--database', index.database!, 'install', echo1])).code).toBe(0);
      expect(existsSync(join(data, 'registry.db'))).toBe(false);
      const env = { ACTIONHOST_DATABASE_URL: index.database! };
      const listed = await registry(['--data', other, 'list', '--json'], env);
      expect(listed.code).toBe(0);
      expect((JSON.parse(listed.stdout) as { version: string }[]).map((plugin) => plugin.version)).toEqual(['1.0.0']);
      const verified = await registry(['--data', other, 'verify', '--json'], env);
      expect(verified.code).toBe(0);
      expect(JSON.parse(verified.stdout)).toEqual([expect.objectContaining({ ok: true })]);
      const store = await PluginStore.open(other, { database: index.database });
      try {
        expect(readFileSync(join(await store.ensureLocal('@acme/echo', '1.0.0'), 'package.tgz'))).toEqual(
          readFileSync(echo1),
        );
      } finally {
        await store.close();
      }
    } finally {
      await index.drop();
    }
  });

  it('refuses a --database that is not a postgres:// URL as a usage error', async () => {
    const run = await registry(['--data', data, '--database', 'mysql://db/x', 'list']);
    expect(run.code).toBe(2);
  });
});

describe('registry CLI behaviour shared by every actionhost command line', () => {
  it('prints its version with --version', async () => {
    const version = (
      JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }
    ).version;
    expect(await registry(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('answers a mistyped command or flag with one line and a did-you-mean, exit 2', async () => {
    const command = await registry(['--data', data, 'lst']);
    expect(command.code).toBe(2);
    expect(command.stderr.trim().split('\n')).toHaveLength(1);
    expect(command.stderr).toMatch(/\blist\b/);
    const flag = await registry(['--data', data, 'list', '--jsn']);
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim().split('\n')).toHaveLength(1);
    expect(flag.stderr).toContain('--json');
  });

  it('refuses, in commands that only read, a data folder that holds no store, and creates nothing', async () => {
    const mistyped = join(work.path, 'dtaa');
    for (const args of [['list'], ['info', '@acme/echo'], ['verify'], ['remove', '@acme/echo@1.0.0'], ['serve']]) {
      const result = await registry(['--data', mistyped, ...args]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/^error AH_DATA_NOT_FOUND: /m);
      expect(existsSync(mistyped)).toBe(false);
    }
  });

  it('says that --from is needed to install name@range', async () => {
    const result = await registry(['--data', data, 'install', '@acme/echo@^1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--from');
    expect(existsSync(data)).toBe(false);
  });

  it('names the address when the port of serve is in use (AH_PORT_IN_USE)', async () => {
    await registry(['--data', data, 'install', echo1]);
    const busy = createServer();
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    try {
      const port = (busy.address() as { port: number }).port;
      const result = await registry(['--data', data, 'serve', '--port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error AH_PORT_IN_USE: /m);
      expect(result.stderr).toContain(`127.0.0.1:${port}`);
    } finally {
      busy.close();
    }
  });

  it('serves an index of the installed plugins at /', async () => {
    await registry(['--data', data, 'install', echo1, echo2]);
    const child = spawn(process.execPath, [main, 'serve', '--port', '0', '--data', data], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const url = /at (http:\/\/\S+)/.exec(line.toString())![1];
      const response = await fetch(`${url}/`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        plugins: [{ name: '@acme/echo', versions: ['1.0.0', '1.2.0'] }],
      });
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});

describe('publisher signatures on the command line', () => {
  it('trusts a key, installs under the trusted policy, shows the signature, and verify fails once it is removed', async () => {
    const acme = publisherKey();
    const keyFile = join(work.path, 'acme.pub');
    writeFileSync(keyFile, acme.pem);
    const signed = join(work.path, 'signed.tgz');
    writeFileSync(signed, signedTarball(acme.privateKey, { version: '1.1.0' }));

    expect((await registry(['--data', data, 'trust', 'add', keyFile])).code).toBe(2); // --name is required
    const added = await registry(['--data', data, 'trust', 'add', keyFile, '--name', 'ACME Corp', '--json']);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ added: true, key: { keyId: acme.keyId, addedBy: /^cli:/ } });
    const listed = await registry(['--data', data, 'trust', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ keyId: acme.keyId, publisher: 'ACME Corp' })]);

    const refused = await registry(['--data', data, '--plugin-signatures', 'trusted', 'install', echo1]);
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining('AH_SIGNATURE_MISSING')]);
    const installed = await registry(['--data', data, 'install', signed], { ACTIONHOST_PLUGIN_SIGNATURES: 'trusted' });
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toContain(`signature: trusted (key ${acme.keyId}, ACME Corp)`);

    expect((await registry(['--data', data, 'verify'], { ACTIONHOST_PLUGIN_SIGNATURES: 'trusted' })).code).toBe(0);
    const removed = await registry(['--data', data, 'trust', 'remove', acme.keyId]);
    expect(removed.code, removed.stderr).toBe(0);
    const verified = await registry(['--data', data, 'verify', '--json'], { ACTIONHOST_PLUGIN_SIGNATURES: 'trusted' });
    expect(verified.code).toBe(1);
    expect(JSON.parse(verified.stdout)).toEqual([
      expect.objectContaining({
        version: '1.1.0',
        ok: false,
        signature: expect.objectContaining({ status: 'untrusted' }),
      }),
    ]);
    const unknown = await registry(['--data', data, 'trust', 'remove', acme.keyId]);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('AH_TRUSTED_KEY_NOT_FOUND')]);
    const badPolicy = await registry(['--data', data, 'verify'], { ACTIONHOST_PLUGIN_SIGNATURES: 'sometimes' });
    expect([badPolicy.code, badPolicy.stderr]).toEqual([1, expect.stringContaining('AH_CONFIG_INVALID')]);
  }, 120_000);
});

describe('capability approvals on the command line', () => {
  it('shows what an upgrade widens, leaves it unapproved, and records who approves it', async () => {
    const narrow = join(work.path, 'narrow.tgz');
    const wide = join(work.path, 'wide.tgz');
    writeFileSync(narrow, validTarball({ version: '1.0.0', capabilities: { http: { hosts: ['127.0.0.1:8080'] } } }));
    writeFileSync(
      wide,
      validTarball({
        version: '1.0.1',
        capabilities: { http: { hosts: ['*'] }, ldap: true, itsm: ['requests:read', 'relations:write'] },
        limits: { timeoutMs: 30_000 },
        input: { type: 'object', properties: { Target: { type: 'string' } }, required: ['Target'] },
      }),
    );
    expect((await registry(['--data', data, 'install', narrow])).stdout).toContain(
      'capabilities: approved (first-version',
    );
    const upgraded = await registry(['--data', data, 'install', wide, '--json']);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    const [result] = JSON.parse(upgraded.stdout) as [
      { capabilities: { approved: boolean; difference: { widened: string[] } } },
    ];
    expect(result.capabilities.approved).toBe(false);
    expect(result.capabilities.difference.widened).toEqual([
      'http: *',
      'ldap',
      'itsm: requests:read',
      'itsm: relations:write',
    ]);
    expect((await registry(['--data', data, 'install', wide])).stdout).toContain('NOT APPROVED');

    const text = await registry(['--data', data, 'info', '--diff', '@acme/echo@1.0.0', '@acme/echo@1.0.1']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('widens:        http: *; ldap; itsm: requests:read; itsm: relations:write');
    expect(text.stdout).toContain('limit timeoutMs: default → 30000');
    expect(text.stdout).toContain('input schema: added /properties/Target');
    const json = await registry(['--data', data, 'info', '@acme/echo', '--diff', '1.0.0', '1.0.1', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      from: '1.0.0',
      to: '1.0.1',
      capabilities: { ldap: { from: false, to: true }, itsm: { added: ['requests:read', 'relations:write'] } },
      input: expect.arrayContaining([{ path: '/required/Target', change: 'added' }]),
    });
    expect((await registry(['--data', data, 'info', '--diff', '@acme/echo@^1', '1.0.1'])).code).toBe(2);

    const accepted = await registry(['--data', data, 'install', wide, '--accept-capabilities', '--json']);
    expect(JSON.parse(accepted.stdout)).toMatchObject([
      {
        alreadyInstalled: true,
        capabilities: { approved: true, approval: { via: 'install', approvedBy: expect.stringMatching(/^cli:/) } },
      },
    ]);
    const approved = await registry(['--data', data, 'approve', '@acme/echo@1.0.1']);
    expect([approved.code, approved.stdout]).toEqual([0, expect.stringContaining('already approved @acme/echo@1.0.1')]);
  }, 120_000);
});
