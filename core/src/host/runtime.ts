// The composition root: opens the data folder and wires the real pieces together — SQLite store, plugin
// registry, credentials, service-desk records, capabilities, sandbox, workflows. The CLI and end-to-end tests
// use it; nothing else constructs these services.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PluginStore } from '@actionhost/registry';
import type { HostConfig } from '../config/index.ts';
import { CoreErrors } from '../errors/index.ts';
import { Store } from '../store/index.ts';
import { CredentialStore, loadMasterKey } from '../credentials/index.ts';
import { ItsmService } from '../itsm/index.ts';
import { ApplicationService } from '../applications/index.ts';
import { createHttpCapability, createItsmCapability, createLdapCapability } from '../capabilities/index.ts';
import { Sandbox } from '../sandbox/index.ts';
import {
  SqliteExecutionQueue,
  SqliteExecutionRepository,
  WorkflowEngine,
  WorkflowService,
  type PluginRunner,
} from '../workflow/index.ts';
import { HostObservers } from './observers.ts';
import { SandboxPluginRunner } from './sandbox-runner.ts';

export interface Runtime {
  config: HostConfig;
  store: Store;
  plugins: PluginStore;
  credentials: CredentialStore;
  itsm: ItsmService;
  applications: ApplicationService;
  sandbox: Sandbox;
  runner: PluginRunner;
  workflows: WorkflowService;
  engine: WorkflowEngine;
  /** Where metrics and logs hook in: observers of the engine and the sandbox, added and removed at any time. */
  observers: HostObservers;
  close(): Promise<void>;
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
  mkdirSync(config.dataDir, { recursive: true });
  assertWritable(config.dataDir);
  const store = Store.open(join(config.dataDir, 'actionhost.db'));
  const opened: Array<() => unknown> = [() => store.close()];
  try {
    const plugins = PluginStore.open(config.dataDir);
    opened.push(() => plugins.close());
    const masterKey = await loadMasterKey({ env: config.masterKey, dataDir: config.dataDir });
    const credentials = new CredentialStore({ store, masterKey });
    const itsm = new ItsmService({ store });
    const applications = new ApplicationService({ store, credentials });
    const observers = new HostObservers();
    const sandbox = new Sandbox({
      observer: observers.sandbox,
      context: config.sandboxContext,
      workers: options.workers ?? config.workers,
      capabilities: [
        createHttpCapability({ egress: { allowPrivate: config.allowPrivate }, credentials }),
        createItsmCapability({ itsm }),
        createLdapCapability({ applications }),
      ],
    });
    opened.push(() => sandbox.close());
    const runner = new SandboxPluginRunner({ sandbox, plugins });
    const catalog = {
      resolve: (name: string, range: string) => plugins.resolve(name, range),
      pin: (name: string, version: string, owner: string) => plugins.pin(name, version, owner),
      unpin: (owner: string) => plugins.unpin(owner),
    };
    const executions = new SqliteExecutionRepository(store, {
      audit: itsm,
      ...(options.onEngineError ? { onAuditError: (error: unknown) => options.onEngineError!(error, {}) } : {}),
    });
    const workflows = new WorkflowService({
      store,
      executions,
      catalog,
      runner,
      appIntegrations: applications,
      secrets: credentials,
      sealer: credentials,
    });
    // The engine is the only one on this store: on start it takes back the claims a killed process held on
    // outbox events (ItsmService.releaseClaims), which would otherwise wait out their lease.
    const engine = new WorkflowEngine({
      queue: new SqliteExecutionQueue(store),
      executions,
      requests: itsm,
      runner,
      observer: observers.engine,
      secrets: credentials,
      sealer: credentials,
      maxConcurrentExecutions: options.maxConcurrentExecutions ?? config.maxExecutions,
      maxConcurrentPerPlugin: options.maxConcurrentPerPlugin ?? config.maxPerPlugin,
      // On SIGTERM: how long running executions may finish before their steps are checkpointed.
      stopTimeoutMs: config.stopTimeoutMs,
      ...(options.onEngineError ? { onError: options.onEngineError } : {}),
    });
    return {
      config,
      store,
      plugins,
      credentials,
      itsm,
      applications,
      sandbox,
      runner,
      workflows,
      engine,
      observers,
      async close() {
        await engine.stop();
        for (const close of opened.reverse()) await close();
      },
    };
  } catch (error) {
    for (const close of opened.reverse()) await close();
    throw error;
  }
}

/**
 * Refuses to start on a data folder the host cannot write (a read-only mount, a folder of another user): SQLite
 * would otherwise open it and fail later, on the first event, far from the cause. access(2) reports a read-only
 * file system even to root.
 */
function assertWritable(dataDir: string): void {
  try {
    accessSync(dataDir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EACCES';
    throw CoreErrors.AH_DATA_DIR_READ_ONLY({ dataDir, errno: code }, { dataDir, errno: code });
  }
}
