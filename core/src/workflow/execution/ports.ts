// What running workflows needs from its neighbours, declared here as small interfaces (ports) so the engine can
// be tested with fakes and the host wires the real sandbox, ITSM store and credential store.
import type { Json } from '@actionhost/sdk';
import type { InvocationBindings, InvocationLog } from '../../capabilities/index.ts';
import type { FieldChange, PluginExecutionAudit } from '../../itsm/index.ts';

type MaybePromise<T> = T | Promise<T>;

export interface PluginRef {
  name: string;
  version: string;
  integrity: string;
}

export interface PluginOutcome {
  invocationId?: string;
  path: string;
  output: Json;
  logs?: InvocationLog[];
  durationMs?: number;
}

/** Runs one pinned plugin version in the sandbox; throws an ActionhostError when the invocation fails. */
export interface PluginRunner {
  run(
    plugin: PluginRef,
    input: unknown,
    options: {
      entry?: 'run' | 'testConnection';
      bindings: InvocationBindings;
      idempotencyKey: string;
      signal?: AbortSignal;
    },
  ): Promise<PluginOutcome>;
}

/** One row of the ITSM outbox (OutboxEvent of core/src/itsm). */
export interface RequestEvent {
  id: number;
  type: 'request.created' | 'request.updated' | (string & {});
  requestId: number;
  /** For request.updated: the fields that changed, from what to what (custom fields as "customFields.<key>"). */
  changes?: FieldChange[];
  createdAt?: string;
}

/** Service-desk requests and their outbox of events (ItsmService fits as is). */
export interface RequestSource {
  /** The request (ItsmRequest of the SDK contract, plus timestamps): the trigger node's data. */
  getRequest(internalId: number): MaybePromise<object>;
  pendingEvents(limit: number): MaybePromise<RequestEvent[]>;
  /** Takes an event for this engine; a falsy answer means another worker has it (or it is done). */
  claimEvent(id: number): MaybePromise<unknown>;
  markEventProcessed(id: number): MaybePromise<unknown>;
  /** Gives a claim back when the engine stops before processing it. */
  releaseEvent?(id: number): MaybePromise<unknown>;
  /** Gives back every claim on unprocessed events; the engine calls it on start (one engine per store). */
  releaseClaims?(): MaybePromise<unknown>;
}

/** The request's Audit Trail (ItsmService fits as is): a plugin execution, shaped as the ITSM store keeps it. */
export interface AuditSink {
  recordAudit(
    requestId: number,
    entry: { kind: 'plugin.execution'; actor: string; data: PluginExecutionAudit },
    options?: { secrets?: readonly string[] },
  ): MaybePromise<unknown>;
}

/** Credential secret values, so they can be scrubbed from anything the engine stores (CredentialStore). */
export interface SecretValues {
  secretValues(): MaybePromise<Iterable<string>>;
}
