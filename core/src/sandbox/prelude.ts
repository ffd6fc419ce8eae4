// The guest-side prelude: runs first in every context, before any plugin code, and keeps what it needs of the
// pristine intrinsics in its closure, so a plugin that patches JSON, Promise or Reflect cannot intercept the
// bridge. It builds `ctx` from the declared capabilities per invocation, and defines the one entry point the
// worker calls. With a reused context it also freezes the intrinsics and resets the globals between invocations
// (Temporal's reuseV8Context does the same for workflows); the bridge stays in this closure, out of reach.

/**
 * The script evaluates to setup(bridge, done, factory, configJson), which the worker calls once per context and
 * which returns the context's entry function, kept only by the worker:
 * bridge   Reference to (token, capability, method, argsJson) => Promise<replyJson>
 * done     Reference to (token, envelope) => void: a run that awaited something ends there
 * factory  the plugin's script as a function: calling it evaluates the module (and sets globalThis.plugin)
 * configJson { capabilities, known, reuse, maxOutputBytes, maxLogEntries, maxHostCallBytes, maxInFlightBytes }
 * entry('prime') resets the globals (reused contexts) and evaluates the module afresh for the next invocation:
 *   'P' ready, 'T' tainted (the context must not be used again), 'X<message>' the module threw.
 * entry('run' | 'testConnection', token, inputJson, infoJson) starts an invocation;
 * entry('poll') then returns its envelope if it finished within that same turn (and primes for the next one),
 *   else undefined: the envelope reaches `done` when the run settles (only then: a run that finished within the
 *   turn costs no callback). entry('collect') is 'poll' without the prime ('N' + envelope): the worker answers the
 *   host first and primes after (entry('prime')), while the host works.
 * An envelope is 'O\n<logs json>\n<result json>' or 'E\n<logs json>\n<error json>'.
 */
