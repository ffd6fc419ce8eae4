// The sandbox's limits hold after the plugin returns and outside the JS heap (issue 9, items 5, 6, 7, 9, 15): work
// left running is stopped, the memory limit applied is the manifest's and counts ArrayBuffers, host-call
// arguments are refused inside the isolate before any copy reaches the host, and deep output fails cleanly.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '@actionhost/sdk';
import { Sandbox, type Capability, type LoadedPlugin } from '@actionhost/core';
import { pluginOf } from './builders.ts';

/** A stand-in http capability that records what reached the host and answers after a moment. */
const received: { bytes: number; at: number }[] = [];
let inFlight = 0;
let peakInFlightBytes = 0;
let inFlightBytes = 0;
const recording: Capability = {
  name: 'http',
  declaredBy: () => true,
  async call(_method, args) {
    const bytes = JSON.stringify(args).length;
    received.push({ bytes, at: Date.now() });
    inFlight++;
    inFlightBytes += bytes;
    peakInFlightBytes = Math.max(peakInFlightBytes, inFlightBytes);
    await new Promise((resolve) => setTimeout(resolve, 100));
    inFlight--;
    inFlightBytes -= bytes;
    return { status: 200 };
  },
};

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = new Sandbox({ workers: 1, capabilities: [recording] });
});
afterAll(async () => {
  await sandbox.close();
});

const withHttp = { capabilities: { http: { hosts: ['*'] } } };
const failureOf = (plugin: LoadedPlugin, input: Json = {}) =>
  sandbox.invoke({ plugin, input }).then(
    () => ({ code: 'none' }),
    (error: { code: string; details: Record<string, unknown> }) => error,
  );

function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

describe('work a plugin leaves running after it returned', () => {
  for (const context of ['reused', 'fresh'] as const) {
    it(`is stopped: an endless promise chain started after a host call does not keep its worker busy (${context} context)`, async () => {
      const plugin = pluginOf(
        `await ctx.http.request({ method: 'GET', url: 'http://example.test/' });
         const spin = () => Promise.resolve().then(spin); spin();
         return { path: 'success', output: { returned: true } };`,
        { ...withHttp, sandbox: { context }, limits: { timeoutMs: 30_000 } },
      );
      const outcome = await sandbox.invoke({ plugin, input: {} });
      expect(outcome.output).toEqual({ returned: true });
      const pid = sandbox.stats().workers[0].pid!;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const before = cpuMsOf(pid);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      // A spinning isolate would burn close to a core for the whole window.
      expect(cpuMsOf(pid) - before).toBeLessThan(150);
      const again = await sandbox.invoke({ plugin: pluginOf(`return { path: 'success', output: {} };`), input: {} });
      expect(again.path).toBe('success');
    });
  }
});

describe('memory', () => {
  // About 48 MB of doubles on the JS heap, in 1 MB arrays.
  const heap48 = `const keep = []; for (let i = 0; i < 48; i++) keep.push(Array.from({ length: 131072 }, (_, j) => j + 0.5));
    return { path: 'success', output: { arrays: keep.length } };`;

  it("applies the manifest's memoryMb: 48 MB fails under 32 and succeeds under 64", async () => {
    expect((await failureOf(pluginOf(heap48, { limits: { memoryMb: 32, timeoutMs: 30_000 } }))).code).toBe(
      'AH_PLUGIN_OUT_OF_MEMORY',
    );
    const fits = await sandbox.invoke({
      plugin: pluginOf(heap48, { limits: { memoryMb: 64, timeoutMs: 30_000 } }),
      input: {},
    });
    expect(fits.output).toEqual({ arrays: 48 });
  });

  it('counts ArrayBuffers against the limit: 48 MB of them is refused under 32 and allowed under 64', async () => {
    const buffers = `try { const b = new ArrayBuffer(48 * 1024 * 1024); new Uint8Array(b).fill(1); return { path: 'success', output: { allocated: b.byteLength } }; }
      catch (e) { return { path: 'failure', output: { refused: String(e.message) } }; }`;
    const small = await sandbox.invoke({ plugin: pluginOf(buffers, { limits: { memoryMb: 32 } }), input: {} });
    expect(small.path).toBe('failure');
    const large = await sandbox.invoke({ plugin: pluginOf(buffers, { limits: { memoryMb: 64 } }), input: {} });
    expect(large.output).toEqual({ allocated: 48 * 1024 * 1024 });
  });

  it('offers no WebAssembly: its memory would not count against the limit', async () => {
    const plugin = pluginOf(
      `return { path: 'success', output: { wasm: typeof WebAssembly, viaGlobal: typeof globalThis['Web' + 'Assembly'] } };`,
      { limits: { memoryMb: 16 } },
    );
    expect((await sandbox.invoke({ plugin, input: {} })).output).toEqual({ wasm: 'undefined', viaGlobal: 'undefined' });
  });
});

