// A sandbox worker process. It holds isolated-vm isolates (one per invocation running at once, per plugin
// version) and runs each invocation in the slot's reused context (reset between invocations) or in a fresh one.
// It is a separate process because V8 cannot recover from out-of-memory: if this process dies, the host replaces it
// and only its in-flight invocations fail. It talks to the host over fd 3 (channel.ts).
import { Socket } from 'node:net';
import type { ActionhostError } from '@actionhost/sdk/errors';
import { CoreErrors } from '../errors/index.ts';
import type { InvocationLog } from '../capabilities/index.ts';
import { FrameChannel } from './channel.ts';
import {
  SlotPool,
  compileSlot,
  createContextAhead,
  dispose,
  prepareContext,
  prepareReusedContext,
  releaseContext,
  type PreparedContext,
  type Slot,
  type Source,
} from './isolates.ts';
import { OUTPUT_DEPTH_LIMIT } from './limits.ts';
import { depthOfJson, sanitizeLogs } from './wire-checks.ts';
import type { HostToWorker, WireError, WorkerToHost } from './protocol.ts';

type InvokeMessage = Extract<HostToWorker, { type: 'invoke' }>;

interface Running {
  slot?: Slot;
  /** Whether the context had served an invocation before this one. */
  reused: boolean;
  hostCalls: number;
  failure?: WireError;
  ended: boolean;
  calls: Map<number, (replyJson: string) => void>;
  inFlightBytes: number;
  onDispose?: () => void;
}

/** How long work a plugin left running after it returned may take to wind down before its isolate is disposed. */
const QUIESCE_MS = 250;
/** The longest a plugin's first turn may hold this thread (runInline) before its version runs on its isolate's own
 * thread on this worker from then on. */
const INLINE_TURN_MS = 20;
const ON_ISOLATE_THREAD = Symbol('on the isolate thread');
/** The longest an invocation waits for a slot of its version being reset before it compiles a new isolate (a reset
 * takes ~0.1 ms unless the plugin left work running: SlotPool.takeOrWait). */
const RETURNING_WAIT_MS = 20;
/** Plugin versions whose first turn once took longer than INLINE_TURN_MS. */
const slowVersions = new Set<string>();
const sources = new Map<string, Source>();
// As many per version as the host runs at once on one worker (Sandbox concurrencyPerWorker).
const pool = new SlotPool(8, 48);
const running = new Map<string, Running>();
let callSequence = 0;
let tokenSequence = 0;

const channel = new FrameChannel<HostToWorker, WorkerToHost>(
  new Socket({ fd: 3, readable: true, writable: true }),
  (message, payload) => onMessage(message, payload),
  () => process.exit(0),
);

function send(message: WorkerToHost, payload?: string): void {
  channel.send(message, payload);
}

/** Maps what isolated-vm threw to a stable code. Each turn is bounded by isolated-vm's own `timeout` ("timed out");
 * the whole invocation by the wall-clock timer that disposes the isolate (`timedOut`). */
function classify(error: unknown, state: Running, timedOut: boolean, timeoutMs: number): WireError {
  if (state.failure) return state.failure;
  const message = error instanceof Error ? error.message : String(error);
  if (timedOut || /timed out/i.test(message)) {
    return CoreErrors.AH_PLUGIN_TIMEOUT({ timeoutMs }).toJSON();
  }
  if (/memory limit/i.test(message) || state.slot?.isolate.isDisposed) {
    return CoreErrors.AH_PLUGIN_OUT_OF_MEMORY({ reason: 'its isolate passed its memory limit' }).toJSON();
  }
  return CoreErrors.AH_PLUGIN_THREW({ message: message.slice(0, 2000) }).toJSON();
}

function throwIfFailed(state: Running): void {
  if (state.failure) throw new Error(state.failure.message);
}

/** An idle slot of the version, or one being reset (bounded by RETURNING_WAIT_MS), or a new isolate. */
function takeSlot(key: string, source: Source, remainingMs: number): Slot | Promise<Slot> {
  const taken = pool.takeOrWait(key, Math.min(RETURNING_WAIT_MS, remainingMs));
  if (taken instanceof Promise) return taken.then((slot) => ofSource(slot, key, source));
  return ofSource(taken, key, source);
}

