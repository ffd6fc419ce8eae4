// The real host under SIGTERM and under a backlog: a graceful stop lets the step in flight finish; a stop that
// cannot wait checkpoints it and the next start attempts it again with the same idempotency key; the CLI cancels
// and retries executions in the data folder; past the backlog bound the API answers 503 AH_HOST_BUSY.
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTIONHOST_CLI, makeDataDir, runCli, startHostProcess, type HostProcess } from '../support/host-process.ts';
import { openDatabase, publishWebhookWorkflow, sleep, startFaultTarget, waitUntil } from './support.ts';

function executionsOf(dataDir: string): Array<{ id: string; status: string; request_id: number }> {
  const db = openDatabase(dataDir);
  try {
    return db.prepare('SELECT id, status, request_id FROM workflow_executions ORDER BY rowid').all() as Array<{
      id: string;
      status: string;
      request_id: number;
    }>;
  } finally {
    db.close();
  }
}

async function stopAndWait(host: HostProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => host.child.once('exit', (code) => resolve(code)));
  host.child.kill('SIGTERM');
  return exited;
}

describe('graceful shutdown', () => {
  it('on SIGTERM finishes the step in flight, or checkpoints it and resumes it with the same key on the next start', async () => {
    const dataDir = makeDataDir();
    const target = await startFaultTarget();
    const env = { ACTIONHOST_STOP_TIMEOUT_MS: '1500' };
    let host: HostProcess | null = null;
    try {
      host = await startHostProcess({ dataDir, allowPrivate: '127.0.0.1', seed: false, env });
      await publishWebhookWorkflow(host, `${target.origin}/hook`);

      // 1. The answer comes within the stop timeout: the step finishes, the execution succeeds, the host exits 0.
      target.mode = 'slow';
      target.delayMs = 500;
      expect((await host.api('POST', '/api/requests', { kind: 'incident', subject: 'finishes' })).status).toBe(201);
      await waitUntil(() => (target.deliveries.length === 1 ? true : undefined), 30_000, 'the first call');
      expect(await stopAndWait(host)).toBe(0);
      expect(executionsOf(dataDir).map((e) => e.status)).toEqual(['succeeded']);

      // 2. The answer would come long after: the step is checkpointed, the execution queued again, the host exits 0.
      host = await startHostProcess({ dataDir, allowPrivate: '127.0.0.1', seed: false, env });
      target.delayMs = 30_000;
      expect((await host.api('POST', '/api/requests', { kind: 'incident', subject: 'checkpointed' })).status).toBe(201);
      await waitUntil(() => (target.deliveries.length === 2 ? true : undefined), 30_000, 'the second call');
      expect(await stopAndWait(host)).toBe(0);
      const [, checkpointed] = executionsOf(dataDir);
      expect(checkpointed.status).toBe('queued');

      target.mode = 'up';
      host = await startHostProcess({ dataDir, allowPrivate: '127.0.0.1', seed: false, env });
      await waitUntil(
        () => (executionsOf(dataDir)[1].status === 'succeeded' ? true : undefined),
        30_000,
        'the resumed execution',
      );
      const keys = target.deliveries.map((d) => d.key);
      expect(keys.slice(1)).toEqual([`${checkpointed.id}:hook:1`, `${checkpointed.id}:hook:1`]);
    } finally {
      await host?.stop();
      await target.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('actionhost executions retry and cancel', () => {
  it('cancels an execution waiting for a retry and queues a retry of it, through the data folder while the host is down', async () => {
    const dataDir = makeDataDir();
    const target = await startFaultTarget();
    let host: HostProcess | null = null;
    try {
      host = await startHostProcess({ dataDir, allowPrivate: '127.0.0.1', seed: false });
      target.mode = 'busy';
      await publishWebhookWorkflow(host, `${target.origin}/hook`, {
        maxAttempts: 5,
        backoffMs: 600_000,
        maxBackoffMs: 600_000,
      });
      expect((await host.api('POST', '/api/requests', { kind: 'incident', subject: 'waits' })).status).toBe(201);
      const waiting = await waitUntil(
        () => executionsOf(dataDir).find((e) => e.status === 'queued' && target.deliveries.length === 1),
        30_000,
        'a waiting retry',
      );
      expect(await stopAndWait(host)).toBe(0);
      host = null;

      const cli = (...args: string[]) => runCli(ACTIONHOST_CLI, ['executions', ...args, '--data', dataDir, '--json']);
      const cancelled = await cli('cancel', waiting.id);
      expect(cancelled.code).toBe(0);
      expect(JSON.parse(cancelled.stdout)).toMatchObject({
        id: waiting.id,
        status: 'failed',
        error: { code: 'AH_EXECUTION_CANCELLED' },
      });
      const again = await cli('cancel', waiting.id);
      expect([again.code, JSON.parse(again.stdout).error.code]).toEqual([1, 'AH_EXECUTION_NOT_RUNNING']);
      const failedList = await cli('list', '--status', 'failed');
      expect((JSON.parse(failedList.stdout) as Array<{ id: string }>).map((e) => e.id)).toEqual([waiting.id]);
      const retried = await cli('retry', waiting.id);
      expect(retried.code).toBe(0);
      const retry = JSON.parse(retried.stdout) as { id: string; status: string; retryOf: string };
      expect(retry).toMatchObject({ status: 'queued', retryOf: waiting.id });
      expect((await runCli(ACTIONHOST_CLI, ['executions', '--help'])).stdout).toContain('retry <execution-id>');

      target.mode = 'up';
      host = await startHostProcess({ dataDir, allowPrivate: '127.0.0.1', seed: false });
      await waitUntil(
        () => (executionsOf(dataDir).find((e) => e.id === retry.id)?.status === 'succeeded' ? true : undefined),
        30_000,
        'the retry ran',
      );
      expect(executionsOf(dataDir).find((e) => e.id === waiting.id)?.status).toBe('failed');
      expect(target.deliveries.map((d) => d.key)).toEqual([`${waiting.id}:hook:1`, `${retry.id}:hook:1`]);
    } finally {
      await host?.stop();
      await target.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('back-pressure', () => {
  it('answers 503 AH_HOST_BUSY with Retry-After once the backlog passes its bound, and runs everything it accepted', async () => {
    const dataDir = makeDataDir();
    const target = await startFaultTarget();
    target.mode = 'slow';
    target.delayMs = 2000;
    let host: HostProcess | null = null;
    try {
      host = await startHostProcess({
        dataDir,
        allowPrivate: '127.0.0.1',
        seed: false,
        env: { ACTIONHOST_MAX_BACKLOG: '5', ACTIONHOST_MAX_EXECUTIONS: '1' },
      });
      await publishWebhookWorkflow(host, `${target.origin}/hook`);
      let busy: Response | null = null;
      let accepted = 0;
      for (let i = 0; i < 60 && !busy; i++) {
        const answer = await fetch(`${host.url}/api/requests`, {
          method: 'POST',
          headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'incident', subject: `burst ${i}` }),
        });
        if (answer.status === 201) {
          accepted++;
          await answer.arrayBuffer();
        } else busy = answer;
        await sleep(60);
      }
      expect(busy?.status).toBe(503);
      expect(busy?.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await busy!.json()) as { error: { code: string } }).error.code).toBe('AH_HOST_BUSY');
      expect(accepted).toBeGreaterThan(5);
      target.mode = 'up';
      await waitUntil(
        () => {
          const all = executionsOf(dataDir);
          return all.length === accepted && all.every((e) => e.status === 'succeeded') ? true : undefined;
        },
        60_000,
        'every accepted request executed',
      );
      expect((await host.api('POST', '/api/requests', { kind: 'incident', subject: 'after the burst' })).status).toBe(
        201,
      );
    } finally {
      await host?.stop();
      await target.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
