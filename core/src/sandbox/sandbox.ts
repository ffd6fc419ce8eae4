// The sandbox as the host sees it: a pool of worker processes running plugins in isolates, and the router
// that carries each guest call to the capability that serves it. Validation of inputs and outputs happens
// here, on the host, against the manifest's JSON Schemas.
import { randomUUID } from 'node:crypto';
import {
  type ActionhostError,
  CAPABILITY_METHODS,
  isActionhostError,
  pluginId,
  type CapabilityName,
  type Json,
  type PluginManifest,
} from '@actionhost/sdk';
import type { Capability, InvocationBindings, InvocationLog, InvocationScope } from '../capabilities/index.ts';
import { errorSummary } from '../errors/index.ts';
import { SandboxErrors, errorFromWire } from './errors.ts';
import { DEFAULT_HOST_LIMITS, limitsFor, type HostLimits } from './limits.ts';
import type { ContextMode, PluginSetup, WorkerToHost } from './protocol.ts';
import { validateAgainst } from './validation.ts';
import { WorkerHandle } from './worker-handle.ts';
import { InvocationSlots } from './slots.ts';

export interface LoadedPlugin {
  manifest: PluginManifest;
  code: string;
  integrity: string;
}

export interface InvokeRequest {
  plugin: LoadedPlugin;
  input: unknown;
  entry?: 'run' | 'testConnection';
  bindings?: InvocationBindings;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface InvokeOutcome {
  invocationId: string;
  plugin: string;
  path: string;
  output: Json;
  logs: InvocationLog[];
  durationMs: number;
  hostCalls: number;
  /** Whether the invocation ran in a context an earlier invocation had used (reset in between). */
  contextReused: boolean;
}

/** What the sandbox reports as it works, for metrics (host/ wires it in); must be cheap and must not throw. */
export interface SandboxObserver {
  /** Every invocation that got a worker, with its error code (AH_PLUGIN_TIMEOUT, AH_PLUGIN_OUT_OF_MEMORY, ...). */
  invocationFinished?(event: { plugin: string; durationMs: number; errorCode: string | null }): void;
  /** A worker process exited; `replaced` unless the sandbox was closing (a new one starts on the next invocation). */
  workerExited?(event: {
    pid: number | undefined;
    code: number | null;
    signal: string | null;
    outOfMemory: boolean;
    replaced: boolean;
  }): void;
}

export interface SandboxOptions {
  /** Worker processes (default 2). */
  workers?: number;
  /** Invocations one worker runs at once (default 8); more wait in a bounded queue. */
  concurrencyPerWorker?: number;
  /** Invocations that may wait for a free slot (default 10 000); beyond it AH_SANDBOX_BUSY. */
  maxQueued?: number;
  capabilities?: Capability[];
  limits?: HostLimits;
  observer?: SandboxObserver;
  /** 'fresh': a new V8 context for every invocation of every plugin; 'reused' (default): a context per isolate,
   * reset between invocations, unless a manifest asks for fresh ones (`sandbox.context`). */
  context?: ContextMode;
}

interface Pending {
  id: string;
  request: InvokeRequest;
  worker: WorkerHandle;
  scope: InvocationScope;
  abort: AbortController;
  hostLogs: InvocationLog[];
  started: number;
  /** Host calls served for it so far. */
  calls: number;
  backstop: NodeJS.Timeout;
  settle(
    result:
      | { ok: true; resultJson: string; logs: InvocationLog[]; hostCalls: number; reused: boolean }
      | { ok: false; error: ActionhostError },
  ): void;
}

export class Sandbox {
  readonly #size: number;
  readonly #perWorker: number;
  readonly #capabilities = new Map<string, Capability>();
  readonly #limits: HostLimits;
  #workers: WorkerHandle[] = [];
  readonly #pending = new Map<string, Pending>();
  #closed = false;
  readonly #slots: InvocationSlots;
  readonly #observer: SandboxObserver | undefined;
  readonly #context: ContextMode;
  readonly #plans = new Map<string, PluginSetup>();
  restarts = 0;

  constructor(options: SandboxOptions = {}) {
    this.#size = Math.max(1, options.workers ?? 2);
    this.#perWorker = Math.max(1, options.concurrencyPerWorker ?? 8);
    this.#slots = new InvocationSlots(this.#size * this.#perWorker, options.maxQueued ?? 10_000);
    this.#limits = options.limits ?? DEFAULT_HOST_LIMITS;
    this.#observer = options.observer;
    this.#context = options.context ?? 'reused';
    for (const capability of options.capabilities ?? []) this.#capabilities.set(capability.name, capability);
  }

