// The composition root: opens the data folder and wires the real pieces together — SQLite store, plugin
// registry, credentials, service-desk records, capabilities, sandbox, workflows. The CLI and end-to-end tests
// use it; nothing else constructs these services.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { PluginStore } from '@actionhost/registry';
import { makeDataFolder } from '@actionhost/sdk/cli';
import type { HostConfig } from '../config/index.ts';
import { CoreErrors } from '../errors/index.ts';
import { Store } from '../store/index.ts';
import { CredentialStore, loadMasterKey } from '../credentials/index.ts';
import { ItsmService } from '../itsm/index.ts';
import { ApplicationService } from '../applications/index.ts';
import { ConnectorService } from '../connectors/index.ts';
import { createHttpCapability, createItsmCapability, createLdapCapability } from '../capabilities/index.ts';
import { Sandbox } from '../sandbox/index.ts';
import { WorkflowEngine, WorkflowRepository, WorkflowService, type PluginRunner } from '../workflow/index.ts';
import { SandboxPluginRunner } from './sandbox-runner.ts';
import { registryCatalog } from './plugin-ports.ts';

export interface Runtime {
  config: HostConfig;
  store: Store;
  plugins: PluginStore;
  credentials: CredentialStore;
  itsm: ItsmService;
  applications: ApplicationService;
  connectors: ConnectorService;
  sandbox: Sandbox;
  runner: PluginRunner;
  workflows: WorkflowService;
  engine: WorkflowEngine;
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
  makeDataFolder(config.dataDir);
  assertWritable(config.dataDir);
  const store = Store.open(join(config.dataDir, 'actionhost.db'));
  const opened: Array<() => unknown> = [() => store.close()];
  try {
    const plugins = PluginStore.open(config.dataDir, { signatures: config.pluginSignatures });
    opened.push(() => plugins.close());
    const masterKey = await loadMasterKey({ env: config.masterKey, dataDir: config.dataDir });
    const credentials = new CredentialStore({ store, masterKey });
    const itsm = new ItsmService({ store });
    // Directories the host cannot reach are reached through Integration Connectors: the hub relays to them.
    const connectors = new ConnectorService({ store });
    opened.push(() => connectors.close());
    const applications = new ApplicationService({ store, credentials, relay: connectors.hub, connectors });
    const sandbox = new Sandbox({
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
    opened.push(() => sandbox.close());
    const runner = new SandboxPluginRunner({ sandbox, plugins });
    const catalog = registryCatalog(plugins);
    const workflows = new WorkflowService({
      store,
      catalog,
      runner,
      appIntegrations: applications,
      secrets: credentials,
      sealer: credentials,
      templateFieldNames: () => itsm.templateFieldNames(),
    });
    // The engine is the only one on this store: on start it takes back the claims a killed process held on
    // outbox events (ItsmService.releaseClaims), which would otherwise wait out their lease.
    const engine = new WorkflowEngine({
      repository: new WorkflowRepository(store),
      requests: itsm,
      runner,
      audit: itsm,
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
      connectors,
      sandbox,
      runner,
      workflows,
      engine,
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
