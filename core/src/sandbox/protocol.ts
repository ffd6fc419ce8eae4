// Messages between the host process and a sandbox worker process (Node IPC, JSON only).
// Guest data travels as JSON strings so the host never deserialises guest objects it did not ask for.
import type { ErrorDetails } from '@actionhost/sdk';
import type { InvocationLog } from '../capabilities/index.ts';
import type { InvocationLimits } from './limits.ts';

export interface WireError {
  code: string;
  message: string;
  details?: ErrorDetails;
}

export type HostToWorker =
  | {
      type: 'invoke';
      id: string;
      /** name@version#integrity: what the compiled script is cached under. */
      key: string;
      filename: string;
      /** Sent only when the host believes this worker has not compiled `key` yet. */
      code?: string;
      entry: 'run' | 'testConnection';
      inputJson: string;
      infoJson: string;
      limits: InvocationLimits;
      /** Declared capability → methods the prelude exposes. */
      capabilities: Record<string, readonly string[]>;
    }
  /** replyJson is `{"ok":true,"value":...}` or `{"ok":false,"error":{code,message,details}}`, handed to the guest as is. */
  | { type: 'reply'; id: string; callId: number; replyJson: string }
  | { type: 'cancel'; id: string };

export type WorkerToHost =
  | { type: 'ready'; pid: number }
  | { type: 'call'; id: string; callId: number; capability: string; method: string; argsJson: string }
  | { type: 'done'; id: string; ok: true; resultJson: string; logs: InvocationLog[]; hostCalls: number; cpuMs: number }
  | { type: 'done'; id: string; ok: false; error: WireError; logs: InvocationLog[]; hostCalls: number; cpuMs: number }
  | { type: 'need-code'; id: string; key: string };
