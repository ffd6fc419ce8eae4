// One host of the multi-host fault tests, in a process of its own: the real sandbox runner and first-party plugins
// of a data folder (a copy per host: the plugin bytes every host needs, until they live in the database), and a
// WorkflowEngine on the PostgreSQL ports with this process's host id. Prints "ready <hostId>" once it runs; SIGTERM
// stops it cleanly, SIGKILL is what the tests do to it.
//   env: PG_DB_URL, DATA_DIR, LEASE_MS, HEARTBEAT_MS
import {
  ItsmService,
  loadConfig,
  openRuntime,
  PostgresExecutionQueue,
  PostgresExecutionRepository,
  PostgresStore,
  WorkflowEngine,
} from '@actionhost/core';

const url = process.env.PG_DB_URL!;
const leaseMs = Number(process.env.LEASE_MS ?? 2000);
const heartbeatMs = Number(process.env.HEARTBEAT_MS ?? 300);
const errors = new Map<string, number>();
const noteError = (error: unknown) => {
  const code = (error as { code?: string }).code ?? (error instanceof Error ? error.message.slice(0, 60) : 'unknown');
  errors.set(code, (errors.get(code) ?? 0) + 1);
};

const config = loadConfig(
  { dataDir: process.env.DATA_DIR!, allowPrivate: '127.0.0.1', workers: '1', maxPerPlugin: '8' },
  {},
);
const runtime = await openRuntime(config, { workers: 1 });
const store = await PostgresStore.open(url, { max: 6, onError: noteError });
const queue = await PostgresExecutionQueue.open(store, { leaseMs, heartbeatMs, onError: noteError });
const requests = await ItsmService.open({ db: store, hostId: queue.hostId, eventLeaseMs: leaseMs });
const executions = new PostgresExecutionRepository(queue.leases, { audit: requests, onAuditError: noteError });
const engine = new WorkflowEngine({
  queue,
  executions,
  requests,
  runner: runtime.runner,
  secrets: runtime.credentials,
  sealer: runtime.credentials,
  maxConcurrentExecutions: 8,
  maxConcurrentPerPlugin: 8,
  // LISTEN/NOTIFY wakes the engine: the poll is only a backstop.
  pollIntervalMs: 2000,
  stopTimeoutMs: 2000,
  onError: noteError,
});
const stopListening = queue.listen(() => engine.wake(), noteError);
engine.start();
process.stdout.write(`ready ${queue.hostId}\n`);

// What went wrong, for the test's report (a host cut off from the database logs its refused writes here).
const report = setInterval(() => {
  if (errors.size > 0) process.stdout.write(`errors ${JSON.stringify(Object.fromEntries(errors))}\n`);
}, 2000);
report.unref();

process.once('SIGTERM', () => {
  void (async () => {
    await engine.stop();
    await stopListening();
    await queue.close();
    await store.close();
    await runtime.close();
    process.exit(0);
  })();
});
