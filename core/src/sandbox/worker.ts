// A sandbox worker process. It holds isolated-vm isolates (one compiled script per plugin version, reused while
// healthy) and runs every invocation in a fresh context. It is a separate process because V8 cannot recover
// from out-of-memory: if this process dies, the host replaces it and only its in-flight invocations fail.
import ivm from 'isolated-vm';
import type { ActionhostError } from '@actionhost/sdk/errors';
import { CoreErrors } from '../errors/index.ts';
import { PRELUDE_SOURCE } from './prelude.ts';
import { createContextAhead, prepareSync, releaseContext, type FreshContext } from './fresh-context.ts';
import type { InvocationLog } from '../capabilities/index.ts';
import type { HostToWorker, WireError, WorkerToHost } from './protocol.ts';

type InvokeMessage = Extract<HostToWorker, { type: 'invoke' }>;

interface Source {
  code: string;
  filename: string;
  cachedData?: ivm.ExternalCopy<ArrayBuffer>;
}
interface Slot {
  key: string;
  memoryMb: number;
  isolate: ivm.Isolate;
  prelude: ivm.Script;
  script: ivm.Script;
  /** The next invocation's context, being created in the background. */
  spare?: Promise<ivm.Context | undefined>;
}
interface Running {
  slot?: Slot;
  hostCalls: number;
  failure?: WireError;
  ended: boolean;
  calls: Map<number, (replyJson: string) => void>;
  onDispose?: () => void;
}

// As many as the host runs at once on one worker (Sandbox concurrencyPerWorker), so a busy plugin keeps its isolates.
const MAX_IDLE_PER_KEY = 8;
const MAX_IDLE_TOTAL = 64;
const sources = new Map<string, Source>();
const idle = new Map<string, Slot[]>();
const running = new Map<string, Running>();
let idleTotal = 0;
let callSequence = 0;

function send(message: WorkerToHost): void {
  process.send?.(message);
}

/** The idle slot that has waited longest (its next context is likeliest to be ready), or a new one. */
function takeSlot(key: string, memoryMb: number, source: Source): Slot {
  const list = idle.get(key);
  const index = list?.findIndex((slot) => slot.memoryMb === memoryMb) ?? -1;
  if (list && index >= 0) {
    idleTotal--;
    return list.splice(index, 1)[0];
  }
  return compileSlot(key, memoryMb, source);
}

function compileSlot(key: string, memoryMb: number, source: Source): Slot {
  const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
  try {
    const prelude = isolate.compileScriptSync(PRELUDE_SOURCE, { filename: 'actionhost:prelude' });
    const script = source.cachedData
      ? isolate.compileScriptSync(source.code, { filename: source.filename, cachedData: source.cachedData })
      : isolate.compileScriptSync(source.code, { filename: source.filename, produceCachedData: true });
    const produced = (script as ivm.Script & { cachedData?: ivm.ExternalCopy<ArrayBuffer> }).cachedData;
    if (!source.cachedData && produced) source.cachedData = produced;
    return { key, memoryMb, isolate, prelude, script };
  } catch (error) {
    if (!isolate.isDisposed) isolate.dispose();
    throw error;
  }
}

/** Takes the context created ahead for this slot, if any (undefined when none or its isolate is gone). */
async function takeSpare(slot: Slot): Promise<ivm.Context | undefined> {
  const spare = slot.spare;
  slot.spare = undefined;
  return spare ? await spare : undefined;
}

function releaseSlot(slot: Slot, healthy: boolean): void {
  if (slot.isolate.isDisposed) return;
  const list = idle.get(slot.key) ?? [];
  if (!healthy || list.length >= MAX_IDLE_PER_KEY) {
    slot.isolate.dispose();
    return;
  }
  slot.spare = createContextAhead(slot);
  if (idleTotal >= MAX_IDLE_TOTAL) evictOldest();
  list.push(slot);
  idle.set(slot.key, list);
  idleTotal++;
  if (list.length === 1) setImmediate(() => addSecondSlot(slot.key, slot.memoryMb));
}

/** A plugin version in use gets a second isolate, so invocations one after another alternate between two
 * isolates and each has time to create its next context before it is needed again. */
function addSecondSlot(key: string, memoryMb: number): void {
  const list = idle.get(key);
  const source = sources.get(key);
  if (!list || list.length !== 1 || !source || idleTotal >= MAX_IDLE_TOTAL) return;
  try {
    const slot = compileSlot(key, memoryMb, source);
    slot.spare = createContextAhead(slot);
    list.push(slot);
    idleTotal++;
  } catch {
    /* the invocation path reports compile errors */
  }
}

function evictOldest(): void {
  for (const [key, list] of idle) {
    const slot = list.shift();
    if (list.length === 0) idle.delete(key);
    if (slot) {
      idleTotal--;
      slot.isolate.dispose(); // takes its prepared context with it
      return;
    }
  }
}

/** Maps what isolated-vm threw to a stable code. The sync part of a run is bounded by isolated-vm's own
 * `timeout`; async work after an await is bounded by the wall-clock timer that disposes the isolate. */
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

