// The workflow concern's tables (module "workflow") on each backend: definitions, published versions, executions and
// their steps. Append new migrations; never edit an applied one.
import type { Migrations, Store } from '../../store/index.ts';

/**
 * The tables of the whole workflow concern, executions included: data folders have applied these as one module
 * ("workflow") since the first release, so they stay one list. The execution half's WorkflowRepository extends
 * this class and adds no migrations of its own.
 */
const SQLITE: readonly string[] = [
  `CREATE TABLE workflows (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, definition TEXT NOT NULL, revision INTEGER NOT NULL,
     published_version INTEGER, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE TABLE workflow_versions (
     workflow_id TEXT NOT NULL REFERENCES workflows(id), version INTEGER NOT NULL, definition TEXT NOT NULL,
     actions TEXT NOT NULL, trigger_event TEXT NOT NULL, published_at TEXT NOT NULL, PRIMARY KEY (workflow_id, version));
   CREATE TABLE workflow_executions (
     id TEXT PRIMARY KEY, workflow_id TEXT NOT NULL, workflow_version INTEGER NOT NULL, request_id INTEGER,
     event_id TEXT, trigger TEXT NOT NULL, retry_of TEXT, status TEXT NOT NULL, error TEXT, created_at TEXT NOT NULL,
     started_at TEXT, finished_at TEXT, UNIQUE (workflow_id, event_id));
   CREATE INDEX workflow_executions_request ON workflow_executions(request_id);
   CREATE TABLE workflow_steps (
     execution_id TEXT NOT NULL REFERENCES workflow_executions(id), seq INTEGER NOT NULL, node_id TEXT NOT NULL,
     kind TEXT NOT NULL, title TEXT, plugin TEXT, integrity TEXT, inputs TEXT, path TEXT, output TEXT, error TEXT, logs TEXT,
     status TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, duration_ms INTEGER,
     PRIMARY KEY (execution_id, seq));`,
  // Durable executions (issue 5): a queue in SQLite (queued + next_attempt_at), the request as the trigger saw
  // it (so a resumed run reads the same data), and logical attempts per step.
  `ALTER TABLE workflow_executions ADD COLUMN next_attempt_at TEXT;
   ALTER TABLE workflow_executions ADD COLUMN request_snapshot TEXT;
   ALTER TABLE workflow_steps ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE workflow_steps ADD COLUMN retry_at TEXT;
   CREATE INDEX workflow_executions_queue ON workflow_executions(status, next_attempt_at);`,
  // Switching workflows off (issue 10): a published workflow can be deactivated (it triggers nothing) and an
  // inactive one deleted (soft: its versions stay for the executions that ran them); versions record who published.
  `ALTER TABLE workflows ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE workflows ADD COLUMN deleted_at TEXT;
   ALTER TABLE workflow_versions ADD COLUMN published_by TEXT;`,
];

/**
 * On PostgreSQL the shapes SQLite reaches after the "workflow" and "workflow-execution" migrations, in one list, plus
 * what several hosts need (who holds a running execution and until when, which host ran a step).
 */
const POSTGRES: readonly string[] = [
  `CREATE TABLE workflows (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, definition JSON NOT NULL, revision INTEGER NOT NULL,
     published_version INTEGER, created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL,
     active INTEGER NOT NULL DEFAULT 1, deleted_at TIMESTAMPTZ);
   CREATE TABLE workflow_versions (
     workflow_id TEXT NOT NULL REFERENCES workflows(id), version INTEGER NOT NULL, definition JSON NOT NULL,
     actions JSON NOT NULL, trigger_event TEXT NOT NULL, published_at TIMESTAMPTZ NOT NULL, published_by TEXT,
     PRIMARY KEY (workflow_id, version));
   CREATE TABLE workflow_executions (
     id TEXT PRIMARY KEY, workflow_id TEXT NOT NULL, workflow_version INTEGER NOT NULL, request_id BIGINT,
     event_id TEXT, trigger JSON NOT NULL, retry_of TEXT, status TEXT NOT NULL, error JSON,
     created_at TIMESTAMPTZ NOT NULL, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ, next_attempt_at TIMESTAMPTZ,
     request_snapshot JSON, due_at TIMESTAMPTZ, outcome TEXT, failed_steps JSON,
     -- SQLite's rowid: the order of insertion, which breaks ties of due_at in the queue.
     queue_seq BIGINT GENERATED ALWAYS AS IDENTITY,
     -- The host running it and until when its claim holds; another host takes it over once that time passed.
     held_by TEXT, lease_expires_at TIMESTAMPTZ,
     UNIQUE (workflow_id, event_id));
   CREATE INDEX workflow_executions_request ON workflow_executions(request_id);
   CREATE INDEX workflow_executions_due ON workflow_executions(due_at, queue_seq) WHERE status = 'queued';
   CREATE INDEX workflow_executions_created ON workflow_executions(created_at, id);
   CREATE INDEX workflow_executions_outcome ON workflow_executions(outcome, created_at, id);
   CREATE INDEX workflow_executions_leases ON workflow_executions(lease_expires_at) WHERE status = 'running';
   CREATE TABLE workflow_steps (
     execution_id TEXT NOT NULL REFERENCES workflow_executions(id), seq INTEGER NOT NULL, node_id TEXT NOT NULL,
     kind TEXT NOT NULL, title TEXT, plugin TEXT, integrity TEXT, inputs JSON, path TEXT, output JSON, error JSON,
     logs JSON, status TEXT NOT NULL, started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ, duration_ms INTEGER,
     attempt INTEGER NOT NULL DEFAULT 1, retry_at TIMESTAMPTZ,
     -- The host that ran the attempt (the one that held the execution then).
     host_id TEXT,
     PRIMARY KEY (execution_id, seq));`,
];

export const WORKFLOW_MIGRATIONS: Migrations = { sqlite: SQLITE, postgres: POSTGRES };

/** For the engine's synchronous SQLite ports, which open before (or without) a DefinitionRepository. */
export function migrateWorkflowTables(store: Store): void {
  store.migrate('workflow', SQLITE);
}
