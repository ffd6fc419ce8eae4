// The doors out of the sandbox, seen from a hostile plugin: only declared capabilities exist, the manifest's
// host list and the egress policy hold for sandboxed calls, and a plugin cannot flood the host with calls. And a
// worker keeps about as many isolates of a plugin version as run at once: an invocation that awaited a host call is
// wound down after it answered (its context reset on the isolate's thread), and the next one waits for that isolate
// instead of compiling another (~4.5 MB each). Seen from the host, an invocation in a new isolate is the only kind
// that does not run in a reused context.
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

describe('capabilities seen from a sandboxed plugin', () => {
  it('refuses an undeclared capability with AH_CAPABILITY_DENIED naming the manifest field to add', async () => {
    const caught =
      pluginOf(`try { await ctx.http.request({ method: 'GET', url: 'http://127.0.0.1:1/' }); return { path: 'success', output: {} }; }
      catch (e) { return { path: 'failure', output: { code: e.code ?? null, details: e.details ?? null, keys: Object.keys(ctx).sort() } }; }`);
    const outcome = await sandbox.invoke({ plugin: caught, input: {} });
    expect(outcome).toMatchObject({
      path: 'failure',
      output: {
        code: 'AH_CAPABILITY_DENIED',
        details: { capability: 'http', method: 'request', field: 'capabilities.http' },
        keys: ['invocation', 'log'],
      },
    });
    const uncaught = pluginOf(`await ctx.ldap.search({ filter: '(uid=*)' }); return { path: 'success', output: {} };`);
    const failure = await sandbox.invoke({ plugin: uncaught, input: {} }).catch((error) => error);
    expect(failure.code).toBe('AH_CAPABILITY_DENIED');
    expect(failure.details).toMatchObject({ capability: 'ldap', field: 'capabilities.ldap' });
  });

  it('reaches an allowed host through a declared capability', async () => {
    const code = `try { const r = await ctx.http.request({ method: 'GET', url: input.origin + '/json' }); return { path: 'success', output: { status: r.status, json: r.json } }; }
      catch (e) { return { path: 'failure', output: { code: e.code } }; }`;
    const outcome = await sandbox.invoke({
      plugin: pluginOf(code, { capabilities: { http: { hosts: ['*'] } } }),
      input: { origin: target.origin },
    });
    expect(outcome).toMatchObject({ path: 'success', output: { status: 200, json: { ok: true, method: 'GET' } } });
  });

  it("refuses HTTP to a host outside the manifest's list, before anything is sent", async () => {
    const before = target.requests.length;
    const code = `try { await ctx.http.request({ method: 'GET', url: input.origin + '/json' }); return { path: 'success', output: {} }; }
      catch (e) { return { path: 'failure', output: { code: e.code } }; }`;
    const outcome = await sandbox.invoke({
      plugin: pluginOf(code, { capabilities: { http: { hosts: ['api.example.com'] } } }),
      input: { origin: target.origin },
    });
    expect(outcome.output).toEqual({ code: 'AH_HTTP_HOST_DENIED' });
    expect(target.requests.length).toBe(before);
  });

  it('refuses HTTP to the cloud metadata address even with hosts ["*"]', async () => {
    const code = `try { await ctx.http.request({ method: 'GET', url: 'http://169.254.169.254/latest/meta-data/' }); return { path: 'success', output: {} }; }
      catch (e) { return { path: 'failure', output: { code: e.code } }; }`;
    const outcome = await sandbox.invoke({
      plugin: pluginOf(code, { capabilities: { http: { hosts: ['*'] } } }),
      input: {},
    });
    expect(outcome.output).toEqual({ code: 'AH_EGRESS_DENIED' });
  });

  it("fails an uncaught capability error as AH_PLUGIN_THREW carrying the capability's code", async () => {
    const code = `await ctx.http.request({ method: 'GET', url: 'http://169.254.169.254/' }); return { path: 'success', output: {} };`;
    const failure = await sandbox
      .invoke({ plugin: pluginOf(code, { capabilities: { http: { hosts: ['*'] } } }), input: {} })
      .catch((error) => error);
    expect(failure.code).toBe('AH_PLUGIN_THREW');
    expect(failure.details.cause).toBe('AH_EGRESS_DENIED');
  });

  it('stops a plugin that makes more host calls than its limit', async () => {
    const code = `for (let i = 0; i < 50; i++) { try { await ctx.http.request({ method: 'GET', url: input.origin + '/json' }); } catch (e) {} } return { path: 'success', output: {} };`;
    const plugin = pluginOf(code, {
      capabilities: { http: { hosts: ['*'] } },
      limits: { maxHostCalls: 5, timeoutMs: 10_000 },
    });
    const failure = await sandbox.invoke({ plugin, input: { origin: target.origin } }).catch((error) => error);
    expect(failure.code).toBe('AH_HOST_CALL_LIMIT');
    const after = await sandbox.invoke({ plugin: pluginOf(`return { path: 'success', output: {} };`), input: {} });
    expect(after.path).toBe('success');
  });

  it('copies only JSON into the host: functions and symbols in arguments are refused in the guest', async () => {
    const code = `try { await ctx.http.request({ method: 'GET', url: input.origin + '/json', headers: { toJSON() { throw new Error('no'); } } }); return { path: 'success', output: {} }; }
      catch (e) { return { path: 'failure', output: { name: e.name } }; }`;
    const outcome = await sandbox.invoke({
      plugin: pluginOf(code, { capabilities: { http: { hosts: ['*'] } } }),
      input: { origin: target.origin },
    });
    expect(outcome.output).toEqual({ name: 'TypeError' });
  });
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
