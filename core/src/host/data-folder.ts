// A data folder's records, wired without the engine: the store, the plugin store, credentials (opened with the
// master key), service-desk records, applications, workflows and the admin action log. The running host adds
// the sandbox and the engine on top (runtime.ts); commands that change records directly use it as it is.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { PluginStore } from '@actionhost/registry';
import { makeDataFolder, packageVersion } from '@actionhost/sdk/cli';
import type { HostConfig } from '../config/index.ts';
import { CoreErrors } from '../errors/index.ts';
import { PostgresStore, SqliteDatabase, Store, type Database } from '../store/index.ts';
import { CredentialStore, loadMasterKey } from '../credentials/index.ts';
import { ItsmService } from '../itsm/index.ts';
import { ApplicationService } from '../applications/index.ts';
import { ConnectorService } from '../connectors/index.ts';
import { WorkflowService, newHostId, type PluginRunner } from '../workflow/index.ts';
import { AdminLog } from '../admin-log/index.ts';
import { ApiTokens } from '../api/index.ts';
import { RetentionPruner, RetentionRepository, type RetentionPolicy } from '../retention/index.ts';
import { registryCatalog } from './plugin-ports.ts';
import { postgresEngineStore, sqliteEngineStore, type EngineStore } from './engine-store.ts';

/** @actionhost/core's version: written into workflow exports and backups. */
export const HOST_VERSION = packageVersion(new URL('../../package.json', import.meta.url));

export interface DataFolder {
  config: HostConfig;
  /** This host's id: recorded on the steps it runs, and on PostgreSQL on the executions and events it claims. */
  hostId: string;
  store: Store;
  /** The database the services run on: PostgreSQL with databaseUrl, else the SQLite store above. */
  db: Database;
  /** The workflow engine's queue, execution repository and outbox on that database. */
  engineStore: EngineStore;
  plugins: PluginStore;
  credentials: CredentialStore;
  itsm: ItsmService;
  applications: ApplicationService;
  /** Integration Connectors: directories the host cannot reach are reached through them (their hub relays). */
  connectors: ConnectorService;
  workflows: WorkflowService;
  /** Who changed what: every change by a token over the API, and by a person at the command line. */
  adminLog: AdminLog;
  /** The API tokens (hashes and roles). */
  tokens: ApiTokens;
  /** Deletes what the retention settings no longer keep; the running host starts it in the background. */
  retention: RetentionPruner;
  close(): Promise<void>;
}

/** The records a plugin runner may need (the sandbox's capabilities reach them). */
export type DataFolderRecords = Pick<DataFolder, 'plugins' | 'credentials' | 'itsm' | 'applications' | 'connectors'>;

export interface DataFolderOptions {
  /** Makes the runner Test Connection uses (the host's sandbox), with what closes it; without it, none runs. */
  runner?: (records: DataFolderRecords) => { runner: PluginRunner; close: () => unknown };
  /** Told when a step's Audit Trail entry could not be written (the step's result is kept). */
  onAuditError?: (error: unknown) => void;
  /** Told when a PostgreSQL connection, heartbeat or listener failed (the database is unreachable). */
  onStoreError?: (error: unknown) => void;
  /** This host's id (default: a new one). */
  hostId?: string;
}

/** Without a sandbox, Test Connection is refused rather than run somewhere it should not be. */
const NO_RUNNER: PluginRunner = {
  run: () => Promise.reject(CoreErrors.AH_ENGINE_UNAVAILABLE()),
};

export async function openDataFolder(config: HostConfig, options: DataFolderOptions = {}): Promise<DataFolder> {
  makeDataFolder(config.dataDir);
  assertWritable(config.dataDir);
  const store = Store.open(join(config.dataDir, 'actionhost.db'));
  const hostId = options.hostId ?? newHostId();
  const opened: Array<() => unknown> = [() => store.close()];
  const close = async () => {
    for (const closer of opened.reverse()) await closer();
  };
  try {
    // On PostgreSQL the hosts share the database; else the services' view of the SQLite store, whose transactions
    // join its group commit.
    let db: Database;
    if (config.databaseUrl) {
      const shared = await PostgresStore.open(config.databaseUrl, {
        ...(options.onStoreError ? { onError: options.onStoreError } : {}),
      });
      opened.push(() => shared.close());
      db = shared;
    } else db = new SqliteDatabase(store);
    // With a database URL the plugin index and package bytes are the database's too, shared by every host.
    const plugins = await PluginStore.open(config.dataDir, {
      signatures: config.pluginSignatures,
      database: config.databaseUrl,
    });
    opened.push(() => plugins.close());
    const masterKey = await loadMasterKey({
      env: config.masterKey,
      dataDir: config.dataDir,
      ...(db.dialect === 'postgres' ? { sharedStore: db.location } : {}),
    });
    const credentials = await CredentialStore.open({ db, masterKey });
    // On PostgreSQL the outbox's claims name this host and lapse after a lease (a dead host's events go to others).
    const itsm = await ItsmService.open({
      db,
      hostId,
      ...(db instanceof PostgresStore ? { eventLeaseMs: config.leaseMs } : {}),
    });
    const adminLog = await AdminLog.open({ db });
    const tokens = await ApiTokens.open(db);
    // Directories the host cannot reach are reached through Integration Connectors: the hub relays to them.
    const connectors = await ConnectorService.open({ db, sealer: credentials });
    opened.push(() => connectors.close());
    const applications = await ApplicationService.open({ db, credentials, relay: connectors.hub, connectors });
    let runner = NO_RUNNER;
    if (options.runner) {
      const made = options.runner({ plugins, credentials, itsm, applications, connectors });
      opened.push(made.close);
      runner = made.runner;
    }
    const engineOptions = {
      hostId,
      ...(options.onAuditError ? { onAuditError: options.onAuditError } : {}),
      ...(options.onStoreError ? { onError: options.onStoreError } : {}),
    };
    const engineStore =
      db instanceof PostgresStore
        ? await postgresEngineStore(db, itsm, config, engineOptions)
        : sqliteEngineStore(store, itsm, engineOptions);
    opened.push(() => engineStore.close());
    const executions = engineStore.executions;
    const workflows = await WorkflowService.open({
      db,
      executions,
      catalog: registryCatalog(plugins),
      runner,
      appIntegrations: applications,
      secrets: credentials,
      sealer: credentials,
      credentials,
      approvals: {
        unapproved: async (name, version) => {
          const review = await plugins.review(name, version);
          return review.approved ? [] : review.difference.widened;
        },
      },
      hostVersion: HOST_VERSION,
      templateFieldNames: () => itsm.templateFieldNames(),
    });
    // After the workflow and itsm tables exist: retention indexes them.
    const retention = new RetentionPruner({
      repository: await RetentionRepository.open(db),
      policy: retentionPolicyOf(config),
      batchSize: config.pruneBatch,
      intervalMs: config.pruneIntervalMs,
    });
    opened.push(() => retention.stop());
    return {
      config,
      hostId,
      store,
      db,
      engineStore,
      plugins,
      credentials,
      itsm,
      applications,
      connectors,
      workflows,
      adminLog,
      tokens,
      retention,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export function retentionPolicyOf(config: HostConfig): RetentionPolicy {
  return {
    succeededDays: config.retainSucceededDays,
    failedDays: config.retainFailedDays,
    maxExecutions: config.retainExecutions,
    auditDays: config.retainAuditDays,
    maxAuditEntries: config.retainAuditEntries,
  };
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