async function invoke(message: InvokeMessage): Promise<void> {
  if (message.code !== undefined) sources.set(message.key, { code: message.code, filename: message.filename });
  const source = sources.get(message.key);
  if (!source) {
    send({ type: 'need-code', id: message.id, key: message.key });
    return;
  }
  const state: Running = { hostCalls: 0, ended: false, calls: new Map() };
  running.set(message.id, state);
  const { limits } = message;
  const started = Date.now();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  let fresh: FreshContext | undefined;
  let done: ivm.Reference | undefined;
  const capsJson = JSON.stringify(message.capabilities);
  // Settles (as a rejection) when the wall-clock timer or a cancel disposes the isolate mid-await.
  let onDisposed!: (error: Error) => void;
  const disposed = new Promise<never>((_, reject) => {
    onDisposed = reject;
  });
  disposed.catch(() => undefined);
  let cpuBefore = 0n;
  const finish = (
    result:
      { ok: true; resultJson: string; logs: InvocationLog[] } | { ok: false; error: WireError; logs: InvocationLog[] },
  ) => {
    const cpuMs =
      state.slot && !state.slot.isolate.isDisposed ? Number(state.slot.isolate.cpuTime - cpuBefore) / 1e6 : 0;
    send({ type: 'done', id: message.id, hostCalls: state.hostCalls, cpuMs, ...result });
  };
  try {
    try {
      state.slot = takeSlot(message.key, limits.memoryMb, source);
    } catch (error) {
      finish({
        ok: false,
        error: CoreErrors.AH_PLUGIN_INVALID({ reason: `it does not compile: ${(error as Error).message}` }).toJSON(),
        logs: [],
      });
      return;
    }
    const slot = state.slot;
    cpuBefore = slot.isolate.cpuTime;
    timer = setTimeout(() => {
      timedOut = true;
      if (!slot.isolate.isDisposed) slot.isolate.dispose();
      onDisposed(new Error('timed out'));
    }, limits.timeoutMs);
    state.onDispose = () => onDisposed(new Error(state.failure?.message ?? 'disposed'));
    const remaining = () => Math.max(1, limits.timeoutMs - (Date.now() - started));

    fresh = prepareSync(slot, capsJson, remaining, await takeSpare(slot));
    fresh.route.call = (capability, method, argsJson) => hostCall(message, state, capability, method, argsJson);
    const { entry } = fresh;
    let finished!: (envelope: string) => void;
    const later = new Promise<string>((resolve) => {
      finished = resolve;
    });
    done = new ivm.Reference((envelope: string) => finished(envelope));
    entry.applySync(
      undefined,
      [message.entry, message.inputJson, message.infoJson, limits.maxOutputBytes, limits.maxLogEntries, done],
      { timeout: remaining() },
    );
    // Fast path: a plugin that made no host call has finished within that one turn of the isolate.
    const now = entry.applySync(undefined, ['poll'], { timeout: remaining() }) as unknown;
    const envelope = typeof now === 'string' ? now : await Promise.race([later, disposed]);
    if (state.failure) throw new Error(state.failure.message);
    if (typeof envelope !== 'string') throw new Error('the prelude returned no envelope');
    if (envelope.length > limits.maxOutputBytes + limits.maxLogEntries * 12_000) {
      finish({
        ok: false,
        error: CoreErrors.AH_OUTPUT_TOO_LARGE({ bytes: envelope.length, limit: limits.maxOutputBytes }).toJSON(),
        logs: [],
      });
      return;
    }
    // The envelope is guest-made JSON; parse only its frame here, the host validates the rest.
    const parsed = JSON.parse(envelope) as { ok: boolean; result?: unknown; error?: WireError; logs: InvocationLog[] };
    if (parsed.ok) finish({ ok: true, resultJson: JSON.stringify(parsed.result), logs: parsed.logs });
    else
      finish({
        ok: false,
        error: parsed.error ?? CoreErrors.AH_PLUGIN_THREW({ message: 'unknown failure' }).toJSON(),
        logs: parsed.logs,
      });
  } catch (error) {
    finish({ ok: false, error: classify(error, state, timedOut, limits.timeoutMs), logs: [] });
  } finally {
    clearTimeout(timer);
    state.ended = true;
    state.calls.clear();
    running.delete(message.id);
    try {
      done?.release();
    } catch {
      /* disposed with its isolate */
    }
    if (fresh) {
      fresh.route.call = undefined;
      releaseContext(fresh);
    }
    if (state.slot) releaseSlot(state.slot, !timedOut && !state.failure && !state.slot.isolate.isDisposed);
  }
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
  const methods = message.capabilities[capability];
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
  state.hostCalls++;
  if (state.hostCalls > message.limits.maxHostCalls) {
    const failure = CoreErrors.AH_HOST_CALL_LIMIT({ limit: message.limits.maxHostCalls });
    state.failure = failure.toJSON();
    if (state.slot && !state.slot.isolate.isDisposed) state.slot.isolate.dispose();
    state.onDispose?.();
    return deny(failure);
  }
  const callId = ++callSequence;
  return new Promise<string>((resolve) => {
    state.calls.set(callId, resolve);
    send({ type: 'call', id: message.id, callId, capability, method, argsJson });
  });
}

process.on('message', (message: HostToWorker) => {
  switch (message.type) {
    case 'invoke':
      void invoke(message);
      break;
    case 'reply': {
      const state = running.get(message.id);
      const resolve = state?.calls.get(message.callId);
      if (resolve) {
        state!.calls.delete(message.callId);
        resolve(message.replyJson);
      }
      break;
    }
    case 'cancel': {
      const state = running.get(message.id);
      if (state?.slot && !state.slot.isolate.isDisposed) {
        state.failure = CoreErrors.AH_INVOCATION_CANCELLED({ when: 'while it ran' }).toJSON();
        state.slot.isolate.dispose();
        state.onDispose?.();
      }
      break;
    }
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
