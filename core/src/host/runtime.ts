// The composition root: opens the data folder (data-folder.ts: store, plugin registry, credentials, service-desk
// records, workflows and their execution repository, admin log) and adds what runs — capabilities, the sandbox, the
// workflow engine and the observers metrics and logs hook into. The CLI and end-to-end tests use it; nothing else
// constructs these services.
import type { HostConfig } from '../config/index.ts';
import { createHttpCapability, createItsmCapability, createLdapCapability } from '../capabilities/index.ts';
import { Sandbox } from '../sandbox/index.ts';
import { WorkflowEngine, type PluginRunner } from '../workflow/index.ts';
import { HostObservers } from './observers.ts';
import { SandboxPluginRunner } from './sandbox-runner.ts';
import { openDataFolder, type DataFolder } from './data-folder.ts';

export interface Runtime extends DataFolder {
  sandbox: Sandbox;
  runner: PluginRunner;
  engine: WorkflowEngine;
  /** Where metrics and logs hook in: observers of the engine and the sandbox, added and removed at any time. */
  observers: HostObservers;
}

export interface RuntimeOptions {
  /** Overrides config.workers (e.g. 1 for a one-off `actionhost invoke`). */
  workers?: number;
  onEngineError?: (error: unknown, context: { eventId?: number; executionId?: string }) => void;
  /** Overrides config.maxExecutions: executions running at once; more wait queued in SQLite. */
  maxConcurrentExecutions?: number;
  /** Overrides config.maxPerPlugin: invocations of one plugin at once. */
  maxConcurrentPerPlugin?: number;
  /** Told when a PostgreSQL connection, heartbeat or listener failed (the database is unreachable). */
  onStoreError?: (error: unknown) => void;
}

export async function openRuntime(config: HostConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  const observers = new HostObservers();
  let sandbox: Sandbox | undefined;
  let runner: PluginRunner | undefined;
  const folder = await openDataFolder(config, {
    ...(options.onEngineError ? { onAuditError: (error: unknown) => options.onEngineError!(error, {}) } : {}),
    ...(options.onStoreError ? { onStoreError: options.onStoreError } : {}),
    runner: ({ plugins, credentials, itsm, applications, connectors }) => {
      sandbox = new Sandbox({
        observer: observers.sandbox,
        context: config.sandboxContext,
        workers: options.workers ?? config.workers,
        capabilities: [
          createHttpCapability({
            egress: { allowPrivate: config.allowPrivate },
            approvedProxies: config.approvedProxies,
            dns: { servers: config.resolverServers },
            credentials,
          }),
          createItsmCapability({ itsm }),
          createLdapCapability({ applications, passwords: applications.initialPasswords, relay: connectors.hub }),
        ],
      });
      runner = new SandboxPluginRunner({ sandbox, plugins });
      return { runner, close: () => sandbox?.close() };
    },
  });
  // On SQLite the engine is the only one on this store: on start it takes back the claims a killed process held on
  // outbox events (ItsmService.releaseClaims), which would otherwise wait out their lease. On PostgreSQL the other
  // hosts' claims are live: a dead host's executions and events are taken over once their lease lapsed.
  const ports = folder.engineStore;
  let engine: WorkflowEngine;
  let stopListening: () => Promise<void> = async () => undefined;
  try {
    engine = new WorkflowEngine({
      queue: ports.queue,
      executions: ports.executions,
      requests: ports.requests,
      pollIntervalMs: ports.pollIntervalMs,
      runner: runner!,
      observer: observers.engine,
      secrets: folder.credentials,
      sealer: folder.credentials,
      maxConcurrentExecutions: options.maxConcurrentExecutions ?? config.maxExecutions,
      maxConcurrentPerPlugin: options.maxConcurrentPerPlugin ?? config.maxPerPlugin,
      // On SIGTERM: how long running executions may finish before their steps are checkpointed.
      stopTimeoutMs: config.stopTimeoutMs,
      ...(options.onEngineError ? { onError: options.onEngineError } : {}),
    });
    // LISTEN/NOTIFY: work any host adds wakes this engine (nothing on SQLite, where writes wake it in process).
    const engineOf = engine;
    stopListening = ports.listen(() => engineOf.wake());
  } catch (error) {
    await folder.close();
    throw error;
  }
  return {
    ...folder,
    sandbox: sandbox!,
    runner: runner!,
    engine,
    observers,
    async close() {
      await engine.stop();
      await stopListening();
      await folder.close();
    },
  };
}
