// A fresh V8 context made ready for one invocation: prelude run, bridge in place, plugin script evaluated.
// Creating a context costs V8 about half a millisecond, so after each invocation the worker creates the next
// one in the background (isolated-vm does it on the isolate's own thread) and the next invocation only runs
// the prelude and the plugin script in it. Every invocation still gets a context no code has run in.
import ivm from 'isolated-vm';
import { CoreErrors } from '../errors/index.ts';

export interface ScriptSlot {
  isolate: ivm.Isolate;
  prelude: ivm.Script;
  script: ivm.Script;
}

export interface FreshContext {
  context: ivm.Context;
  bridge: ivm.Reference;
  /** entry(run|testConnection, ...) starts the invocation; entry('poll') reads a finished envelope. */
  entry: ivm.Reference;
  capsJson: string;
  /** Set when the context is handed to an invocation; guest calls before that are refused. */
  route: { call?: (capability: string, method: string, argsJson: string) => Promise<string> | string };
}

const NOT_READY = JSON.stringify({
  ok: false,
  error: CoreErrors.AH_INVOCATION_ENDED({ reason: 'no invocation is running' }).toJSON(),
});

function bridgeFor(route: FreshContext['route']): ivm.Reference {
  return new ivm.Reference((capability: string, method: string, argsJson: string) =>
    route.call ? route.call(capability, method, argsJson) : NOT_READY,
  );
}

export function prepareSync(
  slot: ScriptSlot,
  capsJson: string,
  timeoutMs: () => number,
  made?: ivm.Context,
): FreshContext {
  const context = made ?? slot.isolate.createContextSync();
  const route: FreshContext['route'] = {};
  const bridge = bridgeFor(route);
  const fresh: Partial<FreshContext> = { context, bridge, capsJson, route };
  let setup: ivm.Reference | undefined;
  try {
    // The prelude runs before any plugin code, so the intrinsics it captures are the pristine ones.
    setup = slot.prelude.runSync(context, { timeout: timeoutMs(), reference: true });
    fresh.entry = setup.applySync(undefined, [bridge, capsJson], {
      timeout: timeoutMs(),
      result: { reference: true },
    }) as ivm.Reference;
    slot.script.runSync(context, { timeout: timeoutMs() });
  } catch (error) {
    releaseContext(fresh);
    throw error;
  } finally {
    try {
      setup?.release();
    } catch {
      /* disposed with its isolate */
    }
  }
  return fresh as FreshContext;
}

/** Creates the next context off the worker's main thread: the one expensive step. The rest (a few tens of
 * microseconds) runs when an invocation takes it. Resolves undefined when the isolate is gone. */
export async function createContextAhead(slot: ScriptSlot): Promise<ivm.Context | undefined> {
  try {
    return await slot.isolate.createContext();
  } catch {
    return undefined;
  }
}

/** Releases every Reference into the context: a forgotten one keeps the whole context alive in the isolate. */
export function releaseContext(fresh: Partial<FreshContext>): void {
  for (const reference of [fresh.entry, fresh.bridge]) {
    try {
      reference?.release();
    } catch {
      /* disposed with its isolate */
    }
  }
  try {
    fresh.context?.release();
  } catch {
    /* disposed with its isolate */
  }
}
