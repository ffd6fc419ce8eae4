// The workflow engine's store ports for a host: on the data folder's SQLite file (one host per file), or on a
// PostgreSQL database several hosts share — executions claimed with SKIP LOCKED under this host's leases (renewed
// by a heartbeat, taken over from a host that died), the outbox claimed per host, wake-ups by LISTEN/NOTIFY.
import type { HostConfig } from '../config/index.ts';
import type { ItsmService } from '../itsm/index.ts';
import type { PostgresStore, Store } from '../store/index.ts';
import {
  PostgresExecutionQueue,
  PostgresExecutionRepository,
  SqliteExecutionQueue,
  SqliteExecutionRepository,
  type ExecutionQueue,
  type ExecutionRepository,
  type RequestSource,
} from '../workflow/index.ts';

export interface EngineStore {
  /** sqlite, or postgres when several hosts may share the work. */
  kind: 'sqlite' | 'postgres';
  /** This host's id: on the steps it runs (and, on PostgreSQL, on what it claims). */
  hostId: string;
  queue: ExecutionQueue;
  executions: ExecutionRepository;
  requests: RequestSource;
  /** How often the engine looks at the queue without being woken: on PostgreSQL only a backstop to NOTIFY. */
  pollIntervalMs: number;
  /** Calls `wake` whenever any host adds work (PostgreSQL); returns what stops it. Nothing to do on SQLite. */
  listen(wake: () => void): () => Promise<void>;
  /** Stops the heartbeat (after the engine stopped: a stopping host keeps its leases while it checkpoints). */
  close(): Promise<void>;
}

export interface EngineStoreOptions {
  hostId: string;
  /** Told when a step's Audit Trail entry could not be written (the step's result is kept). */
  onAuditError?: (error: unknown) => void;
  /** A heartbeat or a listener connection that failed (the database is unreachable): for logs. */
  onError?: (error: unknown) => void;
}

/** The embedded store: the engine is the only one on the file, its ITSM service is the outbox and Audit Trail. */
export function sqliteEngineStore(store: Store, itsm: ItsmService, options: EngineStoreOptions): EngineStore {
  return {
    kind: 'sqlite',
    hostId: options.hostId,
    queue: new SqliteExecutionQueue(store),
    executions: new SqliteExecutionRepository(store, {
      // Written synchronously inside the step's own transaction (the group commit).
      audit: itsm.stepAudit,
      hostId: options.hostId,
      ...(options.onAuditError ? { onAuditError: options.onAuditError } : {}),
    }),
    requests: itsm,
    pollIntervalMs: 500,
    listen: () => async () => undefined,
    close: async () => undefined,
  };
}

/** The shared database: migrates the execution tables (under the store's advisory lock) on the way. */
export async function postgresEngineStore(
  store: PostgresStore,
  itsm: ItsmService,
  config: Pick<HostConfig, 'leaseMs' | 'heartbeatMs'>,
  options: EngineStoreOptions,
): Promise<EngineStore> {
  const onError = options.onError ?? (() => undefined);
  const queue = await PostgresExecutionQueue.open(store, {
    hostId: options.hostId,
    leaseMs: config.leaseMs,
    heartbeatMs: config.heartbeatMs,
    onError,
  });
  return {
    kind: 'postgres',
    hostId: options.hostId,
    queue,
    executions: new PostgresExecutionRepository(queue.leases, {
      audit: itsm,
      ...(options.onAuditError ? { onAuditError: options.onAuditError } : {}),
    }),
    // Its outbox claims name this host and lapse after a lease, and it gives back only this host's claims.
    requests: itsm,
    // NOTIFY wakes every host when work is added; the poll only covers a notification lost while reconnecting.
    pollIntervalMs: Math.max(1_000, config.heartbeatMs),
    listen: (wake) => queue.listen(wake, onError),
    close: () => queue.close(),
  };
}
