// Admission of request writes: bounded by the time the backlog takes to drain, with the count as the hard ceiling.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ALWAYS_ADMITTED, BacklogAdmission, admissionVerdict, type BacklogReading } from './admission.ts';

const policy = { maxBacklog: 10_000, maxBacklogMs: 1000 };

describe('admissionVerdict', () => {
  it('admits a backlog the engine drains within maxBacklogMs at its current rate', () => {
    expect(admissionVerdict(policy, { backlog: 400, drainPerSecond: 500, oldestAgeMs: 200 })).toEqual({
      admit: true,
    });
  });

  it('refuses a backlog that would take longer to drain, with a Retry-After of about the drain time', () => {
    expect(admissionVerdict(policy, { backlog: 1500, drainPerSecond: 500, oldestAgeMs: 200 })).toEqual({
      admit: false,
      reason: 'drain-time',
      limit: 500,
      retryAfterSeconds: 3,
    });
  });

  it('refuses once the oldest waiting entry has waited longer than maxBacklogMs, whatever the rate says', () => {
    expect(admissionVerdict(policy, { backlog: 100, drainPerSecond: 5000, oldestAgeMs: 1500 })).toMatchObject({
      admit: false,
      reason: 'drain-time',
    });
  });

  it('admits a small backlog while the engine has no drain rate yet (it was idle)', () => {
    expect(admissionVerdict(policy, { backlog: ALWAYS_ADMITTED, drainPerSecond: 0, oldestAgeMs: 5000 })).toEqual({
      admit: true,
    });
    expect(admissionVerdict(policy, { backlog: ALWAYS_ADMITTED + 1, drainPerSecond: 0, oldestAgeMs: 0 })).toMatchObject(
      { admit: false, reason: 'drain-time', retryAfterSeconds: 5 },
    );
  });

  it('keeps the count as the hard ceiling, also with the time bound off', () => {
    const countOnly = { maxBacklog: 5, maxBacklogMs: 0 };
    expect(admissionVerdict(countOnly, { backlog: 5, drainPerSecond: 0, oldestAgeMs: 60_000 })).toEqual({
      admit: true,
    });
    expect(admissionVerdict(countOnly, { backlog: 6, drainPerSecond: 2, oldestAgeMs: 0 })).toEqual({
      admit: false,
      reason: 'count',
      limit: 5,
      retryAfterSeconds: 3,
    });
    expect(
      admissionVerdict({ maxBacklog: 100, maxBacklogMs: 1000 }, { backlog: 101, drainPerSecond: 1e6, oldestAgeMs: 0 }),
    ).toMatchObject({ admit: false, reason: 'count' });
  });

  it('asks to come back within a minute at most', () => {
    expect(admissionVerdict(policy, { backlog: 9000, drainPerSecond: 10, oldestAgeMs: 0 })).toMatchObject({
      retryAfterSeconds: 60,
    });
  });
});

describe('BacklogAdmission', () => {
  it('counts the writes it admitted on top of a reading until the next one', async () => {
    let now = 0;
    let reads = 0;
    const reading: BacklogReading = { backlog: 90, drainPerSecond: 100, oldestAgeMs: 0 };
    const admission = new BacklogAdmission(
      policy,
      async () => {
        reads++;
        return { ...reading };
      },
      () => now,
    );
    const verdicts = [];
    for (let i = 0; i < 11; i++) verdicts.push(await admission.admit());
    // 90 waiting + 11 admitted reaches the 1 s bound of a 100/s engine, on the same reading.
    expect(verdicts.every((verdict) => verdict.admit)).toBe(true);
    expect(verdicts.at(-1)).toMatchObject({ backlog: 100 });
    expect(reads).toBe(1);
    // A fresh reading (the engine drained) counts from it.
    now += 200;
    reading.backlog = 10;
    expect(await admission.admit()).toMatchObject({ admit: true, backlog: 10 });
    expect(reads).toBe(2);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds a write over the time bound in line until the engine made room, first come first in', async () => {
    vi.useFakeTimers();
    const reading: BacklogReading = { backlog: 100, drainPerSecond: 50, oldestAgeMs: 0 };
    const admission = new BacklogAdmission(policy, async () => ({ ...reading }));
    const order: number[] = [];
    const first = admission.admit().then((verdict) => (order.push(1), verdict));
    const second = admission.admit().then((verdict) => (order.push(2), verdict));
    await vi.advanceTimersByTimeAsync(0);
    expect(admission.waiting).toBe(2);
    reading.backlog = 0;
    await vi.advanceTimersByTimeAsync(150);
    expect(await first).toMatchObject({ admit: true });
    expect(await second).toMatchObject({ admit: true });
    expect(order).toEqual([1, 2]);
    expect(admission.waiting).toBe(0);
  });

  it('refuses a write that waited maxBacklogMs without room, and one that finds the line full', async () => {
    vi.useFakeTimers();
    const reading: BacklogReading = { backlog: 100, drainPerSecond: 40, oldestAgeMs: 0 };
    const admission = new BacklogAdmission(policy, async () => ({ ...reading }));
    const waiting = Array.from({ length: 40 }, () => admission.admit());
    await vi.advanceTimersByTimeAsync(0);
    expect(admission.waiting).toBe(40);
    // The line holds what the engine drains in maxBacklogMs (40 at 40/s): the next one is refused at once.
    expect(await admission.admit()).toMatchObject({ admit: false, reason: 'drain-time' });
    await vi.advanceTimersByTimeAsync(1100);
    const verdicts = await Promise.all(waiting);
    expect(verdicts.every((verdict) => !verdict.admit)).toBe(true);
    expect(admission.waiting).toBe(0);
  });

  it('refuses at once past the count ceiling, without waiting', async () => {
    const admission = new BacklogAdmission({ maxBacklog: 5, maxBacklogMs: 1000 }, async () => ({
      backlog: 6,
      drainPerSecond: 1000,
      oldestAgeMs: 0,
    }));
    expect(await admission.admit()).toMatchObject({ admit: false, reason: 'count' });
    expect(admission.waiting).toBe(0);
  });

  it('reads the backlog once for requests that arrive together', async () => {
    let reads = 0;
    const admission = new BacklogAdmission(policy, async () => {
      reads++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { backlog: 0, drainPerSecond: 0, oldestAgeMs: 0 };
    });
    const verdicts = await Promise.all(Array.from({ length: 20 }, () => admission.admit()));
    expect(verdicts.every((verdict) => verdict.admit)).toBe(true);
    expect(reads).toBe(1);
  });
});