  /** Starts the worker processes now instead of on first use. */
  warm(): void {
    while (this.#workers.length < this.#size) this.#spawn();
  }

  /**
   * Proves that a worker process starts here (Node, isolated-vm's native module) without keeping one: a throwaway
   * worker is started, answers once it has loaded isolated-vm, and is stopped. The pool itself stays empty until the
   * first invocation, so an idle host holds no worker process.
   */
  async check(): Promise<void> {
    if (this.#closed) throw SandboxErrors.closed({ state: 'closed' });
    let answered!: () => void;
    let failed!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      answered = resolve;
      failed = reject;
    });
    const probe = new WorkerHandle({
      message: (_handle, message) => {
        if (message.type === 'ready') answered();
      },
      exit: (_handle, reason) =>
        failed(
          SandboxErrors.crashed({
            reason: `a sandbox worker exited on start (${reason.signal ?? `code ${reason.code}`}): ${reason.stderr.slice(-500)}`,
          }),
        ),
    });
    try {
      await ready;
    } finally {
      await probe.stop();
    }
  }

  stats(): { workers: { pid: number | undefined; inFlight: number }[]; restarts: number } {
    return { workers: this.#workers.map((w) => ({ pid: w.pid, inFlight: w.inFlight.size })), restarts: this.restarts };
  }

  async invoke(request: InvokeRequest): Promise<InvokeOutcome> {
    if (this.#closed) throw SandboxErrors.closed({ state: 'closed' });
    const { manifest, integrity } = request.plugin;
    const id = randomUUID();
    const plugin = pluginId(manifest.name, manifest.version);
    const key = `${plugin}#${integrity}`;
    const entry = request.entry ?? 'run';
    if (entry === 'testConnection' && !manifest.testConnection) {
      throw SandboxErrors.entryMissing({ plugin }, { plugin });
    }
    const input = structuredCopy(request.input, plugin);
    validateAgainst(key, manifest, 'input', input, (problem, details) =>
      SandboxErrors.inputInvalid({ problem }, { ...details, plugin }),
    );
    await this.#slots.acquire(request.signal, plugin);
    try {
      return await this.#run(request, input, id, plugin, key, entry);
    } finally {
      this.#slots.release();
    }
  }

  /** What a worker needs to run a plugin version, worked out once per version. */
  #planFor(plugin: LoadedPlugin, key: string, id: string): PluginSetup {
    let setup = this.#plans.get(key);
    if (!setup) {
      const { manifest } = plugin;
      const capabilities: Record<string, readonly string[]> = {};
      for (const name of Object.keys(CAPABILITY_METHODS) as CapabilityName[]) {
        if (name === 'log') continue;
        const capability = this.#capabilities.get(name);
        if (declares(manifest, name) && (!capability || capability.declaredBy(manifest)))
          capabilities[name] = CAPABILITY_METHODS[name];
      }
      setup = {
        key,
        filename: `plugin:${id}/${manifest.entry}`,
        limits: limitsFor(manifest, this.#limits),
        capabilities,
        known: CAPABILITY_METHODS,
        context: this.#context === 'fresh' || manifest.sandbox?.context === 'fresh' ? 'fresh' : 'reused',
      };
      if (this.#plans.size >= 500) this.#plans.delete(this.#plans.keys().next().value!);
      this.#plans.set(key, setup);
    }
    return setup;
  }

  async #run(
    request: InvokeRequest,
    input: unknown,
    id: string,
    plugin: string,
    key: string,
    entry: 'run' | 'testConnection',
  ): Promise<InvokeOutcome> {
    const { manifest } = request.plugin;
    const setup = this.#planFor(request.plugin, key, plugin);
    const { limits } = setup;
    const worker = this.#pick();
    const abort = new AbortController();
    const hostLogs: InvocationLog[] = [];
    const idempotencyKey = request.idempotencyKey ?? id;
    const started = Date.now();
    const scope: InvocationScope = {
      invocationId: id,
      idempotencyKey,
      plugin: { name: manifest.name, version: manifest.version, manifest },
      signal: abort.signal,
      deadline: started + limits.timeoutMs,
      bindings: request.bindings ?? {},
      log: (level, message, data) => {
        if (hostLogs.length < limits.maxLogEntries)
          hostLogs.push({ level, message, ...(data === undefined ? {} : { data }), at: new Date().toISOString() });
      },
    };

    const settled = new Promise<{ resultJson: string; logs: InvocationLog[]; hostCalls: number; reused: boolean }>(
      (resolve, reject) => {
        const onAbort = () => {
          worker.send({ type: 'cancel', id });
          pending.settle({ ok: false, error: SandboxErrors.cancelled({ when: 'while it ran' }, { plugin }) });
        };
        const pending: Pending = {
          id,
          request,
          worker,
          scope,
          abort,
          hostLogs,
          started,
          calls: 0,
          // Backstop: the worker enforces the timeout itself; if it cannot (stuck process), kill it.
          backstop: setTimeout(() => {
            pending.settle({
              ok: false,
              error: SandboxErrors.timeout({ timeoutMs: limits.timeoutMs }, { plugin }),
            });
            worker.kill();
          }, limits.timeoutMs + 2_000),
          settle: (result) => {
            if (!this.#pending.has(id)) return;
            this.#pending.delete(id);
            worker.inFlight.delete(id);
            clearTimeout(pending.backstop);
            request.signal?.removeEventListener('abort', onAbort);
            // Capability calls still running for it stop; a reason made once, not a DOMException per invocation.
            if (pending.calls > 0) abort.abort(INVOCATION_OVER);
            if (result.ok) resolve(result);
            else reject(result.error);
          },
        };
        this.#pending.set(id, pending);
        worker.inFlight.add(id);
        request.signal?.addEventListener('abort', onAbort, { once: true });
        if (!worker.loaded.has(key)) {
          worker.send({ type: 'load', plugin: setup }, request.plugin.code);
          worker.loaded.add(key);
        }
        const sent = worker.send(
          { type: 'invoke', id, key, entry, infoJson: JSON.stringify({ id, idempotencyKey, plugin }) },
          JSON.stringify(input),
        );
        if (!sent)
          pending.settle({
            ok: false,
            error: SandboxErrors.crashed({ reason: 'its sandbox worker is not running' }, { plugin }),
          });
      },
    );

    let done: { resultJson: string; logs: InvocationLog[]; hostCalls: number; reused: boolean };
    try {
      done = await settled;
    } catch (error) {
      if (isActionhostError(error)) error.details.plugin ??= plugin;
      this.#observe(plugin, started, isActionhostError(error) ? error.code : 'AH_INTERNAL');
      throw error;
    }
    this.#observe(plugin, started, null);
    const result = JSON.parse(done.resultJson) as { path: string; output: Json };
    if (!manifest.paths.includes(result.path)) {
      throw SandboxErrors.pathUndeclared({ path: result.path }, { plugin, path: '/path' });
    }
    if (entry === 'run') {
      validateAgainst(key, manifest, 'output', result.output, (problem, details) =>
        SandboxErrors.outputInvalid({ problem }, { ...details, plugin }),
      );
    }
    const logs =
      hostLogs.length === 0 ? done.logs : [...hostLogs, ...done.logs].sort((a, b) => a.at.localeCompare(b.at));
    return {
      invocationId: id,
      plugin,
      path: result.path,
      output: result.output,
      logs,
      durationMs: Date.now() - started,
      hostCalls: done.hostCalls,
      contextReused: done.reused,
    };
  }

  #observe(plugin: string, started: number, errorCode: string | null): void {
    try {
      this.#observer?.invocationFinished?.({ plugin, durationMs: Date.now() - started, errorCode });
    } catch {
      /* an observer must not break an invocation */
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const pending of [...this.#pending.values()])
      pending.settle({ ok: false, error: SandboxErrors.closed({ state: 'closing' }) });
    this.#slots.close();
    await Promise.all(this.#workers.map((worker) => worker.stop()));
    this.#workers = [];
    await Promise.all([...this.#capabilities.values()].map(async (capability) => capability.close?.()));
  }

  #spawn(): WorkerHandle {
    const worker = new WorkerHandle({
      message: (handle, message, payload) => this.#onMessage(handle, message, payload),
      exit: (handle, reason) => this.#onExit(handle, reason),
    });
    this.#workers.push(worker);
    return worker;
  }

  /** The least busy worker; another is started (up to the pool size) only once every running one runs as many
   * invocations as it may at once. One worker process serves a host's usual load (its invocations mostly wait on
   * host calls): each more one costs tens of MB of memory for CPU it would rarely use on a small machine. */
  #pick(): WorkerHandle {
    this.#workers = this.#workers.filter((worker) => worker.alive);
    if (this.#workers.length === 0) return this.#spawn();
    const best = this.#workers.reduce((a, b) => (b.inFlight.size < a.inFlight.size ? b : a));
    if (best.inFlight.size >= this.#perWorker && this.#workers.length < this.#size) return this.#spawn();
    return best;
  }

  #onExit(handle: WorkerHandle, reason: { code: number | null; signal: NodeJS.Signals | null; stderr: string }): void {
    this.#workers = this.#workers.filter((worker) => worker !== handle);
    if (!this.#closed) this.restarts++;
    const outOfMemory = /out of memory|heap limit|allocation failed/i.test(reason.stderr);
    try {
      this.#observer?.workerExited?.({
        pid: handle.pid,
        code: reason.code,
        signal: reason.signal,
        outOfMemory,
        replaced: !this.#closed,
      });
    } catch {
      /* an observer must not break the sandbox */
    }
    for (const id of handle.inFlight) {
      const pending = this.#pending.get(id);
      if (!pending) continue;
      const plugin = pluginId(pending.scope.plugin.name, pending.scope.plugin.version);
      const why = `its sandbox worker exited (${reason.signal ?? `code ${reason.code}`})`;
      pending.settle({
        ok: false,
        error: outOfMemory
          ? SandboxErrors.outOfMemory({ reason: why }, { plugin })
          : SandboxErrors.crashed({ reason: why }, { plugin }),
      });
    }
  }

  #onMessage(handle: WorkerHandle, message: WorkerToHost, payload: string): void {
    if (message.type === 'ready') return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    if (message.type === 'done') {
      if (message.ok)
        pending.settle({
          ok: true,
          resultJson: payload,
          logs: message.logs,
          hostCalls: message.hostCalls,
          reused: message.reused,
        });
      else pending.settle({ ok: false, error: errorFromWire(message.error, statusOf(message.error.code)) });
    } else if (message.type === 'need-code') {
      // The worker lost the code (it restarted under the same handle is impossible, but stay correct).
      handle.loaded.delete(message.key);
      pending.settle({
        ok: false,
        error: SandboxErrors.crashed({ reason: 'its sandbox worker lost the plugin code; try again' }),
      });
    } else if (message.type === 'call') {
      pending.calls++;
      void this.#serveCall(handle, pending, message, payload);
    }
  }

  async #serveCall(
    handle: WorkerHandle,
    pending: Pending,
    message: Extract<WorkerToHost, { type: 'call' }>,
    argsJson: string,
  ): Promise<void> {
    let replyJson: string;
    try {
      const capability = this.#capabilities.get(message.capability);
      const manifest = pending.scope.plugin.manifest;
      if (
        !declares(manifest, message.capability) ||
        !(CAPABILITY_METHODS as Record<string, readonly string[]>)[message.capability]?.includes(message.method)
      ) {
        throw SandboxErrors.capabilityDenied({
          capability: message.capability,
          method: message.method,
          reason: 'the plugin does not declare it',
        });
      }
      if (!capability) {
        throw SandboxErrors.capabilityUnavailable({ capability: message.capability });
      }
      const args = JSON.parse(argsJson) as Json[];
      const value = await capability.call(message.method, Array.isArray(args) ? args : [], pending.scope);
      replyJson = `{"ok":true,"value":${JSON.stringify(value ?? null)}}`;
    } catch (error) {
      const wire = isActionhostError(error)
        ? { code: error.code, message: error.message, details: error.details }
        : errorSummary(SandboxErrors.capabilityFailed({ capability: message.capability }));
      replyJson = JSON.stringify({ ok: false, error: wire });
    }
    handle.send({ type: 'reply', id: message.id, callId: message.callId }, replyJson);
  }
}

/** A JSON copy the sandbox owns (defaults get filled into it); anything that is not JSON data is bad input. */
function structuredCopy(value: unknown, plugin: string): unknown {
  try {
    const text = JSON.stringify(value ?? null);
    return JSON.parse(text);
  } catch (error) {
    throw SandboxErrors.inputInvalid(
      { problem: `is not JSON data: ${(error as Error).message}` },
      { plugin, path: '/input' },
    );
  }
}

function declares(manifest: PluginManifest, capability: string): boolean {
  const declared = (manifest.capabilities as Record<string, unknown>)[capability];
  if (declared === undefined || declared === false) return false;
  return !(Array.isArray(declared) && declared.length === 0);
}

/** Why a finished invocation's capability calls are aborted (one instance: aborting allocates nothing). */
const INVOCATION_OVER = new Error('the invocation is over');

function statusOf(code: string): number {
  if (code === 'AH_PLUGIN_TIMEOUT') return 504;
  if (code === 'AH_CAPABILITY_DENIED') return 403;
  if (code === 'AH_HOST_CALL_TOO_LARGE') return 413;
  return 502;
}
