// Worker side: the isolates a worker keeps per plugin version ("slots", one per invocation running at once, each
// with its own memory limit) and the contexts they run invocations in. A reused context is set up once — prelude,
// frozen intrinsics, the plugin's module evaluated — and reset by the prelude after every invocation; a fresh one
// is created ahead, on the isolate's thread, while the slot is idle, and used for one invocation only.
import ivm from 'isolated-vm';
import { CoreErrors } from '../errors/index.ts';
import { PRELUDE_SOURCE } from './prelude.ts';
import type { PluginSetup } from './protocol.ts';

export interface Source {
  setup: PluginSetup;
  code: string;
  cachedData?: ivm.ExternalCopy<ArrayBuffer>;
}

/** Where a context's bridge and done callbacks go: the invocation bound to it now, if any. */
export interface Route {
  token: number;
  call?: (capability: string, method: string, argsJson: string) => Promise<string> | string;
  finished?: (envelope: string) => void;
}

export interface PreparedContext {
  context: ivm.Context;
  entry: ivm.Reference;
  references: ivm.Reference[];
  route: Route;
  /** Invocations this context has served. */
  uses: number;
}

export interface Slot {
  key: string;
  source: Source;
  isolate: ivm.Isolate;
  prelude: ivm.Script;
  factory: ivm.Script;
  /** Reused mode: the slot's context, primed for the next invocation (being set up while a promise). */
  context?: PreparedContext | Promise<PreparedContext>;
  /** Fresh mode: the next invocation's context, being created in the background. */
  spare?: Promise<ivm.Context | undefined>;
}

const NOT_BOUND = JSON.stringify({
  ok: false,
  error: CoreErrors.AH_INVOCATION_ENDED({ reason: 'no invocation is running' }).toJSON(),
});

/** A new isolate for a plugin version: the prelude and the plugin (as a function, so that calling it evaluates
 * the module afresh) compiled in it; the compiler's cache is shared by the version's isolates. */
export function compileSlot(key: string, source: Source): Slot {
  const isolate = new ivm.Isolate({ memoryLimit: source.setup.limits.memoryMb });
  try {
    const prelude = isolate.compileScriptSync(PRELUDE_SOURCE, { filename: 'actionhost:prelude' });
    const wrapped = `(function () {${source.code}\n})`;
    const options = { filename: source.setup.filename };
    const factory = source.cachedData
      ? isolate.compileScriptSync(wrapped, { ...options, cachedData: source.cachedData })
      : isolate.compileScriptSync(wrapped, { ...options, produceCachedData: true });
    const produced = (factory as ivm.Script & { cachedData?: ivm.ExternalCopy<ArrayBuffer> }).cachedData;
    if (!source.cachedData && produced) source.cachedData = produced;
    return { key, source, isolate, prelude, factory };
  } catch (error) {
    if (!isolate.isDisposed) isolate.dispose();
    throw error;
  }
}

/** What the prelude is told about the plugin version it runs. */
function configOf(slot: Slot): string {
  const { setup } = slot.source;
  return JSON.stringify({
    capabilities: setup.capabilities,
    known: setup.known,
    reuse: setup.context === 'reused',
    maxOutputBytes: setup.limits.maxOutputBytes,
    maxLogEntries: setup.limits.maxLogEntries,
    maxHostCallBytes: setup.limits.maxHostCallBytes,
    maxInFlightBytes: setup.limits.maxInFlightBytes,
  });
}

/** The bridge and done callbacks of a new context, both routed to the invocation bound to it at the time. */
function routed(context: ivm.Context): PreparedContext {
  const route: Route = { token: 0 };
  const bridge = new ivm.Reference((token: number, capability: string, method: string, argsJson: string) =>
    route.token === token && token !== 0 && route.call ? route.call(capability, method, argsJson) : NOT_BOUND,
  );
  const done = new ivm.Reference((token: number, envelope: string) => {
    if (route.token === token && token !== 0) route.finished?.(envelope);
  });
  return { context, entry: undefined as unknown as ivm.Reference, references: [bridge, done], route, uses: 0 };
}