/** The slot if it runs this source; a slot that was being reset when its version's code was loaded again (never
 * under one key, but stay correct: `load` forgets only the idle ones), or whose isolate is gone, is disposed and a
 * new one compiled. */
function ofSource(slot: Slot | undefined, key: string, source: Source): Slot {
  if (slot && !slot.isolate.isDisposed && slot.source.code === source.code) return slot;
  if (slot) dispose(slot);
  return compileSlot(key, source);
}

/** The context this invocation runs in: the slot's own (reused mode, no waiting) or a new one (fresh mode). */
function contextFor(slot: Slot, remaining: () => number): PreparedContext | Promise<PreparedContext> {
  if (slot.source.setup.context === 'reused') {
    if (!slot.context) {
      const preparing = prepareReusedContext(slot, remaining());
      slot.context = preparing;
      preparing.then(
        (prepared) => {
          if (slot.context === preparing) slot.context = prepared;
        },
        () => {
          if (slot.context === preparing) slot.context = undefined;
        },
      );
    }
    return slot.context;
  }
  const spare = slot.spare;
  slot.spare = undefined;
  if (!spare) return prepareContext(slot, remaining);
  return spare.then((made) => prepareContext(slot, remaining, made));
}

/**
 * Runs one invocation. In a primed reused context its first turn runs inline on this thread, bounded by
 * INLINE_TURN_MS (runInline); every other turn, and every turn of a version that was once slower than that, runs
 * on the isolate's own thread (`apply`): a plugin spinning in a synchronous loop then holds only its own isolate,
 * and the worker's thread keeps serving the other invocations. isolated-vm's `timeout` bounds each turn; the
 * wall-clock timer bounds the whole invocation (turns, awaits and the context's setup) by disposing the isolate. An
 * isolate that timed out or failed is never reused.
 */
