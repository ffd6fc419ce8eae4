// The guest-side prelude: runs first in every fresh context, builds `ctx` from the declared capabilities
// and defines the one entry point the worker calls. It captures the intrinsics it uses before any plugin
// code runs, so a plugin that patches JSON, Promise or Reflect cannot intercept the bridge. The bridge
// Reference lives only in this closure: nothing of isolated-vm stays reachable from plugin code.

/**
 * The script evaluates to setup(bridge, capsJson), which the worker calls once per context (so the whole
 * setup is one boundary crossing) and which returns the context's entry function, kept only by the worker:
 * bridge     Reference to (capability, method, argsJson) => Promise<replyJson>
 * capsJson   JSON string: { capability: [methods] }
 * entry('run' | 'testConnection', inputJson, infoJson, maxOutputBytes, maxLogEntries, done) starts the run;
 * entry('poll') then returns the envelope JSON if the plugin finished within that same turn (fast path);
 * otherwise the envelope is sent to the `done` Reference when it settles (it awaited a host call).
 */
export const PRELUDE_SOURCE = String.raw`(function setup(bridge, capsJson) {
  'use strict';
  const global = globalThis;
  const caps = JSON.parse(capsJson);

  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const apply = Reflect.apply;
  const bridgeApply = bridge.apply;
  const bridgeApplyIgnored = bridge.applyIgnored;
  const promiseThen = Promise.prototype.then;
  const promiseReject = Promise.reject.bind(Promise);
  const freeze = Object.freeze;
  const ErrorCtor = Error;
  const StringCtor = String;
  const isArray = Array.isArray;
  const DateCtor = Date;
  const now = Date.now;

  function describe(value) {
    try {
      if (typeof value === 'string') return value;
      if (value instanceof ErrorCtor) return StringCtor(value.message);
      if (value !== null && typeof value === 'object' && typeof value.message === 'string') return value.message;
      return StringCtor(value);
    } catch (e) {
      return 'the plugin threw a value that cannot be described';
    }
  }

  function makeContext(info, logs, maxLogEntries) {
    const ctx = {};
    let dropped = 0;
    const log = {};
    for (const level of ['debug', 'info', 'warn', 'error']) {
      log[level] = function (message, data) {
        if (logs.length >= maxLogEntries) { dropped++; return; }
        let entry;
        try {
          entry = { level: level, message: StringCtor(message).slice(0, 2000), at: new DateCtor(now()).toISOString() };
          if (data !== undefined) {
            const text = stringify(data);
            if (text !== undefined) entry.data = text.length > 8000 ? text.slice(0, 8000) + '…' : parse(text);
          }
        } catch (e) {
          entry = { level: level, message: '[unprintable log message]', at: new DateCtor(now()).toISOString() };
        }
        logs[logs.length] = entry;
      };
    }
    ctx.log = freeze(log);
    for (const name in caps) {
      if (name === 'log') continue;
      const api = {};
      const methods = caps[name];
      for (let i = 0; i < methods.length; i++) {
        const method = methods[i];
        api[method] = function () {
          const args = [];
          for (let j = 0; j < arguments.length; j++) args[j] = arguments[j];
          let argsJson;
          try { argsJson = stringify(args); } catch (e) {
            return promiseReject(new TypeError('ctx.' + name + '.' + method + ': arguments must be JSON data'));
          }
          const pending = apply(bridgeApply, bridge, [undefined, [name, method, argsJson], { result: { promise: true } }]);
          return apply(promiseThen, pending, [function (replyJson) {
            const reply = parse(replyJson);
            if (reply.ok) return reply.value;
            const error = new ErrorCtor(reply.error.message);
            error.code = reply.error.code;
            if (reply.error.details) error.details = reply.error.details;
            throw error;
          }]);
        };
      }
      ctx[name] = freeze(api);
    }
    ctx.invocation = freeze(info);
    return { ctx: freeze(ctx), dropped: function () { return dropped; } };
  }

  let settled;
  let started = false;
  function entry(entryName, inputJson, infoJson, maxOutputBytes, maxLogEntries, done) {
    if (entryName === 'poll') return settled;
    if (started) return undefined; // one invocation per context
    started = true;
    apply(promiseThen, run(entryName, inputJson, infoJson, maxOutputBytes, maxLogEntries), [function (envelope) {
      settled = envelope;
      apply(bridgeApplyIgnored, done, [undefined, [envelope]]);
    }]);
    return undefined;
  }
  return entry;

  async function run(entry, inputJson, infoJson, maxOutputBytes, maxLogEntries) {
      const logs = [];
      const fail = function (code, message) {
        return stringify({ ok: false, error: { code: code, message: message }, logs: logs });
      };
      try {
        const plugin = global.plugin;
        if (plugin === null || typeof plugin !== 'object' || typeof plugin[entry] !== 'function') {
          return fail(entry === 'run' ? 'AH_PLUGIN_INVALID' : 'AH_ENTRY_UNSUPPORTED',
            entry === 'run' ? 'the plugin script did not set globalThis.plugin.run' : 'the plugin has no ' + entry + ' function');
        }
        const made = makeContext(parse(infoJson), logs, maxLogEntries);
        const result = await plugin[entry](parse(inputJson), made.ctx);
        if (result === null || typeof result !== 'object' || isArray(result) || typeof result.path !== 'string') {
          return fail('AH_OUTPUT_INVALID', 'the plugin must return { path, output }');
        }
        const resultJson = stringify({ path: result.path, output: result.output === undefined ? null : result.output });
        if (resultJson.length > maxOutputBytes) {
          return fail('AH_OUTPUT_TOO_LARGE', 'the plugin output is ' + resultJson.length + ' bytes, over the limit of ' + maxOutputBytes);
        }
        return '{"ok":true,"logs":' + stringify(logs) + ',"result":' + resultJson + '}';
      } catch (error) {
        let cause;
        try { if (error !== null && typeof error === 'object' && typeof error.code === 'string') cause = StringCtor(error.code).slice(0, 100); } catch (e) { cause = undefined; }
        return stringify({ ok: false, error: { code: 'AH_PLUGIN_THREW', message: describe(error).slice(0, 2000), details: cause ? { cause: cause } : {} }, logs: logs });
      }
  }
})`;
