// A misbehaving plugin fails only its own invocation, with a stable code, and the host keeps serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '@actionhost/core';
import { benign, pluginOf } from './builders.ts';

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = new Sandbox({ workers: 2 });
});
afterAll(async () => {
  await sandbox.close();
});

async function failureOf(promise: Promise<unknown>): Promise<{ code: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; details: Record<string, unknown> };
  }
  throw new Error('expected the invocation to fail');
}

async function expectHostStillServes(): Promise<void> {
  const outcome = await sandbox.invoke({ plugin: benign(), input: { after: true } });
  expect(outcome).toMatchObject({ path: 'success', output: { echo: { after: true } } });
}

describe('hostile plugins', () => {
  const cases: Array<[string, string, string[], string?]> = [
    ['a synchronous infinite loop', 'while (true) {}', ['AH_PLUGIN_TIMEOUT']],
    [
      'an infinite async loop (promise chain)',
      'const spin = async () => { await null; return spin(); }; return spin();',
      ['AH_PLUGIN_TIMEOUT', 'AH_PLUGIN_OUT_OF_MEMORY'],
    ],
    ['a loop that spins after awaiting', 'await null; await Promise.resolve(); for (;;) {}', ['AH_PLUGIN_TIMEOUT']],
    ['a promise that never settles', 'await new Promise(() => {});', ['AH_PLUGIN_TIMEOUT']],
    [
      'a memory bomb of arrays',
      'const keep = []; for (;;) keep.push(new Array(100000).fill(Math.random()));',
      ['AH_PLUGIN_OUT_OF_MEMORY'],
    ],
    [
      'a memory bomb of strings',
      'const keep = []; let s = "x"; for (;;) { s = s + s + Math.random(); keep.push(s); }',
      ['AH_PLUGIN_OUT_OF_MEMORY', 'AH_PLUGIN_THREW'],
    ],
    ['deep recursion', 'const down = (n) => down(n + 1) + 1; return down(0);', ['AH_PLUGIN_THREW']],
    ['throwing a string', 'throw "boom";', ['AH_PLUGIN_THREW']],
    [
      'throwing a Proxy',
      'throw new Proxy({}, { get() { throw new Error("trap"); }, getPrototypeOf() { throw new Error("trap"); } });',
      ['AH_PLUGIN_THREW'],
    ],
    [
      'throwing an object with throwing getters',
      'throw { get message() { throw new Error("getter"); }, get code() { throw new Error("getter"); } };',
      ['AH_PLUGIN_THREW'],
    ],
    [
      'returning output with a throwing getter',
      'return { path: "success", output: { get x() { throw new Error("no"); } } };',
      ['AH_PLUGIN_THREW'],
    ],
    ['reaching for process', 'return { path: "success", output: { pid: process.pid } };', ['AH_PLUGIN_THREW']],
    [
      'reaching for require',
      'return { path: "success", output: { fs: require("fs").readFileSync("/etc/passwd", "utf8") } };',
      ['AH_PLUGIN_THREW'],
    ],
    [
      'the Function constructor escape',
      'return { path: "success", output: { pid: globalThis.constructor.constructor("return process")().pid } };',
      ['AH_PLUGIN_THREW'],
    ],
    ['a top-level throw', '', ['AH_PLUGIN_THREW'], 'throw new Error("top level");'],
    ['a top-level infinite loop', '', ['AH_PLUGIN_TIMEOUT'], 'for (;;) {}'],
    [
      'no plugin object at all',
      '',
      ['AH_PLUGIN_INVALID'],
      'globalThis.plugin = undefined; Object.defineProperty(globalThis, "plugin", { set() {}, get() { return 42; } });',
    ],
    ['a syntax error', '', ['AH_PLUGIN_INVALID'], 'this is not javascript'],
  ];
  for (const [name, body, codes, prologue] of cases) {
    it(`fails only its own invocation on ${name}`, async () => {
      const error = await failureOf(sandbox.invoke({ plugin: pluginOf(body, {}, prologue), input: {} }));
      expect(codes).toContain(error.code);
      expect(error.details.plugin).toMatch(/^@test\/hostile@/);
      await expectHostStillServes();
    });
  }

  it('refuses output over the size cap', async () => {
    const plugin = pluginOf('return { path: "success", output: { big: "x".repeat(200000) } };', {
      limits: { maxOutputBytes: 100_000 },
    });
    expect((await failureOf(sandbox.invoke({ plugin, input: {} }))).code).toBe('AH_OUTPUT_TOO_LARGE');
    await expectHostStillServes();
  });

  it('refuses output that violates the output schema', async () => {
    const plugin = pluginOf('return { path: "success", output: { count: "three" } };', {
      output: { type: 'object', properties: { count: { type: 'integer' } }, required: ['count'] },
    });
    const error = await failureOf(sandbox.invoke({ plugin, input: {} }));
    expect(error.code).toBe('AH_OUTPUT_INVALID');
    expect(error.details.path).toBe('/output/count');
  });

  it('refuses a path the manifest does not declare', async () => {
    const plugin = pluginOf('return { path: "sideways", output: {} };');
    expect((await failureOf(sandbox.invoke({ plugin, input: {} }))).code).toBe('AH_PATH_UNDECLARED');
  });

  it('refuses input that violates the input schema before running anything', async () => {
    const plugin = pluginOf('throw new Error("must not run");', {
      input: { type: 'object', properties: { 'Request.Id': { type: 'integer' } }, required: ['Request.Id'] },
    });
    const error = await failureOf(sandbox.invoke({ plugin, input: { 'Request.Id': 'twelve' } }));
    expect(error.code).toBe('AH_INPUT_INVALID');
    expect(error.details.path).toBe('/input/Request.Id');
  });

  it('hides the bridge: no isolated-vm object, process or require is reachable from guest globals', async () => {
    const plugin = pluginOf(`
      const names = Object.getOwnPropertyNames(globalThis);
      const leaked = names.filter((n) => n.startsWith('__ah_'));
      const seen = [];
      for (const n of names) { try { const v = globalThis[n]; if (v && typeof v === 'object' && typeof v.applySync === 'function') seen.push(n); } catch (e) {} }
      return { path: 'success', output: { leaked, seen, process: typeof process, require: typeof require, ctxKeys: Object.keys(ctx).sort() } };`);
    const outcome = await sandbox.invoke({ plugin, input: {} });
    expect(outcome.output).toEqual({
      leaked: [],
      seen: [],
      process: 'undefined',
      require: 'undefined',
      ctxKeys: ['invocation', 'log'],
    });
  });

  it('gives Error.prepareStackTrace tricks nothing of the host', async () => {
    const plugin = pluginOf(`
      let frames = [];
      Error.prepareStackTrace = (error, callSites) => { frames = callSites.map((c) => String(c.getFileName()) + ':' + typeof c.getThis() + ':' + typeof c.getFunction()); return 'x'; };
      try { await ctx.log.info('probe'); null.x; } catch (e) { void e.stack; }
      return { path: 'success', output: { frames } };`);
    const outcome = await sandbox.invoke({ plugin, input: {} });
    const { frames } = outcome.output as { frames: string[] };
    // The hook did run and saw call sites (an empty list would prove nothing), and they are all the guest's own:
    // the plugin's script or the prelude, whose frames give out neither a receiver nor a function.
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.some((frame) => frame.startsWith('plugin:@test/hostile@'))).toBe(true);
    for (const frame of frames) {
      expect(frame).toMatch(/^(plugin:@test\/hostile@[^:]+\/dist\/plugin\.js|actionhost:prelude):/);
      if (frame.startsWith('actionhost:prelude:')) expect(frame).toBe('actionhost:prelude:undefined:undefined');
    }
    expect(JSON.stringify(frames)).not.toMatch(/node:|\/work\/|node_modules|sandbox[/-]worker/);
  });

  it('keeps benign invocations running while a hostile one spins in parallel', async () => {
    const spinning = failureOf(sandbox.invoke({ plugin: pluginOf('for (;;) {}'), input: {} }));
    const benignOnes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => sandbox.invoke({ plugin: benign(), input: { i } })),
    );
    expect(benignOnes.map((o) => (o.output as { echo: { i: number } }).echo.i)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    expect((await spinning).code).toBe('AH_PLUGIN_TIMEOUT');
  });

  it('fails only the in-flight invocations of a worker that dies, then replaces the worker', async () => {
    const lone = new Sandbox({ workers: 1 });
    try {
      const hanging = failureOf(
        lone.invoke({ plugin: pluginOf('await new Promise(() => {});', { limits: { timeoutMs: 20_000 } }), input: {} }),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const pid = lone.stats().workers[0].pid!;
      process.kill(pid, 'SIGKILL');
      expect((await hanging).code).toBe('AH_PLUGIN_CRASHED');
      const outcome = await lone.invoke({ plugin: benign(), input: { again: 1 } });
      expect(outcome.path).toBe('success');
      expect(lone.stats().workers[0].pid).not.toBe(pid);
      expect(lone.restarts).toBe(1);
    } finally {
      await lone.close();
    }
  });

  it('captures ctx.log lines, capped per invocation', async () => {
    const plugin = pluginOf(
      'for (let i = 0; i < 500; i++) ctx.log.info("line " + i, { i }); return { path: "success", output: {} };',
    );
    const outcome = await sandbox.invoke({ plugin, input: {} });
    expect(outcome.logs).toHaveLength(200);
    expect(outcome.logs[0]).toMatchObject({ level: 'info', message: 'line 0', data: { i: 0 } });
  });
});