async function invoke(message: InvokeMessage, inputJson: string): Promise<void> {
  const source = sources.get(message.key);
  if (!source) {
    send({ type: 'need-code', id: message.id, key: message.key });
    return;
  }
  const { limits, context: mode } = source.setup;
  const state: Running = { reused: false, hostCalls: 0, ended: false, calls: new Map(), inFlightBytes: 0 };
  running.set(message.id, state);
  const started = Date.now();
  const remaining = () => Math.max(1, limits.timeoutMs - (Date.now() - started));
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  let prepared: PreparedContext | undefined;
  // Settles (as a rejection) when the wall-clock timer, a cancel or the host-call limit disposes the isolate: a turn
  // still running on the isolate's thread then ends here even if isolated-vm never answers it.
  let onDisposed!: (error: Error) => void;
  const disposed = new Promise<never>((_, reject) => {
    onDisposed = reject;
  });
  disposed.catch(() => undefined);
  /** How the context must be wound down before its slot is used again. */
  let after: After = 'discard';
  let failed = false;
  const finish = (
    result:
      { ok: true; resultJson: string; logs: InvocationLog[] } | { ok: false; error: WireError; logs: InvocationLog[] },
  ) => {
    const { hostCalls, reused } = state;
    if (result.ok)
      send({ type: 'done', id: message.id, ok: true, logs: result.logs, hostCalls, reused }, result.resultJson);
    else send({ type: 'done', id: message.id, ok: false, error: result.error, logs: result.logs, hostCalls, reused });
  };
  try {
    try {
      const taken = takeSlot(message.key, source, remaining());
      state.slot = taken instanceof Promise ? await taken : taken;
    } catch (error) {
      finish({
        ok: false,
        error: CoreErrors.AH_PLUGIN_INVALID({ reason: `it does not compile: ${(error as Error).message}` }).toJSON(),
        logs: [],
      });
      return;
    }
    let slot = state.slot;
    state.onDispose = () => onDisposed(new Error(state.failure?.message ?? 'disposed'));
    // Cancelled while it waited for a slot (the cancel found none to dispose).
    throwIfFailed(state);
    timer = setTimeout(() => {
      timedOut = true;
      if (state.slot) dispose(state.slot);
      onDisposed(new Error('timed out'));
    }, remaining());
    const bind = (context: PreparedContext): PreparedContext => {
      state.reused = context.uses++ > 0;
      context.route.token = ++tokenSequence;
      context.route.call = (capability, method, argsJson) => hostCall(message, state, capability, method, argsJson);
      return context;
    };
    let context = contextFor(slot, remaining);
    let now: unknown = ON_ISOLATE_THREAD;
    if (mode === 'reused' && !(context instanceof Promise) && !slowVersions.has(message.key)) {
      prepared = bind(context);
      now = runInline(prepared, message, inputJson, remaining());
      if (now === ON_ISOLATE_THREAD) {
        // Its first turn took longer than an inline one may. Nothing of it reached the host (a host call is served
        // by this thread, which it held): run it again from the start, on the isolate's own thread, in a new isolate.
        slowVersions.add(message.key);
        releaseContext(prepared);
        prepared = undefined;
        dispose(slot);
        const taken = takeSlot(message.key, source, remaining());
        slot = state.slot = taken instanceof Promise ? await taken : taken;
        context = contextFor(slot, remaining);
      }
    }
    if (now === ON_ISOLATE_THREAD) {
      prepared = bind(context instanceof Promise ? await Promise.race([context, disposed]) : context);
      const { entry, route } = prepared;
      const turn = entry.apply(undefined, [message.entry, route.token, inputJson, message.infoJson], {
        timeout: remaining(),
      });
      // Queued at once: the isolate runs it right after the first turn and its microtasks, with no round trip
      // through this thread. Fast path: a plugin that made no host call has finished by then (and the context is
      // primed again).
      const polled = entry.apply(undefined, ['poll'], { timeout: remaining() });
      polled.catch(() => undefined);
      const answer = await Promise.race([turn, disposed]);
      if (answer === 'busy') throw new Error('the context is still busy with another invocation');
      now = await Promise.race([polled, disposed]);
    }
    const { route } = prepared!;
    let envelope: string;
    if (typeof now === 'string') {
      after = now[0] === 'T' ? 'discard' : now[0] === 'N' ? 'prime' : 'ready';
      envelope = now.slice(1);
    } else {
      // It awaits something: the envelope comes through `done`, unless the timer, a cancel or a limit ends it.
      envelope = await Promise.race([
        new Promise<string>((resolve) => {
          route.finished = resolve;
        }),
        disposed,
      ]);
      after = 'quiesce';
    }
    if (state.failure) throw new Error(state.failure.message);
    finish(readEnvelope(envelope, limits.maxOutputBytes, limits.maxLogEntries));
  } catch (error) {
    // A turn cut short (timed out, terminated, disposed) leaves the isolate in a state nobody knows: never reuse it.
    failed = true;
    finish({ ok: false, error: classify(error, state, timedOut, limits.timeoutMs), logs: [] });
  } finally {
    clearTimeout(timer);
    state.ended = true;
    running.delete(message.id);
    if (prepared) {
      prepared.route.token = 0;
      prepared.route.call = undefined;
      prepared.route.finished = undefined;
    }
    // A host call still unanswered would resume this invocation's code later, inside the next one's context.
    if (state.calls.size > 0) after = 'discard';
    state.calls.clear();
    if (state.slot)
      void windDown(
        state.slot,
        prepared,
        mode === 'reused' ? after : after === 'quiesce' ? 'quiesce' : 'discard',
        failed || timedOut || state.failure !== undefined,
        message.key,
      );
  }
}

/** How a slot's context is wound down after an invocation: 'prime' (reset it after the answer left), 'ready' (it
 * was reset already), 'quiesce' (let work it left running end, then reset), 'discard' (never use it again). */
type After = 'ready' | 'prime' | 'quiesce' | 'discard';

/**
 * The first turn and the collect of a reused context, run on this thread (applySync): two hand-offs to the
 * isolate's thread and back cost more than most invocations themselves. The context is reset after the answer
 * left (windDown: 'prime'), not before. Bounded by INLINE_TURN_MS: a turn that takes longer
 * is terminated and ON_ISOLATE_THREAD returned, and the caller runs the invocation again on the isolate's own thread
 * (where a spinning plugin holds only its isolate), as every later invocation of that version on this worker.
 */
