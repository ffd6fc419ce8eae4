// Retention on a real SQLite file: finished executions (with their steps) go by age — failed ones kept longer
// than succeeded ones — and by count; Audit Trail entries by their own age and count (they may outlive the
// executions they record); processed events after a day; running work never. Pruning goes in small batches that
// yield the event loop, a dry run counts exactly what a round deletes, and the file does not grow without bound.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RetentionPruner, type PruneReport, type RetentionPolicy } from './index.ts';
import {
  NOW,
  daysAgo,
  openRetentionWorld,
  seedAudit,
  seedEvents,
  seedExecutions,
  type RetentionWorld,
} from './retention.fixtures.ts';

let world: RetentionWorld;
beforeEach(async () => {
  world = await openRetentionWorld();
});
afterEach(() => world.close());

const KEEP_ALL: RetentionPolicy = {
  succeededDays: 0,
  failedDays: 0,
  maxExecutions: 0,
  auditDays: 0,
  maxAuditEntries: 0,
};

function pruner(policy: Partial<RetentionPolicy>, batchSize = 100): RetentionPruner {
  return new RetentionPruner({
    repository: world.repository,
    policy: { ...KEEP_ALL, ...policy },
    batchSize,
    // Tests wait less between batches than a host does; the batching itself is the same.
    yieldFactor: 0.5,
    clock: () => NOW,
  });
}

