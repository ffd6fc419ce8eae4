// The workflow concern's tables on PostgreSQL (module "workflow"): the shapes SQLite reaches after the "workflow"
// and "workflow-execution" migrations, in one list, plus what several hosts need (who holds a running execution
// and until when, which host ran a step). Append new ones; never edit an applied one.
export const WORKFLOW_POSTGRES_MIGRATIONS: readonly string[] = [
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