describe('host-call arguments', () => {
  it('refuses huge arguments inside the isolate: none of eight 40 MiB bodies reaches the host', async () => {
    received.length = 0;
    const plugin = pluginOf(
      `const body = 'x'.repeat(40 * 1024 * 1024);
       await Promise.all(Array.from({ length: 8 }, () => ctx.http.request({ method: 'POST', url: 'http://example.test/', body })));
       return { path: 'success', output: {} };`,
      { ...withHttp, limits: { memoryMb: 128, timeoutMs: 30_000 } },
    );
    const failure = await failureOf(plugin);
    expect(failure.code).toBe('AH_HOST_CALL_TOO_LARGE');
    expect(received).toEqual([]);
  });

  it('bounds the bytes of one invocation in flight: a call that would pass it is refused, the others are served', async () => {
    received.length = 0;
    peakInFlightBytes = 0;
    const plugin = pluginOf(
      `const body = 'y'.repeat(5 * 1024 * 1024);
       const settled = await Promise.allSettled(Array.from({ length: 4 }, () => ctx.http.request({ method: 'POST', url: 'http://example.test/', body })));
       return { path: 'success', output: { refused: settled.filter((s) => s.status === 'rejected').map((s) => s.reason.code) } };`,
      { ...withHttp, limits: { memoryMb: 128, timeoutMs: 30_000 } },
    );
    const outcome = await sandbox.invoke({ plugin, input: {} });
    expect(outcome.output).toEqual({ refused: ['AH_HOST_CALL_TOO_LARGE'] });
    expect(received).toHaveLength(3);
    expect(peakInFlightBytes).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(inFlight).toBe(0);
  });

  it('refuses arguments nested deeper than the host takes', async () => {
    received.length = 0;
    const plugin = pluginOf(
      `let deep = {}; for (let i = 0; i < 200; i++) deep = { d: deep };
       try { await ctx.http.request({ method: 'POST', url: 'http://example.test/', json: deep }); return { path: 'success', output: {} }; }
       catch (e) { return { path: 'failure', output: { code: e.code } }; }`,
      withHttp,
    );
    expect((await sandbox.invoke({ plugin, input: {} })).output).toEqual({ code: 'AH_OUTPUT_TOO_DEEP' });
    expect(received).toEqual([]);
  });
});

describe('deep output', () => {
  it('fails with AH_OUTPUT_TOO_DEEP where it crosses the boundary, and the host keeps serving', async () => {
    const plugin = pluginOf(
      `let deep = { leaf: true }; for (let i = 0; i < 4000; i++) deep = { d: deep }; return { path: 'success', output: deep };`,
    );
    expect((await failureOf(plugin)).code).toBe('AH_OUTPUT_TOO_DEEP');
    const fine = pluginOf(
      `let nested = { leaf: true }; for (let i = 0; i < 60; i++) nested = { d: nested }; return { path: 'success', output: nested };`,
    );
    expect((await sandbox.invoke({ plugin: fine, input: {} })).path).toBe('success');
  });
});