function releaseAll(references: (ivm.Reference | undefined)[]): void {
  for (const reference of references) {
    try {
      reference?.release();
    } catch {
      /* disposed with its isolate */
    }
  }
}

/**
 * Sets a fresh context up for one invocation, on the isolate's own thread (the plugin's module runs here: a module
 * that spins must not hold the worker's thread): the prelude first (it captures the intrinsics before any plugin
 * code runs), then the plugin's module is evaluated. A module that throws makes the invocation fail with it.
 */
export async function prepareContext(
  slot: Slot,
  timeoutMs: () => number,
  made?: ivm.Context,
): Promise<PreparedContext> {
  const prepared = routed(made ?? (await slot.isolate.createContext()));
  let factory: ivm.Reference | undefined;
  let setupFunction: ivm.Reference | undefined;
  try {
    factory = await slot.factory.run(prepared.context, { timeout: timeoutMs(), reference: true });
    setupFunction = await slot.prelude.run(prepared.context, { timeout: timeoutMs(), reference: true });
    prepared.entry = (await setupFunction.apply(
      undefined,
      [prepared.references[0], prepared.references[1], factory.derefInto(), configOf(slot)],
      { timeout: timeoutMs(), result: { reference: true } },
    )) as ivm.Reference;
    prepared.references.push(prepared.entry);
    await prepared.entry.apply(undefined, ['prime'], { timeout: timeoutMs() });
    return prepared;
  } catch (error) {
    releaseContext(prepared);
    throw error;
  } finally {
    releaseAll([factory, setupFunction]);
  }
}

/** The prelude's own setup (freezing every intrinsic) is bounded by this, not by the plugin's timeout. */
const SETUP_TIMEOUT_MS = 10_000;

/**
 * Sets up the context a slot keeps (reused mode) on the isolate's own thread, off the worker's main thread:
 * freezing the intrinsics costs milliseconds, once per isolate, and the worker keeps serving other invocations
 * meanwhile. The plugin's module is evaluated within its own timeout.
 */
export async function prepareReusedContext(slot: Slot, timeoutMs: number): Promise<PreparedContext> {
  const prepared = routed(await slot.isolate.createContext());
  let factory: ivm.Reference | undefined;
  let setupFunction: ivm.Reference | undefined;
  try {
    factory = await slot.factory.run(prepared.context, { timeout: timeoutMs, reference: true });
    setupFunction = await slot.prelude.run(prepared.context, { timeout: SETUP_TIMEOUT_MS, reference: true });
    prepared.entry = (await setupFunction.apply(
      undefined,
      [prepared.references[0], prepared.references[1], factory.derefInto(), configOf(slot)],
      { timeout: SETUP_TIMEOUT_MS, result: { reference: true } },
    )) as ivm.Reference;
    prepared.references.push(prepared.entry);
    await prepared.entry.apply(undefined, ['prime'], { timeout: timeoutMs });
    return prepared;
  } catch (error) {
    releaseContext(prepared);
    throw error;
  } finally {
    releaseAll([factory, setupFunction]);
  }
}

/** Creates the next context off the worker's main thread (fresh mode): the one expensive step. Resolves undefined
 * when the isolate is gone. */
export async function createContextAhead(slot: Slot): Promise<ivm.Context | undefined> {
  try {
    return await slot.isolate.createContext();
  } catch {
    return undefined;
  }
}

/** Releases every Reference into the context: a forgotten one keeps the whole context alive in the isolate. */
export function releaseContext(prepared: PreparedContext): void {
  prepared.route.token = 0;
  prepared.route.call = undefined;
  prepared.route.finished = undefined;
  for (const reference of prepared.references) {
    try {
      reference.release();
    } catch {
      /* disposed with its isolate */
    }
  }
  try {
    prepared.context.release();
  } catch {
    /* disposed with its isolate */
  }
}

/**
 * Idle slots per plugin version and in all, oldest first; a busy version keeps as many as run at once. A slot whose
 * invocation ended is "returning" while its context is reset on the isolate's thread (a prime takes ~0.1 ms, a new
 * isolate a few ms and ~4 MB): an invocation that finds no idle slot waits for a returning one instead of compiling
 * another isolate, so a version holds about as many isolates as it runs at once, not one more per reset in flight.
 */
