// The `actionhost` command line: in-process through runCli (stdout and stderr captured) and as real processes
// where the behaviour is about the process (a closed stdout pipe, a busy port, the executable's --version).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Setting } from '@actionhost/sdk/cli';
import { CONNECTOR_SETTING_KEYS, HOST_SETTINGS } from '../config/index.ts';
import { Store } from '../store/index.ts';
import { SqliteExecutionQueue, SqliteExecutionRepository } from '../workflow/index.ts';
import { runCli } from './program.ts';

const MAIN = join(import.meta.dirname, 'main.ts');
const VERSION = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }
).version;

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (line) => out.push(line), stderr: (line) => err.push(line), env });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function run(args: string[], options: { stdout?: 'pipe' | 'ignore' } = {}) {
  return spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'] });
}

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'ah-cli-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** A data folder whose database holds `count` executions; the newest has two finished steps. */
async function dataWithExecutions(count: number): Promise<{ dataDir: string; newest: string }> {
  const dataDir = join(work, 'data');
  const store = Store.open(join(dataDir, 'actionhost.db'));
  try {
    const queue = new SqliteExecutionQueue(store);
    const executions = new SqliteExecutionRepository(store);
    const ids = await queue.enqueue(
      Array.from({ length: count }, (_, i) => ({
        workflowId: 'wf_onboarding',
        workflowVersion: 1,
        requestId: i + 1,
        eventId: `event-${i}`,
        trigger: { type: 'request.created', changes: [] },
      })),
    );
    const newest = ids.at(-1)!;
    await queue.claimOne(newest);
    await executions.recordStep(newest, {
      seq: 1,
      nodeId: 'is-hardware',
      kind: 'condition',
      title: null,
      plugin: null,
      integrity: null,
      inputs: null,
      attempt: 1,
      status: 'succeeded',
      path: 'true',
      output: null,
      error: null,
      durationMs: 1,
    });
    await executions.recordStep(newest, {
      seq: 2,
      nodeId: 'notify',
      kind: 'action',
      title: 'Notify',
      plugin: '@actionhost/run-webhook@1.0.0',
      integrity: 'sha512-x',
      inputs: {},
      attempt: 1,
      status: 'failed',
      path: 'failure',
      output: null,
      error: { code: 'AH_PLUGIN_TIMEOUT', message: 'timed out' },
      durationMs: 10_000,
    });
    await executions.finishExecution(newest, {
      status: 'failed',
      error: { code: 'AH_PLUGIN_TIMEOUT', message: 'timed out' },
      outcome: 'failure',
      failedSteps: ['notify'],
    });
    return { dataDir, newest };
  } finally {
    store.close();
  }
}

