// The guest-side prelude: runs first in every fresh context, builds `ctx` from the declared capabilities
// and defines the one entry point the worker calls. It captures the intrinsics it uses before any plugin
// code runs, so a plugin that patches JSON, Promise or Reflect cannot intercept the bridge. The bridge
// Reference lives only in this closure: nothing of isolated-vm stays reachable from plugin code.

/**
 * Globals the worker sets before the prelude runs, and the prelude deletes:
 * __ah_bridge  Reference to (capability, method, argsJson) => Promise<replyJson>
 * __ah_caps    JSON string: { capability: [methods] }
 * After it: __ah_invoke(entry, inputJson, infoJson, maxOutputBytes, maxLogEntries, done) starts the run; the
 * envelope JSON is then readable with __ah_poll() (fast path: the plugin finished in the same turn) and is
 * also sent to the `done` Reference (slow path: it awaited a host call).
 */
export const PRELUDE_SOURCE = String.raw`(function () {
  'use strict';
  const global = globalThis;
  const bridge = global.__ah_bridge;
  const caps = JSON.parse(global.__ah_caps);
  delete global.__ah_bridge;
  delete global.__ah_caps;

  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const apply = Reflect.apply;
  const bridgeApply = bridge.apply;
  const bridgeApplyIgnored = bridge.applyIgnored;
  const promiseThen = Promise.prototype.then;
  const promiseReject = Promise.reject.bind(Promise);
  const freeze = Object.freeze;
  const defineProperty = Object.defineProperty;
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
  defineProperty(global, '__ah_poll', {
    configurable: false, enumerable: false, writable: false,
    value: function () { return settled; },
  });
  defineProperty(global, '__ah_invoke', {
    configurable: false, enumerable: false, writable: false,
    value: function (entry, inputJson, infoJson, maxOutputBytes, maxLogEntries, done) {
      apply(promiseThen, run(entry, inputJson, infoJson, maxOutputBytes, maxLogEntries), [function (envelope) {
        settled = envelope;
        apply(bridgeApplyIgnored, done, [undefined, [envelope]]);
      }]);
    },
  });

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
})();`;
