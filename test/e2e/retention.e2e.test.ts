// Retention against a running host and its data folder: old executions (with steps) and Audit Trail entries are
// written into the host's database; `actionhost prune --dry-run` counts them and deletes nothing; the host's
// background pruner deletes what its settings no longer keep when it starts (failed executions kept longer than
// succeeded ones, the Audit Trail on its own horizon), and `actionhost prune` with a shorter setting deletes more
// while the host runs. Recent executions made by a real workflow stay readable throughout.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIONHOST_CLI,
  eventually,
  makeDataDir,
  runCli,
  startHostProcess,
  type HostProcess,
} from '../support/host-process.ts';

const dataDir = makeDataDir();
let host: HostProcess | undefined;

afterAll(async () => {
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

/** Writes old rows straight into the stopped host's database, as years of work would have left them. */
function seedOldRows(requestId: number): void {
  const db = new DatabaseSync(join(dataDir, 'actionhost.db'));
  try {
    const execution = db.prepare(
      `INSERT INTO workflow_executions (id, workflow_id, workflow_version, request_id, event_id, trigger, status,
         created_at, started_at, finished_at) VALUES (?, 'wf_old', 1, ?, ?, '{}', ?, ?, ?, ?)`,
    );
    const step = db.prepare(
      `INSERT INTO workflow_steps (execution_id, seq, node_id, kind, status, started_at, finished_at)
         VALUES (?, ?, 'old', 'action', 'succeeded', ?, ?)`,
    );
    const audit = db.prepare(
      "INSERT INTO itsm_audit (request_id, kind, actor, at, data) VALUES (?, 'plugin.execution', 'old', ?, '{}')",
    );
    db.exec('BEGIN');
    for (const [status, count, days] of [
      ['succeeded', 3000, 40],
      ['failed', 400, 40],
      ['failed', 100, 120],
    ] as const) {
      for (let index = 0; index < count; index++) {
        const id = `ex_${randomUUID()}`;
        execution.run(id, requestId, id, status, daysAgo(days), daysAgo(days), daysAgo(days));
        step.run(id, 1, daysAgo(days), daysAgo(days));
        step.run(id, 2, daysAgo(days), daysAgo(days));
      }
    }
    for (let index = 0; index < 700; index++) audit.run(requestId, daysAgo(400));
    for (let index = 0; index < 50; index++) audit.run(requestId, daysAgo(40));
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

const count = (sql: string) => {
  const db = new DatabaseSync(join(dataDir, 'actionhost.db'), { readOnly: true });
  try {
    return Number((db.prepare(sql).get() as { n: number }).n);
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  host = await startHostProcess({ dataDir, seed: false });
  // A real workflow makes recent executions: they stay.
  const created = await host.api<{ id: string }>('POST', '/api/workflows', {
    name: 'Link on create',
    module: 'request',
    trigger: { event: 'request.created' },
    nodes: [
      {
        id: 'link',
        kind: 'action',
        title: 'Link',
        uses: '@actionhost/ci-linking@^1.0.0',
        inputs: { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' },
      },
    ],
  });
  await host.api('POST', `/api/workflows/${created.body.id}/publish`);
  for (let index = 0; index < 3; index++)
    await host.api('POST', '/api/requests', {
      kind: 'incident',
      subject: `Recent ${index}`,
      customFields: { ipAddress: '10.9.9.9' },
    });
  await eventually(
    () => host!.api<{ status: string }[]>('GET', '/api/executions'),
    (answer) => answer.body.length === 3 && answer.body.every((execution) => execution.status === 'succeeded'),
  );
  await host.stop();
  host = undefined;
  seedOldRows(1);
}, 120_000);

describe('retention of a host', () => {
  it('counts in a dry run, prunes in the background on start, and prunes more on demand while running', async () => {
    const dry = await runCli(ACTIONHOST_CLI, ['prune', '--dry-run', '--json', '--data', dataDir]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dryRun: true,
      policy: { succeededDays: 30, failedDays: 90, auditDays: 365 },
      succeededExecutions: 3000,
      failedExecutions: 100,
      steps: 6200,
      auditEntries: 700,
    });
    expect(count('SELECT COUNT(*) AS n FROM workflow_executions')).toBe(3503);

    host = await startHostProcess({ dataDir, seed: false });
    await eventually(
      () => host!.api<{ lastRound: { succeededExecutions: number } | null }>('GET', '/api/retention'),
      (answer) => answer.body.lastRound !== null,
      60_000,
    );
    const status = await host.api<{ lastRound: Record<string, number>; space: { incremental: boolean } }>(
      'GET',
      '/api/retention?preview=true',
    );
    expect(status.body.lastRound).toMatchObject({
      succeededExecutions: 3000,
      failedExecutions: 100,
      auditEntries: 700,
    });
    expect(status.body.space.incremental).toBe(true);
    expect(host.output()).toMatch(/retention: deleted 3100 executions \(6200 steps\), 700 Audit Trail entries/);
    const executions = await host.api<{ workflowId: string }[]>('GET', '/api/executions?limit=500');
    expect(executions.body.filter((execution) => execution.workflowId !== 'wf_old')).toHaveLength(3);
    expect(executions.body.filter((execution) => execution.workflowId === 'wf_old')).toHaveLength(400);

    const pruned = await runCli(ACTIONHOST_CLI, ['prune', '--retain-failed-days', '10', '--json', '--data', dataDir]);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(JSON.parse(pruned.stdout)).toMatchObject({ failedExecutions: 400, succeededExecutions: 0 });
    expect(count("SELECT COUNT(*) AS n FROM workflow_executions WHERE workflow_id = 'wf_old'")).toBe(0);
    expect(count('SELECT COUNT(*) AS n FROM workflow_steps')).toBeGreaterThan(0);
    expect(count("SELECT COUNT(*) AS n FROM itsm_audit WHERE actor = 'old'")).toBe(50);
    expect((await host.api<unknown[]>('GET', '/api/executions')).body).toHaveLength(3);
    const log = await host.api<{ entries: { action: string; actor: { type: string } }[] }>('GET', '/api/admin-log');
    expect(log.body.entries[0]).toMatchObject({ action: 'retention.prune', actor: { type: 'cli' } });
  });
});