function runInline(prepared: PreparedContext, message: InvokeMessage, inputJson: string, remainingMs: number): unknown {
  const options = { timeout: Math.min(INLINE_TURN_MS, remainingMs) };
  const { entry, route } = prepared;
  try {
    const answer: unknown = entry.applySync(
      undefined,
      [message.entry, route.token, inputJson, message.infoJson],
      options,
    );
    if (answer === 'busy') throw new Error('the context is still busy with another invocation');
    return entry.applySync(undefined, ['collect'], options);
  } catch (error) {
    // Past its own timeout it is a timeout, not a slow first turn.
    if (remainingMs > INLINE_TURN_MS && /timed out/i.test((error as Error).message)) return ON_ISOLATE_THREAD;
    throw error;
  }
}

/**
 * Makes the slot ready for another invocation, or gets rid of what cannot be trusted: work the plugin left running
 * after it returned must wind down within QUIESCE_MS (the prime of a reused context waits behind it on the
 * isolate's thread), or the isolate is disposed with it.
 */
async function windDown(
  slot: Slot,
  prepared: PreparedContext | undefined,
  after: After,
  failed: boolean,
  key: string,
): Promise<void> {
  pool.returning(slot);
  if (slot.isolate.isDisposed || failed) {
    pool.discard(slot);
    return;
  }
  const reused = slot.source.setup.context === 'reused';
  if (after === 'prime' && prepared) {
    // After the channel's flush (queued when the answer was sent, so answers sent in this turn still leave in one
    // write): the host reads the answer while this thread resets the context. An invocation of the version that
    // arrives meanwhile waits for the slot (SlotPool.takeOrWait).
    await Promise.resolve();
    const status = primeInline(prepared);
    if (status === ON_ISOLATE_THREAD || slot.isolate.isDisposed) {
      // Resetting took longer than an inline turn may (the version's turns go to the isolate's thread from now on),
      // or passed the memory limit (isolated-vm disposed the isolate).
      if (status === ON_ISOLATE_THREAD) slowVersions.add(key);
      pool.discard(slot);
      return;
    }
    after = status[0] === 'T' ? 'discard' : 'ready';
  }
  if (after === 'quiesce' && prepared) {
    let timer: NodeJS.Timeout | undefined;
    const status = await Promise.race([
      prepared.entry.apply(undefined, [reused ? 'prime' : 'poll'], { timeout: QUIESCE_MS }).then(
        (value: unknown) => (typeof value === 'string' ? value : 'P'),
        () => 'T',
      ),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve('spinning'), QUIESCE_MS);
      }),
    ]);
    clearTimeout(timer);
    if (status === 'spinning' || slot.isolate.isDisposed) {
      pool.discard(slot);
      return;
    }
    after = status[0] === 'T' ? 'discard' : 'ready';
  }
  if (!reused || after === 'discard') {
    if (prepared) releaseContext(prepared);
    if (reused) slot.context = undefined;
  }
  if (!reused) slot.spare = createContextAhead(slot);
  pool.give(slot);
}

/** Resets a reused context on this thread, bounded by INLINE_TURN_MS ('P', 'T' or 'X…' as the prelude says). */
function primeInline(prepared: PreparedContext): string | typeof ON_ISOLATE_THREAD {
  try {
    const status: unknown = prepared.entry.applySync(undefined, ['prime'], { timeout: INLINE_TURN_MS });
    return typeof status === 'string' ? status : 'T';
  } catch (error) {
    return /timed out/i.test((error as Error).message) ? ON_ISOLATE_THREAD : 'T';
  }
}

/** The guest's envelope as the host gets it: result JSON as is, logs checked, depth and size refused. */
function readEnvelope(
  envelope: string,
  maxOutputBytes: number,
  maxLogEntries: number,
): { ok: true; resultJson: string; logs: InvocationLog[] } | { ok: false; error: WireError; logs: InvocationLog[] } {
  const first = envelope.indexOf('\n');
  const second = envelope.indexOf('\n', first + 1);
  if (first !== 1 || second < 0) {
    return {
      ok: false,
      error: CoreErrors.AH_PLUGIN_THREW({ message: 'the prelude returned no envelope' }).toJSON(),
      logs: [],
    };
  }
  const logs = sanitizeLogs(envelope.slice(first + 1, second), maxLogEntries);
  const body = envelope.slice(second + 1);
  if (envelope[0] !== 'O') {
    const error = JSON.parse(body) as WireError;
    return { ok: false, error, logs };
  }
  if (body.length > maxOutputBytes + 64) {
    return {
      ok: false,
      error: CoreErrors.AH_OUTPUT_TOO_LARGE({ bytes: body.length, limit: maxOutputBytes }).toJSON(),
      logs,
    };
  }
  // { path, output }: the output's own depth is the body's minus one.
  if (depthOfJson(body, OUTPUT_DEPTH_LIMIT + 1) > OUTPUT_DEPTH_LIMIT + 1) {
    return { ok: false, error: CoreErrors.AH_OUTPUT_TOO_DEEP({ limit: OUTPUT_DEPTH_LIMIT }).toJSON(), logs };
  }
  return { ok: true, resultJson: body, logs };
}

