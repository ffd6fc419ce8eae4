// A worker keeps about as many isolates of a plugin version as run at once: an invocation that awaited a host call
// is wound down after it answered (its context reset on the isolate's thread), and the next invocation waits for
// that isolate instead of compiling another one (~4.5 MB each). Seen from the host: an invocation in a new isolate
// is the only kind that does not run in a reused context.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, createHttpCapability } from '@actionhost/core';
import { startHttpTarget, type HttpTarget } from '../support/http-target.ts';
import { pluginOf } from './builders.ts';

let sandbox: Sandbox;
let target: HttpTarget;

beforeAll(async () => {
  target = await startHttpTarget();
  sandbox = new Sandbox({
    workers: 1,
    capabilities: [createHttpCapability({ egress: { allowPrivate: ['127.0.0.1'] } })],
  });
});
afterAll(async () => {
  await sandbox.close();
  await target.close();
});

describe('isolates per plugin version on a worker', () => {
  it('are reused by the next round of invocations that await host calls, not compiled again', async () => {
    const plugin = pluginOf(
      `const r = await ctx.http.request({ method: 'GET', url: input.origin + '/json' });
      return { path: 'success', output: { status: r.status } };`,
      { capabilities: { http: { hosts: ['*'] } } },
    );
    const atOnce = 4;
    const rounds = 25;
    let fresh = 0;
    for (let round = 0; round < rounds; round++) {
      const outcomes = await Promise.all(
        Array.from({ length: atOnce }, () => sandbox.invoke({ plugin, input: { origin: target.origin } })),
      );
      for (const outcome of outcomes) {
        expect(outcome).toMatchObject({ path: 'success', output: { status: 200 } });
        if (!outcome.contextReused) fresh++;
      }
    }
    // The first round compiles one isolate per invocation; every later round finds them idle or being reset
    // (before, each round that started while the last one's contexts were being reset compiled 4 more, up to 8).
    expect(fresh).toBe(atOnce);
  });
});
