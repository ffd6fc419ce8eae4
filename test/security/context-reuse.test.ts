// Isolation with reused contexts: a plugin version's invocations share a V8 context (reset in between, built-ins
// frozen, the module evaluated afresh), and nothing one invocation leaves behind — globals, patched built-ins,
// module state, pending promises, references to ctx, stack formatters, regexp matches — reaches a later one of
// the same or another request. Every test checks that the later invocation did run in the reused context.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, type InvokeOutcome, type LoadedPlugin } from '@actionhost/core';
import { pluginOf } from './builders.ts';

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = new Sandbox({ workers: 1 });
});
afterAll(async () => {
  await sandbox.close();
});

const run = (plugin: LoadedPlugin, secret: string): Promise<InvokeOutcome> =>
  sandbox.invoke({ plugin, input: { secret } });

/** Runs the plugin for request A, then for request B; B must have run in A's context. */
async function afterAnother(plugin: LoadedPlugin): Promise<{ first: unknown; second: unknown }> {
  const first = await run(plugin, 'secret-of-request-A');
  const second = await run(plugin, 'secret-of-request-B');
  expect(second.contextReused).toBe(true);
  expect(JSON.stringify(second.output)).not.toContain('secret-of-request-A');
  return { first: first.output, second: second.output };
}

describe('a reused context', () => {
  it('gives a later invocation none of the globals an earlier one wrote', async () => {
    const plugin = pluginOf(`
      const seen = Object.getOwnPropertyNames(globalThis).filter((name) => name.startsWith('left'));
      globalThis.leftSecret = input.secret;
      globalThis.leftCtx = ctx;
      var leftVar = input.secret;
      Object.defineProperty(globalThis, 'leftGetter', { get: () => input.secret, configurable: true });
      return { path: 'success', output: { seen, plugin: typeof globalThis.plugin.run } };`);
    const { first, second } = await afterAnother(plugin);
    expect(first).toEqual({ seen: [], plugin: 'function' });
    expect(second).toEqual({ seen: [], plugin: 'function' });
  });

  it('keeps built-ins as they were: patches of Array.prototype, Object.prototype, JSON and Promise fail or are undone', async () => {
    const plugin = pluginOf(`
      const seen = {
        arrayLeak: [].leak ?? null,
        objectLeak: ({}).leak ?? null,
        parsed: JSON.parse('{"a":1}').a,
        stringified: JSON.stringify({ b: 2 }),
        thenNative: Function.prototype.toString.call(Promise.prototype.then).includes('[native code]'),
        resolved: await Promise.resolve('real'),
        random: typeof Math.random(),
      };
      const attempts = [
        () => { Array.prototype.leak = input.secret; },
        () => { Object.prototype.leak = input.secret; },
        () => { JSON.parse = () => ({ a: input.secret }); },
        () => { Promise.prototype.then = function () { return input.secret; }; },
        () => { Math.random = () => input.secret; },
        () => { globalThis.JSON = { parse: () => ({ a: input.secret }), stringify: () => input.secret }; },
        () => { globalThis.Promise = function () { return input.secret; }; },
      ];
      let refused = 0;
      for (const attempt of attempts) { try { attempt(); } catch (error) { refused++; } }
      return { path: 'success', output: { seen, refused } };`);
    const { first, second } = await afterAnother(plugin);
    const genuine = {
      arrayLeak: null,
      objectLeak: null,
      parsed: 1,
      stringified: '{"b":2}',
      thenNative: true,
      resolved: 'real',
      random: 'number',
    };
    expect(first).toMatchObject({ seen: genuine });
    expect(second).toMatchObject({ seen: genuine });
    // The plugin body is sloppy code: assignments to frozen built-ins are ignored, not thrown; the global
    // bindings it replaced are put back after it.
    expect((first as { refused: number }).refused).toBeLessThanOrEqual(7);
  });

  it('still runs ordinary code that assigns names, messages and toString on its own objects', async () => {
    const plugin = pluginOf(`
      'use strict';
      class NotFound extends Error { constructor(what) { super(what + ' not found'); this.name = 'NotFound'; this.code = 'E_NOT_FOUND'; } }
      const thing = { toString: null };
      thing.toString = () => 'a thing';
      const legacy = Object.create(Object.prototype);
      legacy.constructor = function Legacy() {};
      const error = new NotFound('printer');
      error.message = 'printer is gone';
      return { path: 'success', output: { name: error.name, message: error.message, text: String(thing), ctor: legacy.constructor.name } };`);
    const { second } = await afterAnother(plugin);
    expect(second).toEqual({ name: 'NotFound', message: 'printer is gone', text: 'a thing', ctor: 'Legacy' });
  });

  it('evaluates the module afresh: what one invocation stashed in module scope the next does not see', async () => {
    const plugin = pluginOf(
      `stash.push(input.secret); kept.push(ctx); return { path: 'success', output: { stash: stash.slice(), kept: kept.length } };`,
      {},
      'const stash = []; const kept = [];',
    );
    const { first, second } = await afterAnother(plugin);
    expect(first).toEqual({ stash: ['secret-of-request-A'], kept: 1 });
    expect(second).toEqual({ stash: ['secret-of-request-B'], kept: 1 });
  });

  it('lets nothing an invocation left pending run in a later one, and offers no timers', async () => {
    const plugin = pluginOf(`
      const seen = { release: typeof globalThis.release, setTimeout: typeof setTimeout, setInterval: typeof setInterval,
        queueMicrotask: typeof queueMicrotask, ran: globalThis.ranLater ?? null };
      new Promise((resolve) => { globalThis.release = resolve; }).then(() => { globalThis.ranLater = input.secret; });
      const keep = ctx;
      new Promise(() => {}).then(() => keep.log.info(input.secret));
      return { path: 'success', output: seen };`);
    const { second } = await afterAnother(plugin);
    expect(second).toEqual({
      release: 'undefined',
      setTimeout: 'undefined',
      setInterval: 'undefined',
      queueMicrotask: 'undefined',
      ran: null,
    });
  });

  it('runs no stack formatter and shows no regexp match an earlier invocation left behind', async () => {
    const plugin = pluginOf(`
      const seen = { stack: String(new Error('probe').stack), dollar1: RegExp.$1, lastMatch: RegExp.lastMatch,
        formatter: typeof Error.prepareStackTrace, limit: Error.stackTraceLimit };
      Error.prepareStackTrace = () => 'formatted with ' + input.secret;
      Error.stackTraceLimit = 1;
      /(secret-of-request-[AB])/.exec(input.secret);
      return { path: 'success', output: seen };`);
    const { second } = await afterAnother(plugin);
    expect(second).toMatchObject({ dollar1: '', lastMatch: '', formatter: 'undefined', limit: 10 });
    expect((second as { stack: string }).stack).toContain('probe');
  });

  it('throws away a context it cannot reset: a global made non-configurable, a global object made non-extensible', async () => {
    for (const trap of [
      `Object.defineProperty(globalThis, 'stuck', { value: input.secret, configurable: false });`,
      `Object.preventExtensions(globalThis);`,
    ]) {
      const plugin = pluginOf(`
        const seen = { stuck: typeof globalThis.stuck, extensible: Object.isExtensible(globalThis) };
        ${trap}
        return { path: 'success', output: seen };`);
      await run(plugin, 'secret-of-request-A');
      const second = await run(plugin, 'secret-of-request-B');
      expect(second.contextReused).toBe(false);
      expect(second.output).toEqual({ stuck: 'undefined', extensible: true });
    }
  });

  it('keeps concurrent requests apart: each sees only its own input', async () => {
    const plugin = pluginOf(
      `globalThis.mine = input.secret; seen.push(input.secret); await null; return { path: 'success', output: { mine: globalThis.mine, seen } };`,
      {},
      'const seen = [];',
    );
    const outcomes = await Promise.all(Array.from({ length: 24 }, (_, i) => run(plugin, `secret-${i}`)));
    outcomes.forEach((outcome, i) => expect(outcome.output).toEqual({ mine: `secret-${i}`, seen: [`secret-${i}`] }));
    expect(outcomes.some((outcome) => outcome.contextReused)).toBe(true);
  });

  it('keeps WebAssembly, SharedArrayBuffer, Atomics and FinalizationRegistry out of the sandbox', async () => {
    const plugin = pluginOf(`return { path: 'success', output: {
      wasm: typeof WebAssembly, sab: typeof SharedArrayBuffer, atomics: typeof Atomics, registry: typeof FinalizationRegistry } };`);
    const { second } = await afterAnother(plugin);
    expect(second).toEqual({ wasm: 'undefined', sab: 'undefined', atomics: 'undefined', registry: 'undefined' });
  });
});

