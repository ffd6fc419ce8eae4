// What the workflow concern needs from its neighbours, declared here as small interfaces (ports) so the engine
// can be tested with fakes and the host wires the real registry, sandbox, ITSM store and credential store.
import type { Json, LogLevel, PluginManifest } from '@actionhost/sdk';
import type { InvocationBindings } from '../capabilities/index.ts';

type MaybePromise<T> = T | Promise<T>;

export interface ResolvedPlugin {
  name: string;
  version: string;
  /** sha512 SRI of the installed tarball: pinned with the version. */
  integrity: string;
  manifest: PluginManifest;
}

/** The installed plugins (registry PluginStore). */
export interface PluginCatalog {
  /** Highest installed version satisfying `range`; null/undefined or an ActionhostError when none. */
  resolve(name: string, range: string): MaybePromise<ResolvedPlugin | null | undefined>;
  /** Records that `owner` (here `workflow:<id>`) depends on name@version, so `registry remove` refuses it. */
  pin(name: string, version: string, owner: string): MaybePromise<void>;
  /** Drops every pin held by `owner`. */
  unpin(owner: string): MaybePromise<void>;
}

export interface PluginRef {
  name: string;
  version: string;
  integrity: string;
}

export interface PluginOutcome {
  invocationId?: string;
  path: string;
  output: Json;
  logs?: { level: LogLevel; message: string; data?: Json; at: string }[];
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

export interface FieldChange {
  field: string;
  from: Json;
  to: Json;
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

/** What a plugin execution leaves on the request's Audit Trail (PluginExecutionAudit of core/src/itsm). */
export interface PluginExecutionAudit {
  workflow: { id: string; name?: string; version?: number } | null;
  node: { id: string; title?: string } | null;
  executionId: string | null;
  /** name@version */
  plugin: string;
  integrity: string | null;
  inputs: Json;
  path: string | null;
  outputSummary: string | null;
  durationMs: number | null;
  errorCode: string | null;
  errorMessage: string | null;
}

/** The request's Audit Trail (ItsmService fits as is). */
export interface AuditSink {
  recordAudit(
    requestId: number,
    entry: { kind: 'plugin.execution'; actor: string; data: PluginExecutionAudit },
    options?: { secrets?: readonly string[] },
  ): MaybePromise<unknown>;
}

/** An App Integration by name → the application it runs against, the plugin, and its default mappings. */
export interface ResolvedAppIntegration {
  applicationId: string;
  plugin: { name: string; range: string };
  mappings: Record<string, Json>;
}
export interface AppIntegrationResolver {
  resolveAppIntegration(name: string): MaybePromise<ResolvedAppIntegration | null | undefined>;
}

/** Credential secret values, so they can be scrubbed from anything the engine stores (CredentialStore). */
export interface SecretValues {
  secretValues(): MaybePromise<Iterable<string>>;
}