describe('actionhost command line', () => {
  it('prints its version with --version, in-process and as the executable', async () => {
    expect(await cli(['--version'])).toMatchObject({ code: 0, stdout: VERSION });
    const child = run(['--version']);
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const [code] = await once(child, 'exit');
    expect([code, stdout.trim()]).toEqual([0, VERSION]);
  });

  it('lists every setting in the help of start (but those of connector): its flag, or its variable when it has none', async () => {
    const help = await cli(['start', '--help']);
    expect(help.code).toBe(0);
    const settings = Object.entries<Setting>(HOST_SETTINGS.settings).filter(
      ([key]) => !(CONNECTOR_SETTING_KEYS as readonly string[]).includes(key),
    );
    for (const [, setting] of settings) {
      expect(help.stdout).toContain(setting.flag?.split(' ')[0] ?? setting.env);
      expect(help.stdout).toContain(setting.env);
    }
  });

  it('`actionhost connector` needs an https host URL and a token, and takes the token only from the environment', async () => {
    const token = 'ahc_' + 'x'.repeat(40);
    const help = await cli(['connector', '--help']);
    expect(help.code).toBe(0);
    for (const key of CONNECTOR_SETTING_KEYS) expect(help.stdout).toContain(HOST_SETTINGS.settings[key].env);
    const noUrl = await cli(['connector'], { ACTIONHOST_CONNECTOR_TOKEN: token });
    const plain = await cli(['connector', '--host-url', 'http://127.0.0.1:1'], {
      ACTIONHOST_CONNECTOR_TOKEN: token,
    });
    const noToken = await cli(['connector', '--host-url', 'https://127.0.0.1:1']);
    for (const result of [noUrl, noToken]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error AH_CONFIG_INVALID:/);
    }
    // a flag value of the wrong kind is a wrong command line
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('--host-url');
    expect((await cli(['connector', '--token', token])).code).toBe(2);
  });

  it('answers a mistyped command or flag with one line and a did-you-mean, exit 2', async () => {
    const command = await cli(['executoins', 'list']);
    expect(command.code).toBe(2);
    expect(command.stderr.split('\n')).toHaveLength(1);
    expect(command.stderr).toContain('executions');
    const flag = await cli(['executions', 'list', '--limt', '5', '--data', work]);
    expect(flag.code).toBe(2);
    expect(flag.stderr.split('\n')).toHaveLength(1);
    expect(flag.stderr).toContain('--limit');
  });

  it('refuses a flag value of the wrong kind as a usage error naming the flag', async () => {
    const { dataDir } = await dataWithExecutions(1);
    for (const args of [
      ['executions', 'list', '--limit', 'abc'],
      ['executions', 'list', '--request', 'twelve'],
      ['executions', 'list', '--status', 'done'],
      ['start', '--port', 'http'],
      ['start', '--workers', '0'],
    ]) {
      const flag = args[args.length - 2];
      const result = await cli([...args, '--data', dataDir]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(flag);
      expect(result.stderr).not.toContain('AH_INTERNAL');
    }
  });

  it('refuses a data folder that holds no database instead of creating an empty one', async () => {
    const mistyped = join(work, 'dtaa');
    for (const args of [
      ['executions', 'list'],
      ['executions', 'show', 'ex_1'],
      ['executions', 'retry', 'ex_1'],
      ['executions', 'cancel', 'ex_1'],
      ['invoke', '@actionhost/run-webhook', '--input', '-'],
    ]) {
      const result = await cli([...args, '--data', mistyped, '--json']);
      expect(result.code, args.join(' ')).toBe(1);
      expect(JSON.parse(result.stdout).error.code).toBe('AH_DATA_NOT_FOUND');
      expect(existsSync(mistyped)).toBe(false);
    }
  });

  it('refuses backup and restore for a host on PostgreSQL (pg_dump backs it up), before touching anything', async () => {
    const { dataDir } = await dataWithExecutions(1);
    const env = { ACTIONHOST_DATABASE_URL: 'postgres://actionhost@127.0.0.1:1/actionhost' };
    for (const args of [
      ['backup', join(work, 'backup.tar.gz')],
      ['restore', join(work, 'backup.tar.gz')],
    ]) {
      const result = await cli([...args, '--data', dataDir, '--json'], env);
      expect(result.code, args[0]).toBe(1);
      expect(JSON.parse(result.stdout).error.code).toBe('AH_BACKUP_ON_POSTGRES');
    }
    expect(existsSync(join(work, 'backup.tar.gz'))).toBe(false);
  });

  it('migrate needs --to, a postgres:// URL (usage error, exit 2)', async () => {
    expect((await cli(['migrate'])).code).toBe(2);
    expect((await cli(['migrate', '--to', 'mysql://db/x'])).code).toBe(2);
  });

  it('shows an execution as a step table, and as JSON with --json', async () => {
    const { dataDir, newest } = await dataWithExecutions(1);
    const table = await cli(['executions', 'show', newest, '--data', dataDir]);
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    const header = lines.findIndex((line) => line.startsWith('NODE'));
    expect(lines[header].split(/\s{2,}/)).toEqual(['NODE', 'PLUGIN', 'ATTEMPT', 'STATUS', 'PATH', 'DURATION', 'ERROR']);
    expect(lines[header + 1].split(/\s{2,}/)).toEqual(['is-hardware', '(condition)', '1', 'succeeded', 'true', '1 ms']);
    expect(lines[header + 2].split(/\s{2,}/)).toEqual([
      'notify',
      '@actionhost/run-webhook@1.0.0',
      '1',
      'failed',
      'failure',
      '10.0 s',
      'AH_PLUGIN_TIMEOUT',
    ]);
    const json = await cli(['executions', 'show', newest, '--data', dataDir, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: newest, status: 'failed', steps: [{}, {}] });
  });

  it('lists executions by outcome and creation time, more than one page of them', async () => {
    const { dataDir, newest } = await dataWithExecutions(1_200);
    const failures = await cli(['executions', 'list', '--outcome', 'failure', '--data', dataDir, '--json']);
    expect((JSON.parse(failures.stdout) as { id: string }[]).map((e) => e.id)).toEqual([newest]);
    const all = await cli([
      'executions',
      'list',
      '--limit',
      '1100',
      '--since',
      '2000-01-01T00:00:00Z',
      '--data',
      dataDir,
      '--json',
    ]);
    expect(new Set((JSON.parse(all.stdout) as { id: string }[]).map((e) => e.id)).size).toBe(1100);
    const none = await cli(['executions', 'list', '--until', '2000-01-01T00:00:00Z', '--data', dataDir, '--json']);
    expect(JSON.parse(none.stdout)).toEqual([]);
    const wrong = await cli(['executions', 'list', '--since', 'yesterday', '--data', dataDir]);
    expect(wrong.code).toBe(2);
  });

  it('ends quietly when the reader closes stdout early (executions list | head -1)', async () => {
    const { dataDir } = await dataWithExecutions(2_000);
    // More than a pipe buffer (64 KiB) of lines, so writes continue after the reader is gone.
    const child = run(['executions', 'list', '--limit', '2000', '--data', dataDir]);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [first] = (await once(child.stdout!, 'data')) as [Buffer];
    child.stdout!.destroy();
    const [code] = await once(child, 'exit');
    expect(first.toString()).toMatch(/^ex_/);
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });

  it('names the address when the port is in use (AH_PORT_IN_USE), exit 1', async () => {
    const busy = createServer();
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    try {
      const port = (busy.address() as { port: number }).port;
      const child = run(['start', '--data', join(work, 'data'), '--port', String(port), '--workers', '1', '--no-seed']);
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const [code] = await once(child, 'exit');
      expect(code).toBe(1);
      expect(stderr).toMatch(/^error AH_PORT_IN_USE: /m);
      expect(stderr).toContain(`127.0.0.1:${port}`);
    } finally {
      busy.close();
    }
  }, 60_000);

  it('refuses plain HTTP on an address other than loopback (AH_PLAIN_HTTP_REFUSED) before opening anything', async () => {
    for (const host of ['0.0.0.0', '::', '192.0.2.10']) {
      const dataDir = join(work, `data-${host.replace(/\W/g, '_')}`);
      const child = run(['start', '--data', dataDir, '--host', host, '--port', '0', '--workers', '1', '--no-seed']);
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const [code] = await once(child, 'exit');
      expect(code).toBe(1);
      expect(stderr).toMatch(/^error AH_PLAIN_HTTP_REFUSED: /m);
      expect(existsSync(join(dataDir, 'actionhost.db'))).toBe(false);
    }
  }, 60_000);
});