describe('the fresh-context mode', () => {
  it('gives a plugin that asks for it (sandbox.context: fresh) a new, unfrozen context every time', async () => {
    const plugin = pluginOf(
      `const before = [].mine ?? null; Array.prototype.mine = input.secret; return { path: 'success', output: { before, after: [].mine } };`,
      { sandbox: { context: 'fresh' } },
    );
    const first = await run(plugin, 'secret-of-request-A');
    const second = await run(plugin, 'secret-of-request-B');
    expect([first.contextReused, second.contextReused]).toEqual([false, false]);
    expect(second.output).toEqual({ before: null, after: 'secret-of-request-B' });
  });

  it('is what every plugin gets from a host started with context: fresh', async () => {
    const fresh = new Sandbox({ workers: 1, context: 'fresh' });
    try {
      const plugin = pluginOf(
        `globalThis.n = (globalThis.n ?? 0) + 1; return { path: 'success', output: { n: globalThis.n } };`,
      );
      const outcomes = [await fresh.invoke({ plugin, input: {} }), await fresh.invoke({ plugin, input: {} })];
      expect(outcomes.map((o) => [o.contextReused, o.output])).toEqual([
        [false, { n: 1 }],
        [false, { n: 1 }],
      ]);
    } finally {
      await fresh.close();
    }
  });
});
