// Fault injection on the data folder, a small tmpfs of its own. Tests run as root, where chmod does not stop
// writes, so: (1) under a running host the file system fills up (a remount read-only is refused by Linux while
// SQLite holds its files open for writing, so "no more writes" is simulated by ENOSPC); (2) the stopped host's
// folder is remounted read-only and the host is started on it. Expected: structured errors, reads keep working,
// nothing is lost or corrupted, and the host carries on once the folder is writable again.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { startHostProcess, type HostProcess } from '../support/host-process.ts';
import { openDatabase, publishWebhookWorkflow, startFaultTarget, waitUntil } from './support.ts';

const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });

describe('read-only data folder', () => {
  it('answers writes with a structured error when the disk is full, refuses to start read-only, and loses nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'actionhost-ro-'));
    const dataDir = join(root, 'data');
    const target = await startFaultTarget();
    let host: HostProcess | null = null;
    let mounted = false;
    let readOnly = false;
    const start = () => startHostProcess({ dataDir, allowPrivate: '127.0.0.1', seed: false });
    const finishedCount = (): number => {
      const db = openDatabase(dataDir);
      try {
        return Number(
          (
            db.prepare("SELECT COUNT(*) AS n FROM workflow_executions WHERE status = 'succeeded'").get() as {
              n: number;
            }
          ).n,
        );
      } finally {
        db.close();
      }
    };
    try {
      mount('-t', 'tmpfs', '-o', 'size=96m', 'tmpfs', root);
      mounted = true;
      mkdirSync(dataDir);
      host = await start();
      await publishWebhookWorkflow(host, `${target.origin}/hook`);
      for (let i = 0; i < 3; i++)
        expect((await host.api('POST', '/api/requests', { kind: 'incident', subject: `before ${i}` })).status).toBe(
          201,
        );
      await waitUntil(() => (finishedCount() === 3 ? true : undefined), 30_000, 'three executions');

      // Fill the file system, then write until SQLite runs out of room (its WAL may have space left at first).
      const filler = join(root, 'filler');
      const fd = openSync(filler, 'w');
      try {
        const chunk = Buffer.alloc(1 << 20);
        for (;;) {
          try {
            writeSync(fd, chunk);
          } catch {
            break;
          }
        }
        const small = Buffer.alloc(4096);
        for (;;) {
          try {
            writeSync(fd, small);
          } catch {
            break;
          }
        }
      } finally {
        closeSync(fd);
      }
      let refused: { status: number; body: { error?: { code: string } } } | null = null;
      for (let i = 0; i < 200 && !refused; i++) {
        const answer = await host.api<{ error?: { code: string } }>('POST', '/api/requests', {
          kind: 'incident',
          subject: `while full ${i}`,
          description: 'x'.repeat(20_000),
        });
        if (answer.status !== 201) refused = answer;
      }
      expect(refused?.status).toBeGreaterThanOrEqual(500);
      expect(refused?.body.error?.code).toBe('AH_STORE_FULL');
      expect((await host.api('GET', '/api/health')).status).toBe(200);
      const before = (await host.api<unknown[]>('GET', '/api/requests?limit=500')).body.length;
      rmSync(filler);
      expect((await host.api('POST', '/api/requests', { kind: 'incident', subject: 'room again' })).status).toBe(201);
      await waitUntil(
        () => (finishedCount() === before + 1 ? true : undefined),
        60_000,
        'every accepted request executed',
      );
      await host.stop();
      host = null;

      mount('-o', 'remount,ro', root);
      readOnly = true;
      const failure = await start().then(
        (started) => {
          host = started;
          return null;
        },
        (error: Error) => error,
      );
      expect(failure?.message).toContain('AH_DATA_DIR_READ_ONLY');

      mount('-o', 'remount,rw', root);
      readOnly = false;
      const db = openDatabase(dataDir);
      try {
        expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
        // Every committed request has its one finished execution; none is stuck.
        const counts = db
          .prepare(
            `SELECT (SELECT COUNT(*) FROM itsm_requests) AS requests,
          (SELECT COUNT(*) FROM workflow_executions WHERE status = 'succeeded') AS succeeded,
          (SELECT COUNT(*) FROM workflow_executions WHERE status IN ('queued', 'running')) AS open`,
          )
          .get();
        expect(counts).toEqual({ requests: before + 1, succeeded: before + 1, open: 0 });
      } finally {
        db.close();
      }
      host = await start();
      expect((await host.api('POST', '/api/requests', { kind: 'incident', subject: 'after' })).status).toBe(201);
      await waitUntil(() => (finishedCount() === before + 2 ? true : undefined), 30_000, 'the last execution');
      expect(new Set(target.deliveries.filter((d) => d.path === '/hook').map((d) => d.requestId)).size).toBe(
        before + 2,
      );
    } finally {
      await host?.stop();
      if (readOnly) mount('-o', 'remount,rw', root);
      if (mounted) execFileSync('umount', [root]);
      await target.close();
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