describe('retention', () => {
  it('deletes succeeded executions after their days and failed ones after theirs, with their steps, never running ones', async () => {
    const oldSucceeded = seedExecutions(world, { count: 30, status: 'succeeded', finishedAt: daysAgo(40) });
    const recentSucceeded = seedExecutions(world, { count: 5, status: 'succeeded', finishedAt: daysAgo(10) });
    const failedKept = seedExecutions(world, { count: 7, status: 'failed', finishedAt: daysAgo(40) });
    const failedOld = seedExecutions(world, { count: 9, status: 'failed', finishedAt: daysAgo(100) });
    const running = seedExecutions(world, { count: 3, status: 'running', finishedAt: null });
    const queued = seedExecutions(world, { count: 2, status: 'queued', finishedAt: null });

    const report = await pruner({ succeededDays: 30, failedDays: 90 }, 8).runOnce();

    expect(report).toMatchObject({ succeededExecutions: 30, failedExecutions: 9, excessExecutions: 0, steps: 78 });
    const left = (world.store.db.prepare('SELECT id FROM workflow_executions').all() as { id: string }[]).map(
      (r) => r.id,
    );
    expect(left.sort()).toEqual([...recentSucceeded, ...failedKept, ...running, ...queued].sort());
    expect(oldSucceeded.concat(failedOld).some((id) => left.includes(id))).toBe(false);
    expect(world.count('workflow_steps')).toBe(left.length * 2);
  });

  it('keeps at most the newest finished executions by count, oldest first whatever their status', async () => {
    seedExecutions(world, { count: 10, status: 'failed', finishedAt: daysAgo(5) });
    const newer = seedExecutions(world, { count: 6, status: 'succeeded', finishedAt: daysAgo(2) });
    const running = seedExecutions(world, { count: 4, status: 'running', finishedAt: null });
    const report = await pruner({ maxExecutions: 8 }, 3).runOnce();
    expect(report.excessExecutions).toBe(8);
    expect(world.count('workflow_executions', "status IN ('succeeded', 'failed')")).toBe(8);
    const left = (world.store.db.prepare('SELECT id FROM workflow_executions').all() as { id: string }[]).map(
      (r) => r.id,
    );
    expect(left).toEqual(expect.arrayContaining([...newer, ...running]));
  });

  it('keeps Audit Trail entries on their own horizon, after the executions they record are gone', async () => {
    seedExecutions(world, { count: 4, status: 'succeeded', finishedAt: daysAgo(60) });
    seedAudit(world, 25, daysAgo(400));
    seedAudit(world, 12, daysAgo(60));
    const report = await pruner({ succeededDays: 30, auditDays: 365 }, 10).runOnce();
    expect(report).toMatchObject({ succeededExecutions: 4, auditEntries: 25 });
    expect(world.count('workflow_executions')).toBe(0);
    expect(world.count('itsm_audit')).toBe(12);

    expect((await pruner({ maxAuditEntries: 5 }, 2).runOnce()).excessAuditEntries).toBe(7);
    expect(world.count('itsm_audit')).toBe(5);
  });

  it('goes by the time an entry was written, not by its place in the table', async () => {
    seedAudit(world, 5, daysAgo(10));
    seedAudit(world, 8, daysAgo(500));
    expect((await pruner({ auditDays: 365 }, 3).runOnce()).auditEntries).toBe(8);
    expect(world.count('itsm_audit')).toBe(5);
  });

  it('deletes outbox events a day after they were processed, never unprocessed ones', async () => {
    seedEvents(world, 20, daysAgo(2));
    seedEvents(world, 3, daysAgo(0.5));
    seedEvents(world, 4, null);
    expect((await pruner({}, 6).runOnce()).processedEvents).toBe(20);
    expect(world.count('itsm_events')).toBe(7);
    expect(world.count('itsm_events', 'processed_at IS NULL')).toBe(4);
  });

  it('counts in a dry run exactly what a round then deletes, and deletes nothing itself', async () => {
    seedExecutions(world, { count: 12, status: 'succeeded', finishedAt: daysAgo(40), steps: 3 });
    seedExecutions(world, { count: 8, status: 'failed', finishedAt: daysAgo(100) });
    seedExecutions(world, { count: 15, status: 'succeeded', finishedAt: daysAgo(1) });
    seedAudit(world, 9, daysAgo(500));
    seedAudit(world, 6, daysAgo(1));
    seedEvents(world, 5, daysAgo(3));
    const policy = { succeededDays: 30, failedDays: 90, maxExecutions: 10, auditDays: 365, maxAuditEntries: 4 };
    const preview = pruner(policy).preview();
    expect(preview).toEqual({
      succeededExecutions: 12,
      failedExecutions: 8,
      excessExecutions: 5,
      steps: 52,
      auditEntries: 9,
      excessAuditEntries: 2,
      processedEvents: 5,
    });
    expect(world.count('workflow_executions')).toBe(35);
    const report = await pruner(policy, 4).runOnce();
    expect(report).toMatchObject({ ...preview, steps: 52 + 10 });
  });

  it('deletes in batches of the configured size and lets other work run between them', async () => {
    seedExecutions(world, { count: 95, status: 'succeeded', finishedAt: daysAgo(40) });
    const seen: number[] = [];
    const probe = setInterval(() => seen.push(world.count('workflow_executions')), 0);
    try {
      const report = await pruner({ succeededDays: 30 }, 10).runOnce();
      expect(report.succeededExecutions).toBe(95);
      expect(report.batches).toBeGreaterThanOrEqual(10);
    } finally {
      clearInterval(probe);
    }
    // The probe ran while the round was under way and saw it part done: the round is not one long transaction.
    expect(seen.some((count) => count > 0 && count < 95)).toBe(true);
  });

  it('waits longer between background batches while the engine is busy, and still finishes', async () => {
    seedExecutions(world, { count: 25, status: 'succeeded', finishedAt: daysAgo(40) });
    let now = 0;
    const waits: number[] = [];
    const subject = new RetentionPruner({
      repository: world.repository,
      policy: { ...KEEP_ALL, succeededDays: 30 },
      batchSize: 5,
      yieldFactor: 9,
      busyYieldFactor: 49,
      clock: () => NOW,
      // Every batch "takes" 10 ms; waits are recorded, not slept.
      monotonic: () => (now += 10),
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    let asked = 0;
    const report = await new Promise<PruneReport>((resolve, reject) => {
      subject.start({ busy: () => ++asked <= 3, onReport: resolve, onError: reject });
    });
    await subject.stop();
    expect(report.succeededExecutions).toBe(25);
    expect(world.count('workflow_executions')).toBe(0);
    expect(waits).toEqual([490, 490, 490, 90, 90]);
  });

  it('stops between batches when stopped', async () => {
    seedExecutions(world, { count: 200, status: 'succeeded', finishedAt: daysAgo(40) });
    const subject = pruner({ succeededDays: 30 }, 10);
    const round = subject.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await subject.stop();
    const report = await round;
    expect(report.succeededExecutions).toBeLessThan(200);
    expect(world.count('workflow_executions')).toBe(200 - report.succeededExecutions);
  });

  it('gives freed pages back to the disk, and a full-size refill after pruning does not grow the file', async () => {
    expect(world.repository.space().incremental).toBe(true);
    seedExecutions(world, { count: 2000, status: 'succeeded', finishedAt: daysAgo(40), steps: 3 });
    const full = world.fileBytes();
    const report = await pruner({ succeededDays: 30 }, 500).runOnce();
    expect(report.reclaimedPages).toBeGreaterThan(0);
    const pruned = world.fileBytes();
    expect(pruned).toBeLessThan(full / 2);
    for (let round = 0; round < 3; round++) {
      seedExecutions(world, { count: 2000, status: 'succeeded', finishedAt: daysAgo(40), steps: 3 });
      await pruner({ succeededDays: 30 }, 500).runOnce();
    }
    seedExecutions(world, { count: 2000, status: 'succeeded', finishedAt: daysAgo(40), steps: 3 });
    expect(world.fileBytes()).toBeLessThanOrEqual(full * 1.05);
  });
});