function hostCall(
  message: InvokeMessage,
  state: Running,
  capability: string,
  method: string,
  argsJson: string,
): Promise<string> | string {
  const deny = (error: ActionhostError) => JSON.stringify({ ok: false, error: error.toJSON() });
  if (state.ended) return deny(CoreErrors.AH_INVOCATION_ENDED({ reason: 'the invocation has ended' }));
  const source = sources.get(message.key)!;
  const { limits } = source.setup;
  const methods = source.setup.capabilities[capability];
  if (typeof capability !== 'string' || typeof method !== 'string' || !methods || !methods.includes(method)) {
    return deny(
      CoreErrors.AH_CAPABILITY_DENIED({
        capability: String(capability),
        method: String(method),
        reason: 'the plugin does not declare it',
      }),
    );
  }
  if (typeof argsJson !== 'string') {
    return deny(CoreErrors.AH_CAPABILITY_DENIED({ capability, method, reason: 'its arguments are not JSON' }));
  }
  // The prelude checked these already; the worker checks again before anything reaches the host.
  if (argsJson.length > limits.maxHostCallBytes || state.inFlightBytes + argsJson.length > limits.maxInFlightBytes) {
    return deny(CoreErrors.AH_HOST_CALL_TOO_LARGE({ size: argsJson.length, limit: limits.maxHostCallBytes }));
  }
  if (depthOfJson(argsJson, OUTPUT_DEPTH_LIMIT + 1) > OUTPUT_DEPTH_LIMIT + 1) {
    return deny(CoreErrors.AH_OUTPUT_TOO_DEEP({ limit: OUTPUT_DEPTH_LIMIT }));
  }
  state.hostCalls++;
  if (state.hostCalls > limits.maxHostCalls) {
    const failure = CoreErrors.AH_HOST_CALL_LIMIT({ limit: limits.maxHostCalls });
    state.failure = failure.toJSON();
    if (state.slot) dispose(state.slot);
    state.onDispose?.();
    return deny(failure);
  }
  const callId = ++callSequence;
  state.inFlightBytes += argsJson.length;
  return new Promise<string>((resolve) => {
    state.calls.set(callId, (replyJson) => {
      state.inFlightBytes -= argsJson.length;
      resolve(replyJson);
    });
    send({ type: 'call', id: message.id, callId, capability, method }, argsJson);
  });
}

function onMessage(message: HostToWorker, payload: string): void {
  switch (message.type) {
    case 'load':
      if (sources.get(message.plugin.key)?.code !== payload) pool.forget(message.plugin.key);
      sources.set(message.plugin.key, { setup: message.plugin, code: payload });
      break;
    case 'invoke':
      void invoke(message, payload);
      break;
    case 'reply': {
      const state = running.get(message.id);
      const resolve = state?.calls.get(message.callId);
      if (resolve) {
        state!.calls.delete(message.callId);
        resolve(payload);
      }
      break;
    }
    case 'cancel': {
      const state = running.get(message.id);
      if (state && !state.slot && !state.failure) {
        // Still waiting for a slot: it fails as soon as it has one.
        state.failure = CoreErrors.AH_INVOCATION_CANCELLED({ when: 'before it started' }).toJSON();
      } else if (state?.slot && !state.slot.isolate.isDisposed) {
        state.failure = CoreErrors.AH_INVOCATION_CANCELLED({ when: 'while it ran' }).toJSON();
        dispose(state.slot);
        state.onDispose?.();
      }
      break;
    }
  }
}

send({ type: 'ready', pid: process.pid });