export class SlotPool {
  readonly #idle = new Map<string, Slot[]>();
  readonly #returning = new Map<string, number>();
  readonly #waiting = new Map<string, Array<(slot: Slot | undefined) => void>>();
  #total = 0;
  readonly #perKey: number;
  readonly #max: number;

  constructor(perKey: number, max: number) {
    this.#perKey = perKey;
    this.#max = max;
  }

  take(key: string): Slot | undefined {
    const list = this.#idle.get(key);
    const slot = list?.shift();
    if (!slot) return undefined;
    if (list!.length === 0) this.#idle.delete(key);
    this.#total--;
    return slot;
  }

  /**
   * An idle slot of the version; else, while more of its slots are returning than invocations wait for them, the
   * next one given back (or undefined if it is discarded, or none came back within `waitMs`: compile a new one).
   */
  takeOrWait(key: string, waitMs: number): Slot | Promise<Slot | undefined> | undefined {
    const idle = this.take(key);
    if (idle) return idle;
    const waiting = this.#waiting.get(key) ?? [];
    if ((this.#returning.get(key) ?? 0) <= waiting.length) return undefined;
    return new Promise((resolve) => {
      const waiter = (slot: Slot | undefined) => {
        clearTimeout(timer);
        resolve(slot);
      };
      const timer = setTimeout(() => {
        this.#unwait(key, waiter);
        resolve(undefined);
      }, waitMs);
      waiting.push(waiter);
      this.#waiting.set(key, waiting);
    });
  }

  /** The slot's invocation ended; it is being reset and comes back through give() or discard(). */
  returning(slot: Slot): void {
    this.#returning.set(slot.key, (this.#returning.get(slot.key) ?? 0) + 1);
  }

  /** Keeps a healthy slot for the next invocation: a waiting one first, else idle (evicting the oldest of another
   * version when full). */
  give(slot: Slot): void {
    this.#returned(slot.key);
    const waiter = this.#waiting.get(slot.key)?.[0];
    if (waiter) {
      this.#unwait(slot.key, waiter);
      waiter(slot);
      return;
    }
    const list = this.#idle.get(slot.key) ?? [];
    if (list.length >= this.#perKey) {
      dispose(slot);
      return;
    }
    if (this.#total >= this.#max) this.#evictOldest();
    list.push(slot);
    this.#idle.set(slot.key, list);
    this.#total++;
  }

  /** A returning slot that cannot be trusted again: disposed, and a waiter it would have served compiles anew. */
  discard(slot: Slot): void {
    dispose(slot);
    this.#returned(slot.key);
    const waiting = this.#waiting.get(slot.key) ?? [];
    while (waiting.length > (this.#returning.get(slot.key) ?? 0)) {
      const waiter = waiting[waiting.length - 1];
      this.#unwait(slot.key, waiter);
      waiter(undefined);
    }
  }

  /** Drops every idle slot of a version (its code changed under the same key: never, but stay correct). */
  forget(key: string): void {
    for (const slot of this.#idle.get(key) ?? []) dispose(slot);
    this.#total -= this.#idle.get(key)?.length ?? 0;
    this.#idle.delete(key);
  }

  #returned(key: string): void {
    const left = (this.#returning.get(key) ?? 0) - 1;
    if (left > 0) this.#returning.set(key, left);
    else this.#returning.delete(key);
  }

  #unwait(key: string, waiter: (slot: Slot | undefined) => void): void {
    const waiting = this.#waiting.get(key);
    const index = waiting?.indexOf(waiter) ?? -1;
    if (index >= 0) waiting!.splice(index, 1);
    if (waiting?.length === 0) this.#waiting.delete(key);
  }

  #evictOldest(): void {
    for (const [key, list] of this.#idle) {
      const slot = list.shift();
      if (list.length === 0) this.#idle.delete(key);
      if (slot) {
        this.#total--;
        dispose(slot);
        return;
      }
    }
  }
}

export function dispose(slot: Slot): void {
  if (!slot.isolate.isDisposed) slot.isolate.dispose();
}
