// A warm invocation's first turn runs inline on its worker's thread, for a few milliseconds at most (worker.ts,
// runInline). A plugin whose first turn takes longer is run again from the start on its isolate's own thread: what
// the abandoned turn asked of the host never reaches it, and from then on that version cannot hold the worker's
// thread, so the other invocations on the worker keep being served while it spins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, type Capability } from '@actionhost/core';
import { pluginOf } from './builders.ts';

/** A stand-in http capability that records the URL of every call that reached the host. */
const received: string[] = [];
const recording: Capability = {
  name: 'http',
  declaredBy: () => true,
  call(_method, args) {
    received.push((args[0] as { url: string }).url);
    return Promise.resolve({ status: 200 });
  },
};

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = new Sandbox({ workers: 1, capabilities: [recording] });
});
afterAll(async () => {
  await sandbox.close();
});

const withHttp = { capabilities: { http: { hosts: ['*'] } }, limits: { timeoutMs: 10_000, memoryMb: 32 } };
/** Starts a host call without awaiting it, then keeps its first turn busy for `ms`. */
const callThenSpin = (ms: number) =>
  pluginOf(
    `const call = ctx.http.request({ method: 'GET', url: 'http://example.test/' + input.n });
     const until = Date.now() + ${ms}; while (Date.now() < until) {}
     await call;
     return { path: 'success', output: { n: input.n } };`,
    withHttp,
  );

describe('a first turn longer than an inline one', () => {
  it('runs again on the isolate thread, and the host serves only the second run’s call', async () => {
    const plugin = callThenSpin(200);
    // A warm context first (the inline path needs one), then the invocation whose first turn spins.
    await sandbox.invoke({ plugin, input: { n: 0 } });
    received.length = 0;
    const outcome = await sandbox.invoke({ plugin, input: { n: 1 } });
    expect(outcome.output).toEqual({ n: 1 });
    expect(received).toEqual(['http://example.test/1']);
  });

  it('answers every invocation of a plugin whose module takes longer than an inline turn to evaluate', async () => {
    // The context is reset (the module evaluated afresh) with each answer: inline first, then on the isolate thread.
    const plugin = pluginOf(
      `return { path: 'success', output: { n: input.n, evaluated } };`,
      withHttp,
      'const until = Date.now() + 100; while (Date.now() < until) {} const evaluated = true;',
    );
    const outputs = [];
    for (let n = 0; n < 4; n++) outputs.push((await sandbox.invoke({ plugin, input: { n } })).output);
    expect(outputs).toEqual([0, 1, 2, 3].map((n) => ({ n, evaluated: true })));
  });

  it('does not hold the worker: an invocation started while it spins finishes first', async () => {
    const slow = callThenSpin(1_500);
    await sandbox.invoke({ plugin: slow, input: { n: 0 } });
    const order: string[] = [];
    const spinning = sandbox.invoke({ plugin: slow, input: { n: 1 } }).then(() => order.push('slow'));
    const quick = pluginOf(`return { path: 'success', output: { quick: true } };`);
    await sandbox.invoke({ plugin: quick, input: {} }).then(() => order.push('quick'));
    await spinning;
    expect(order).toEqual(['quick', 'slow']);
  });
});
