// Invocation slots: bounded concurrency, a bounded FIFO queue, cancellation while queued, closing.
import { describe, expect, it } from 'vitest';
import { InvocationSlots } from './slots.ts';

describe('invocation slots', () => {
  it('runs up to capacity at once and hands each freed slot to the longest waiter', async () => {
    const slots = new InvocationSlots(2, 10);
    await slots.acquire(undefined, 'p');
    await slots.acquire(undefined, 'p');
    const order: number[] = [];
    const third = slots.acquire(undefined, 'p').then(() => order.push(3));
    const fourth = slots.acquire(undefined, 'p').then(() => order.push(4));
    await Promise.resolve();
    expect(order).toEqual([]);
    slots.release();
    await third;
    slots.release();
    await fourth;
    expect(order).toEqual([3, 4]);
  });

  it('refuses with AH_SANDBOX_BUSY once the queue is full', async () => {
    const slots = new InvocationSlots(1, 1);
    await slots.acquire(undefined, 'p');
    const queued = slots.acquire(undefined, 'p');
    await expect(slots.acquire(undefined, 'p')).rejects.toMatchObject({ code: 'AH_SANDBOX_BUSY', status: 503 });
    slots.release();
    await queued;
  });

  it('drops a waiter whose signal aborts, without losing its place to anyone else', async () => {
    const slots = new InvocationSlots(1, 5);
    await slots.acquire(undefined, 'p');
    const abort = new AbortController();
    const cancelled = slots.acquire(abort.signal, 'p');
    const next = slots.acquire(undefined, 'p');
    abort.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'AH_INVOCATION_CANCELLED' });
    slots.release();
    await next;
  });

  it('fails waiters and new callers with AH_SANDBOX_CLOSED when closed', async () => {
    const slots = new InvocationSlots(1, 5);
    await slots.acquire(undefined, 'p');
    const waiting = slots.acquire(undefined, 'p');
    slots.close();
    await expect(waiting).rejects.toMatchObject({ code: 'AH_SANDBOX_CLOSED' });
    await expect(slots.acquire(undefined, 'p')).rejects.toMatchObject({ code: 'AH_SANDBOX_CLOSED' });
  });
});