export const PRELUDE_SOURCE = String.raw`(function setup(bridge, done, factory, configJson) {
  'use strict';
  const global = globalThis;
  const config = JSON.parse(configJson);
  const caps = config.capabilities;
  const known = config.known;

  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const apply = Reflect.apply;
  const ownKeys = Reflect.ownKeys;
  const deleteProperty = Reflect.deleteProperty;
  const defineProperty = Reflect.defineProperty;
  const getOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
  const getPrototypeOf = Reflect.getPrototypeOf;
  const setPrototypeOf = Reflect.setPrototypeOf;
  const isExtensible = Reflect.isExtensible;
  const bridgeApply = bridge.apply;
  const doneApplyIgnored = done.applyIgnored;
  const promiseThen = Promise.prototype.then;
  const promiseReject = Promise.reject.bind(Promise);
  const freeze = Object.freeze;
  const isFrozen = Object.isFrozen;
  const ProxyCtor = Proxy;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const StringCtor = String;
  const isArray = Array.isArray;
  const DateCtor = Date;
  const now = Date.now;
  const resetMatch = /(?:)/;
  const ownErrors = new WeakSet();
  const weakAdd = WeakSet.prototype.add;
  const weakHas = WeakSet.prototype.has;

  // Nothing that runs code later, or allocates outside the isolate's memory limit, is offered: WebAssembly memory
  // is not counted by the limit; Atomics.waitAsync and FinalizationRegistry call back after the invocation ended.
  for (const name of ['WebAssembly', 'SharedArrayBuffer', 'Atomics', 'FinalizationRegistry']) deleteProperty(global, name);

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

  function hostError(code, message, details) {
    const error = new ErrorCtor(message);
    defineProperty(error, 'code', { value: code, writable: true, enumerable: true, configurable: true });
    if (details) defineProperty(error, 'details', { value: details, writable: true, enumerable: true, configurable: true });
    apply(weakAdd, ownErrors, [error]);
    return error;
  }

  // --- reused contexts: frozen intrinsics, globals reset between invocations --------------------------------
  const stackTraceLimit = ErrorCtor.stackTraceLimit;
  let pristineKeys = null;
  let pristineProto = null;

  /** Data properties that code commonly assigns on its own objects (this.name = ..., obj.toString = ...): frozen
   * on a prototype they would make those assignments fail, so they become accessors whose setter defines the
   * property on the object assigned to (SES calls this override taming). */
  function tameOverrides(object, names) {
    for (const name of names) {
      const descriptor = getOwnPropertyDescriptor(object, name);
      if (!descriptor || !('value' in descriptor) || !descriptor.configurable) continue;
      const value = descriptor.value;
      defineProperty(object, name, {
        get: function () { return value; },
        set: function (next) {
          if (this === object) throw new TypeErrorCtor('Cannot assign to read only property ' + StringCtor(name) + ' of a built-in');
          defineProperty(this, name, { value: next, writable: true, enumerable: true, configurable: true });
        },
        enumerable: descriptor.enumerable,
        configurable: false,
      });
    }
  }

  /** Freezes everything reachable from the roots (properties, accessors, prototypes), except the global object
   * and Error, which hardenIntrinsics sealed itself (two of its properties stay writable). */
  function deepFreeze(roots) {
    const seen = new WeakSet();
    const stack = roots.slice();
    const descriptorsOf = Object.getOwnPropertyDescriptors;
    while (stack.length > 0) {
      const object = stack.pop();
      if (object === null || (typeof object !== 'object' && typeof object !== 'function')) continue;
      if (object === global || seen.has(object)) continue;
      seen.add(object);
      stack.push(getPrototypeOf(object));
      const descriptors = descriptorsOf(object);
      for (const key of ownKeys(descriptors)) {
        const descriptor = descriptors[key];
        if ('value' in descriptor) {
          const value = descriptor.value;
          if (value !== null && (typeof value === 'object' || typeof value === 'function')) stack.push(value);
        } else {
          if (descriptor.get) stack.push(descriptor.get);
          if (descriptor.set) stack.push(descriptor.set);
        }
      }
      if (object !== ErrorCtor && !isFrozen(object)) {
        try { freeze(object); } catch (e) { /* e.g. a typed array with elements: none among the intrinsics */ }
      }
    }
  }

  function hardenIntrinsics() {
    const prototypes = [Object.prototype, Function.prototype, Array.prototype, Promise.prototype, Symbol.prototype];
    const errors = [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError];
    if (typeof AggregateError === 'function') errors.push(AggregateError);
    // Not Array.prototype or Promise.prototype: V8 keeps their fast paths only while those stay data properties.
    tameOverrides(Object.prototype, ['constructor', 'toString', 'valueOf', 'toLocaleString', 'hasOwnProperty']);
    for (const E of errors) tameOverrides(E.prototype, ['constructor', 'name', 'message', 'toString']);
    // The two Error properties V8 reads to build stack traces stay writable and go back to their defaults after
    // every invocation (a formatter left behind would otherwise run during the next one).
    defineProperty(ErrorCtor, 'prepareStackTrace', { value: undefined, writable: true, enumerable: false, configurable: false });
    defineProperty(ErrorCtor, 'stackTraceLimit', { value: ErrorCtor.stackTraceLimit, writable: true, enumerable: true, configurable: false });
    Object.preventExtensions(ErrorCtor);
    for (const key of ownKeys(ErrorCtor)) {
      if (key === 'prepareStackTrace' || key === 'stackTraceLimit') continue;
      const descriptor = getOwnPropertyDescriptor(ErrorCtor, key);
      if ('value' in descriptor) descriptor.writable = false;
      descriptor.configurable = false;
      defineProperty(ErrorCtor, key, descriptor);
    }
    const hidden = [
      getPrototypeOf(function* () {}),
      getPrototypeOf(async function () {}),
      getPrototypeOf(async function* () {}),
      getPrototypeOf([][Symbol.iterator]()),
      getPrototypeOf(''[Symbol.iterator]()),
      getPrototypeOf(new Map().entries()),
      getPrototypeOf(new Set().values()),
      getPrototypeOf(/a/[Symbol.matchAll]('a')),
      getPrototypeOf(Uint8Array),
      getOwnPropertyDescriptor(Function.prototype, 'caller'),
    ];
    try { hidden.push(getPrototypeOf([].values().map(function (x) { return x; }))); } catch (e) { /* no iterator helpers */ }
    try { hidden.push(getPrototypeOf(Iterator.from({ next: function () { return { done: true }; } }))); } catch (e) { /* none */ }
    try { hidden.push(getPrototypeOf(new Intl.Segmenter().segment('a')[Symbol.iterator]())); } catch (e) { /* none */ }
    const roots = [...prototypes, ...errors];
    for (const key of ownKeys(global)) {
      const descriptor = getOwnPropertyDescriptor(global, key);
      if ('value' in descriptor) roots.push(descriptor.value);
      else roots.push(descriptor.get, descriptor.set);
    }
    for (const entry of hidden) {
      if (entry && typeof entry === 'object' && ('get' in entry || 'set' in entry)) roots.push(entry.get, entry.set);
      else roots.push(entry);
    }
    deepFreeze(roots);
  }

  // The one global a plugin is expected to set; kept as a slot of the global object so that setting it adds
  // nothing, and put back (empty) by every reset.
  const PLUGIN_SLOT = { value: undefined, writable: true, enumerable: false, configurable: true };
  let pristineCount = 0;

  if (config.reuse) {
    hardenIntrinsics();
    // The built-in globals become read-only bindings: replacing JSON or Promise on the global object fails like
    // patching them does, so a reset only has to remove what an invocation added.
    for (const key of ownKeys(global)) {
      const descriptor = getOwnPropertyDescriptor(global, key);
      if ('value' in descriptor) descriptor.writable = false;
      descriptor.configurable = false;
      defineProperty(global, key, descriptor);
    }
    defineProperty(global, 'plugin', PLUGIN_SLOT);
    pristineProto = getPrototypeOf(global);
    pristineKeys = new Set(ownKeys(global));
    pristineCount = pristineKeys.size;
  }

  /** Puts the global object back as it was after setup; false when that is not possible (the context is tainted).
   * Intrinsics are frozen here, so their methods are called directly. */
  function resetGlobals() {
    if (!isExtensible(global)) return false;
    if (getPrototypeOf(global) !== pristineProto && !setPrototypeOf(global, pristineProto)) return false;
    let clean = true;
    const keys = ownKeys(global);
    // Nothing can be removed (every other global is non-configurable): the same count with the plugin slot still
    // there means nothing was added.
    if (keys.length !== pristineCount || getOwnPropertyDescriptor(global, 'plugin') === undefined) {
      for (let i = 0; i < keys.length; i++) {
        if (keys[i] !== 'plugin' && !pristineKeys.has(keys[i]) && !deleteProperty(global, keys[i])) clean = false;
      }
    }
    if (!defineProperty(global, 'plugin', PLUGIN_SLOT)) clean = false;
    ErrorCtor.prepareStackTrace = undefined;
    ErrorCtor.stackTraceLimit = stackTraceLimit;
    // RegExp.$1, lastMatch, input...: the last match of the previous invocation must not be readable.
    resetMatch.exec('');
    return clean;
  }

  // --- one invocation ----------------------------------------------------------------------------------------
  let current = 0;
  let settled;
  let armed = false;
  let primed = false;
  let moduleError = null;

  function prime() {
    if (config.reuse && !resetGlobals()) return 'T';
    settled = undefined;
    armed = false;
    moduleError = null;
    try {
      apply(factory, global, []);
    } catch (error) {
      moduleError = error;
      return 'X' + describe(error).slice(0, 2000);
    }
    primed = true;
    return 'P';
  }

  function denied(name, method) {
    const field = 'capabilities.' + name;
    return function () {
      return promiseReject(hostError('AH_CAPABILITY_DENIED',
        'ctx.' + name + '.' + StringCtor(method) + ' is not allowed: the plugin does not declare ' + field +
        '; add it to the capabilities of its manifest (definePlugin({ capabilities }))',
        { capability: name, method: StringCtor(method), field: field }));
    };
  }

  // An undeclared capability is not part of ctx (not enumerable), but using it says what to declare.
  const deniedApis = [];
  for (const name in known) {
    if (name === 'log' || name in caps) continue;
    deniedApis.push([name, new ProxyCtor(freeze({}), { get: function (target, method) { return typeof method === 'string' ? denied(name, method) : undefined; } })]);
  }

  function makeContext(token, info, logs) {
    const ctx = {};
    let dropped = 0;
    let inFlightBytes = 0;
    const log = {};
    for (const level of ['debug', 'info', 'warn', 'error']) {
      log[level] = function (message, data) {
        if (token !== current) return;
        if (logs.length >= config.maxLogEntries) { dropped++; return; }
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
          if (token !== current) {
            return promiseReject(hostError('AH_INVOCATION_ENDED', 'no capability call is served: the invocation has ended'));
          }
          const args = [];
          for (let j = 0; j < arguments.length; j++) args[j] = arguments[j];
          let argsJson;
          try { argsJson = stringify(args); } catch (e) {
            return promiseReject(new TypeErrorCtor('ctx.' + name + '.' + method + ': arguments must be JSON data'));
          }
          if (typeof argsJson !== 'string') argsJson = '[]';
          // Checked here, before the arguments are copied out of the isolate: the host never holds more than this.
          if (argsJson.length > config.maxHostCallBytes) {
            return promiseReject(hostError('AH_HOST_CALL_TOO_LARGE', 'the arguments of ctx.' + name + '.' + method +
              ' are ' + argsJson.length + ' characters, over the limit of ' + config.maxHostCallBytes,
              { limit: config.maxHostCallBytes }));
          }
          if (inFlightBytes + argsJson.length > config.maxInFlightBytes) {
            return promiseReject(hostError('AH_HOST_CALL_TOO_LARGE', 'the host calls in flight would hold ' +
              (inFlightBytes + argsJson.length) + ' characters of arguments, over the limit of ' + config.maxInFlightBytes,
              { limit: config.maxInFlightBytes }));
          }
          const size = argsJson.length;
          inFlightBytes += size;
          const pending = apply(bridgeApply, bridge, [undefined, [token, name, method, argsJson], { result: { promise: true } }]);
          return apply(promiseThen, pending, [function (replyJson) {
            inFlightBytes -= size;
            const reply = parse(replyJson);
            if (reply.ok) return reply.value;
            throw hostError(reply.error.code, reply.error.message, reply.error.details);
          }, function (error) {
            inFlightBytes -= size;
            throw error;
          }]);
        };
      }
      ctx[name] = freeze(api);
    }
    for (let i = 0; i < deniedApis.length; i++) defineProperty(ctx, deniedApis[i][0], { value: deniedApis[i][1], enumerable: false });
    ctx.invocation = freeze(info);
    return { ctx: freeze(ctx), dropped: function () { return dropped; } };
  }

  function envelope(ok, logs, bodyJson) {
    return (ok ? 'O\n' : 'E\n') + stringify(logs) + '\n' + bodyJson;
  }

  async function run(entryName, token, inputJson, infoJson) {
    const logs = [];
    const fail = function (code, message, details) {
      return envelope(false, logs, stringify({ code: code, message: message, details: details || {} }));
    };
    try {
      if (moduleError !== null) return fail('AH_PLUGIN_THREW', describe(moduleError).slice(0, 2000));
      const plugin = global.plugin;
      if (plugin === null || typeof plugin !== 'object' || typeof plugin[entryName] !== 'function') {
        return fail(entryName === 'run' ? 'AH_PLUGIN_INVALID' : 'AH_ENTRY_UNSUPPORTED',
          entryName === 'run' ? 'the plugin script did not set globalThis.plugin.run' : 'the plugin has no ' + entryName + ' function');
      }
      const made = makeContext(token, parse(infoJson), logs);
      const result = await plugin[entryName](parse(inputJson), made.ctx);
      if (result === null || typeof result !== 'object' || isArray(result) || typeof result.path !== 'string') {
        return fail('AH_OUTPUT_INVALID', 'the plugin must return { path, output }');
      }
      const resultJson = stringify({ path: result.path, output: result.output === undefined ? null : result.output });
      if (resultJson.length > config.maxOutputBytes) {
        return fail('AH_OUTPUT_TOO_LARGE', 'the plugin output is ' + resultJson.length + ' bytes, over the limit of ' + config.maxOutputBytes,
          { bytes: resultJson.length, limit: config.maxOutputBytes });
      }
      return envelope(true, logs, resultJson);
    } catch (error) {
      let code;
      let details;
      try {
        // What the sandbox itself refused (not a capability's own failure) fails the invocation with its code.
        if (apply(weakHas, ownErrors, [error]) && (error.code === 'AH_CAPABILITY_DENIED' || error.code === 'AH_HOST_CALL_TOO_LARGE')) {
          return fail(error.code, describe(error).slice(0, 2000), error.details);
        }
        if (error !== null && typeof error === 'object' && typeof error.code === 'string') code = StringCtor(error.code).slice(0, 100);
      } catch (e) { code = undefined; }
      details = code ? { cause: code } : {};
      return fail('AH_PLUGIN_THREW', describe(error).slice(0, 2000), details);
    }
  }

  function entry(command, token, inputJson, infoJson) {
    if (command === 'prime') return prime();
    if (command === 'poll' || command === 'collect') {
      if (settled === undefined) {
        // Not finished within this turn: from now on the envelope goes to done when the run settles.
        armed = true;
        return undefined;
      }
      const envelopeText = settled;
      if (command === 'collect') return 'N' + envelopeText;
      return (config.reuse ? prime() : 'P') + envelopeText;
    }
    if (!primed || current !== 0) return 'busy';
    primed = false;
    current = token;
    apply(promiseThen, run(command, token, inputJson, infoJson), [function (envelopeText) {
      current = 0;
      settled = envelopeText;
      if (armed) apply(doneApplyIgnored, done, [undefined, [token, envelopeText]]);
    }]);
    return undefined;
  }
  return entry;
})`;
