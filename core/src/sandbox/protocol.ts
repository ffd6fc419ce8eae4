// Messages between the host process and a sandbox worker process. Each message is a small JSON header plus one
// payload string carried as raw UTF-8 (channel.ts): guest data — input, output, host-call arguments and replies —
// travels as JSON text the host parses only where it asks for it, and is never escaped into another JSON string.
import type { ErrorDetails } from '@actionhost/sdk';
import type { InvocationLog } from '../capabilities/index.ts';
import type { InvocationLimits } from './limits.ts';

export interface WireError {
  code: string;
  message: string;
  details?: ErrorDetails;
}

/** How the worker runs invocations of one plugin version: one context kept per isolate and reset between
 * invocations ('reused'), or a new context for every invocation ('fresh'). */
export type ContextMode = 'reused' | 'fresh';

/** A plugin version as the worker compiles and runs it; sent once per worker, with the code as payload. */
export interface PluginSetup {
  /** name@version#integrity: what the compiled script and its isolates are kept under. */
  key: string;
  filename: string;
  limits: InvocationLimits;
  /** Declared capability → methods the prelude exposes. */
  capabilities: Record<string, readonly string[]>;
  /** Every capability and method a manifest could declare (for AH_CAPABILITY_DENIED on the others). */
  known: Record<string, readonly string[]>;
  context: ContextMode;
}

export type HostToWorker =
  /** payload: the plugin's script. */
  | { type: 'load'; plugin: PluginSetup }
  /** payload: the input as JSON. */
  | { type: 'invoke'; id: string; key: string; entry: 'run' | 'testConnection'; infoJson: string }
  /** payload: `{"ok":true,"value":...}` or `{"ok":false,"error":{code,message,details}}`, handed to the guest as is. */
  | { type: 'reply'; id: string; callId: number }
  | { type: 'cancel'; id: string };

export type WorkerToHost =
  | { type: 'ready'; pid: number }
  /** payload: the arguments as JSON (checked for size and depth before they left the worker). */
  | { type: 'call'; id: string; callId: number; capability: string; method: string }
  /** payload: `{"path":...,"output":...}` when ok. */
  | { type: 'done'; id: string; ok: true; logs: InvocationLog[]; hostCalls: number; reused: boolean }
  | {
      type: 'done';
      id: string;
      ok: false;
      error: WireError;
      logs: InvocationLog[];
      hostCalls: number;
      reused: boolean;
    }
  /** The worker has no code for `key` (it never got a load for it). */
  | { type: 'need-code'; id: string; key: string };
