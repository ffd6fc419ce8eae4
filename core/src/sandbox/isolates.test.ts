// The worker's pool of isolates per plugin version: an invocation that finds none idle waits for one being reset
// instead of compiling another isolate, and compiles one if the reset fails or takes too long.
import { describe, expect, it } from 'vitest';
import { SlotPool, type Slot } from './isolates.ts';

function fakeSlot(key: string): Slot & { disposed: () => boolean } {
  let disposed = false;
  const isolate = {
    get isDisposed() {
      return disposed;
    },
    dispose() {
      disposed = true;
    },
  };
  return { key, isolate, disposed: () => disposed } as unknown as Slot & { disposed: () => boolean };
}

describe('slot pool', () => {
  it('hands a slot being reset to an invocation that waits for it, instead of an idle list', async () => {
    const pool = new SlotPool(8, 48);
    const slot = fakeSlot('a@1');
    pool.returning(slot);
    const waited = pool.takeOrWait('a@1', 1000);
    expect(waited).toBeInstanceOf(Promise);
    pool.give(slot);
    await expect(waited).resolves.toBe(slot);
    // It went to the waiter, not to the idle list.
    expect(pool.take('a@1')).toBeUndefined();
  });

  it('takes an idle slot at once, and waits for no version but its own', () => {
    const pool = new SlotPool(8, 48);
    const idle = fakeSlot('a@1');
    pool.returning(idle);
    pool.give(idle);
    expect(pool.takeOrWait('a@1', 1000)).toBe(idle);
    const other = fakeSlot('b@1');
    pool.returning(other);
    expect(pool.takeOrWait('a@1', 1000)).toBeUndefined();
  });

  it('lets only as many invocations wait as slots are being reset; the others compile at once', async () => {
    const pool = new SlotPool(8, 48);
    const first = fakeSlot('a@1');
    pool.returning(first);
    const waiting = pool.takeOrWait('a@1', 1000);
    expect(waiting).toBeInstanceOf(Promise);
    expect(pool.takeOrWait('a@1', 1000)).toBeUndefined();
    pool.give(first);
    await expect(waiting).resolves.toBe(first);
  });

  it('wakes the waiter with nothing when the slot it waited for is discarded, and disposes that slot', async () => {
    const pool = new SlotPool(8, 48);
    const broken = fakeSlot('a@1');
    pool.returning(broken);
    const waited = pool.takeOrWait('a@1', 1000);
    pool.discard(broken);
    await expect(waited).resolves.toBeUndefined();
    expect(broken.disposed()).toBe(true);
    // Nothing is returning any more: the next invocation compiles at once.
    expect(pool.takeOrWait('a@1', 1000)).toBeUndefined();
  });

  it('stops waiting after waitMs; a slot given back later goes idle for the next invocation', async () => {
    const pool = new SlotPool(8, 48);
    const slow = fakeSlot('a@1');
    pool.returning(slow);
    await expect(pool.takeOrWait('a@1', 5)).resolves.toBeUndefined();
    pool.give(slow);
    expect(slow.disposed()).toBe(false);
    expect(pool.take('a@1')).toBe(slow);
  });

  it('keeps at most perKey idle slots of a version and disposes the rest', () => {
    const pool = new SlotPool(1, 48);
    const kept = fakeSlot('a@1');
    const extra = fakeSlot('a@1');
    for (const slot of [kept, extra]) pool.returning(slot);
    pool.give(kept);
    pool.give(extra);
    expect(extra.disposed()).toBe(true);
    expect(pool.take('a@1')).toBe(kept);
  });
});
