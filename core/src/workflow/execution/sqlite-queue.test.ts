// The execution queue and repository on SQLite: claims in batches, oldest due first, read off an index (no sort of
// the queue per pick); retries wait until due; a replayed event queues nothing; listing pages with a cursor.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteWorld, type TestWorld } from '../workflow.fixtures.ts';
import type { NewExecution } from './ports.ts';
import { PICK_DUE, SqliteExecutionQueue, executionId } from './sqlite-queue.ts';
import { SqliteExecutionRepository } from './sqlite-repository.ts';

let world: TestWorld;
let now: Date;
let queue: SqliteExecutionQueue;
let executions: SqliteExecutionRepository;
beforeEach(async () => {
  world = await openSqliteWorld();
  now = new Date('2026-03-01T10:00:00.000Z');
  queue = new SqliteExecutionQueue(world.store, () => now);
  executions = new SqliteExecutionRepository(world.store, { now: () => now });
});
afterEach(() => world.close());

const execution = (eventId: string, extra: Partial<NewExecution> = {}): NewExecution => ({
  workflowId: 'wf_1',
  workflowVersion: 1,
  requestId: 1,
  eventId,
  trigger: { type: 'request.created', changes: [] },
  ...extra,
});
const later = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

describe('SqliteExecutionQueue', () => {
  it('claims a batch of due executions, oldest first, and hands each out once', async () => {
    const ids = await queue.enqueue(['e1', 'e2', 'e3', 'e4', 'e5'].map((event) => execution(event)));
    later(1);
    const first = await queue.claim(3);
    expect(first.map((claimed) => claimed.id)).toEqual(ids.slice(0, 3));
    expect(first[0]).toMatchObject({ workflowId: 'wf_1', eventId: 'e1', trigger: { type: 'request.created' } });
    expect((await queue.claim(10)).map((claimed) => claimed.id)).toEqual(ids.slice(3));
    expect(await queue.claim(10)).toEqual([]);
    expect(await queue.claimOne(ids[0])).toBeNull();
    expect(await executions.statusOf(ids[0])).toBe('running');
  });

  it('keeps a scheduled retry until it is due; a checkpoint goes back to its place at the head', async () => {
    const [a, b, c] = await queue.enqueue(['e1', 'e2', 'e3'].map((event) => execution(event)));
    later(1);
    await queue.claim(2);
    await queue.requeue(a, new Date(now.getTime() + 60_000).toISOString());
    await queue.requeue(b, null);
    expect(await queue.depth()).toEqual({ queued: 3, oldestDueAt: '2026-03-01T10:00:00.000Z' });
    expect((await queue.claim(10)).map((claimed) => claimed.id)).toEqual([b, c]);
    expect(await queue.nextDueAt()).toBe('2026-03-01T10:01:00.001Z');
    later(60_000);
    expect((await queue.claim(10)).map((claimed) => claimed.id)).toEqual([a]);
  });

  it('queues nothing for a replayed (workflow, event)', async () => {
    expect(await queue.enqueue([execution('e1')])).toHaveLength(1);
    expect(await queue.enqueue([execution('e1'), execution('e1', { workflowId: 'wf_2' })])).toHaveLength(1);
    expect((await queue.depth()).queued).toBe(2);
  });

  it('picks from the head of an index on the due time: no sort of the whole queue per claim', async () => {
    await queue.enqueue(Array.from({ length: 200 }, (_, i) => execution(`e${i}`)));
    const plan = (
      world.store.db.prepare(`EXPLAIN QUERY PLAN ${PICK_DUE}`).all(now.toISOString(), 8) as { detail: string }[]
    ).map((row) => row.detail);
    expect(plan.join('\n')).toContain('workflow_executions_due');
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  it('gives back what a killed process left running, its in-flight steps marked interrupted', async () => {
    const [id] = await queue.enqueue([execution('e1')]);
    await queue.claimOne(id);
    await executions.startStep(id, {
      seq: 1,
      nodeId: 'hook',
      kind: 'action',
      title: 'hook',
      plugin: 'p@1.0.0',
      integrity: 'i',
      inputs: {},
      attempt: 1,
    });
    expect(await queue.recoverInterrupted()).toBe(1);
    expect(await executions.getExecution(id)).toMatchObject({
      status: 'queued',
      steps: [{ status: 'failed', error: { code: 'AH_STEP_INTERRUPTED' } }],
    });
  });

  it('makes time-ordered ids, in order within one millisecond too', () => {
    const ids = Array.from({ length: 5000 }, () => executionId(1_767_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('SqliteExecutionRepository', () => {
  it('lists newest first, page by page with a cursor, filtered by status, outcome and time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 1203; i++) {
      ids.push(...(await queue.enqueue([execution(`e${i}`)])));
      if (i % 100 === 99) later(1000);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await executions.listExecutions({ limit: 500, ...(cursor ? { cursor } : {}) });
      seen.push(...page.executions.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    for (const id of ids.slice(0, 3)) {
      await queue.claimOne(id);
      await executions.finishExecution(id, {
        status: 'succeeded',
        error: null,
        outcome: 'failure',
        failedSteps: ['hook'],
      });
    }
    const failures = await executions.listExecutions({ outcome: 'failure' });
    expect(failures.executions.map((e) => [e.id, e.status, e.failedSteps])).toEqual(
      ids
        .slice(0, 3)
        .reverse()
        .map((id) => [id, 'succeeded', ['hook']]),
    );
    const window = await executions.listExecutions({
      since: '2026-03-01T10:00:01.000Z',
      until: '2026-03-01T10:00:03.000Z',
      limit: 500,
    });
    expect(window.executions.map((e) => e.id)).toEqual(ids.slice(100, 300).reverse());
    await expect(executions.listExecutions({ cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({
      code: 'AH_VALIDATION_FAILED',
    });
  });
});
