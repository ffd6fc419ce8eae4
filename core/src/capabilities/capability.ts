// The generic shape of a capability: trusted host code a sandboxed plugin reaches only through JSON calls.
// The sandbox routes `ctx.<name>.<method>(...args)` from the guest to `call(method, args, scope)` here.
import type { CapabilityName, Json, LogLevel, PluginManifest } from '@actionhost/sdk';

/** Host-side facts about the invocation a call belongs to. Never visible to the guest. */
export interface InvocationScope {
  invocationId: string;
  idempotencyKey: string;
  plugin: { name: string; version: string; manifest: PluginManifest };
  /** Aborted when the invocation times out or is cancelled: every capability passes it on. */
  signal: AbortSignal;
  /** Epoch ms after which the invocation is over. */
  deadline: number;
  log: (level: LogLevel, message: string, data?: Json) => void;
  /** Chosen by the caller (workflow engine, CLI, test): e.g. the Application an ldap call binds with. */
  bindings: InvocationBindings;
}

export interface InvocationBindings {
  /** App Integration / Application the node runs with (ldap). */
  applicationId?: string;
  /** The request the workflow runs for (itsm audit). */
  requestId?: number;
  executionId?: string;
  [key: string]: unknown;
}

export interface Capability {
  readonly name: CapabilityName;
  /** Whether the manifest declares this capability (an undeclared capability is absent from ctx). */
  declaredBy(manifest: PluginManifest): boolean;
  /** Runs one call. Arguments are copied JSON from the guest: validate them. Throw ActionhostError to fail it. */
  call(method: string, args: Json[], scope: InvocationScope): Promise<Json | undefined>;
  close?(): Promise<void>;
}
