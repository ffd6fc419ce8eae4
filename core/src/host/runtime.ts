// The composition root: opens the data folder (data-folder.ts: store, plugin registry, credentials, service-desk
// records, workflows, admin log) and adds what runs — capabilities, the sandbox, the workflow engine. The CLI and
// end-to-end tests use it; nothing else constructs these services.
import type { HostConfig } from '../config/index.ts';
import { createHttpCapability, createItsmCapability, createLdapCapability } from '../capabilities/index.ts';
import { Sandbox } from '../sandbox/index.ts';
import { WorkflowEngine, WorkflowRepository, type PluginRunner } from '../workflow/index.ts';
import { SandboxPluginRunner } from './sandbox-runner.ts';
import { openDataFolder, type DataFolder } from './data-folder.ts';

export interface Runtime extends DataFolder {
  sandbox: Sandbox;
  runner: PluginRunner;
  engine: WorkflowEngine;
}

export interface RuntimeOptions {
  /** Overrides config.workers (e.g. 1 for a one-off `actionhost invoke`). */
  workers?: number;
  onEngineError?: (error: unknown, context: { eventId?: number; executionId?: string }) => void;
  /** Overrides config.maxExecutions: executions running at once; more wait queued in SQLite. */
  maxConcurrentExecutions?: number;
  /** Overrides config.maxPerPlugin: invocations of one plugin at once. */
  maxConcurrentPerPlugin?: number;
}

export async function openRuntime(config: HostConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  let sandbox: Sandbox | undefined;
  let runner: PluginRunner | undefined;
  const folder = await openDataFolder(config, {
    runner: ({ plugins, credentials, itsm, applications, connectors }) => {
      sandbox = new Sandbox({
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
  // The engine is the only one on this store: on start it takes back the claims a killed process held on
  // outbox events (ItsmService.releaseClaims), which would otherwise wait out their lease.
  let engine: WorkflowEngine;
  try {
    engine = new WorkflowEngine({
      repository: new WorkflowRepository(folder.store),
      requests: folder.itsm,
      runner: runner!,
      audit: folder.itsm,
      secrets: folder.credentials,
      sealer: folder.credentials,
      maxConcurrentExecutions: options.maxConcurrentExecutions ?? config.maxExecutions,
      maxConcurrentPerPlugin: options.maxConcurrentPerPlugin ?? config.maxPerPlugin,
      // On SIGTERM: how long running executions may finish before their steps are checkpointed.
      stopTimeoutMs: config.stopTimeoutMs,
      ...(options.onEngineError ? { onError: options.onEngineError } : {}),
    });
  } catch (error) {
    await folder.close();
    throw error;
  }
  return {
    ...folder,
    sandbox: sandbox!,
    runner: runner!,
    engine,
    async close() {
      await engine.stop();
      await folder.close();
    },
  };
}
