// The "done" path from a shell: `registry install plugins/run-webhook`, then `actionhost invoke` calls a
// real local server; and invoke's error contract (structured error, non-zero exit) for a failed invocation.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpTarget, type HttpTarget } from '../support/http-target.ts';
import { ACTIONHOST_CLI, makeDataDir, PLUGINS_DIR, REGISTRY_CLI, runCli } from '../support/host-process.ts';

const dataDir = makeDataDir();
const inputs = mkdtempSync(join(tmpdir(), 'actionhost-inputs-'));
let target: HttpTarget;

function inputFile(name: string, input: unknown): string {
  const file = join(inputs, `${name}.json`);
  writeFileSync(file, JSON.stringify(input));
  return file;
}

beforeAll(async () => {
  target = await startHttpTarget();
  const installed = await runCli(REGISTRY_CLI, ['install', join(PLUGINS_DIR, 'run-webhook'), '--data', dataDir]);
  expect(installed.code, installed.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await target?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(inputs, { recursive: true, force: true });
});

describe('actionhost invoke', () => {
  it('runs Run Webhook against a real local server and prints plugin, path and output', async () => {
    const file = inputFile('post', {
      'Request Type': 'POST',
      URL: `${target.origin}/echo`,
      'Request JSON': { hello: 'world' },
    });
    const result = await runCli(ACTIONHOST_CLI, [
      'invoke',
      '@actionhost/run-webhook@^1',
      '--input',
      file,
      '--data',
      dataDir,
      '--allow-private',
      '127.0.0.1',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toMatchObject({
      plugin: '@actionhost/run-webhook@1.0.0',
      path: 'success',
      output: { status: 200 },
    });
    expect(target.requestsTo('/echo')).toHaveLength(1);
    expect(JSON.parse(target.requestsTo('/echo')[0].body)).toEqual({ hello: 'world' });
  });

  it('exits 0 on the failure path: the plugin answered, the server said 500', async () => {
    const file = inputFile('fail', { URL: `${target.origin}/status/500` });
    const result = await runCli(ACTIONHOST_CLI, [
      'invoke',
      '@actionhost/run-webhook',
      '--input',
      file,
      '--data',
      dataDir,
      '--allow-private',
      '127.0.0.1',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ path: 'failure', output: { status: 500 } });
  });

  it('keeps loopback closed unless allow-listed: the request never leaves', async () => {
    const before = target.requests.length;
    const file = inputFile('denied', { URL: `${target.origin}/json` });
    const result = await runCli(ACTIONHOST_CLI, [
      'invoke',
      '@actionhost/run-webhook',
      '--input',
      file,
      '--data',
      dataDir,
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      path: 'failure',
      output: { status: 0, error: { code: 'AH_EGRESS_DENIED' } },
    });
    expect(target.requests.length).toBe(before);
  });

  it('prints a structured error and exits 1 when the input violates the plugin schema', async () => {
    const file = inputFile('bad', { 'Request Type': 'TELEPORT', URL: 'not a url' });
    const result = await runCli(ACTIONHOST_CLI, [
      'invoke',
      '@actionhost/run-webhook',
      '--input',
      file,
      '--data',
      dataDir,
    ]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.code).toBe('AH_INPUT_INVALID');
  });

  it('names the installed versions when the range matches none', async () => {
    const file = inputFile('range', { URL: `${target.origin}/json` });
    const result = await runCli(ACTIONHOST_CLI, [
      'invoke',
      '@actionhost/run-webhook@^2',
      '--input',
      file,
      '--data',
      dataDir,
    ]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.code).toBe('AH_VERSION_NOT_FOUND');
  });

  it('answers --help on every command and exits 2 on an unknown one', async () => {
    for (const command of ['invoke', 'start', 'executions']) {
      const help = await runCli(ACTIONHOST_CLI, [command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: actionhost ${command}`);
    }
    expect((await runCli(ACTIONHOST_CLI, ['teleport'])).code).toBe(2);
  });
});
