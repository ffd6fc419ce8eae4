// SQLite persistence of workflow definitions: drafts and their published (pinned) versions. The engine reads the
// published versions back through the execution half's WorkflowRepository, which adds executions and steps.
import { randomUUID } from 'node:crypto';
import { parseJsonColumn, type Row, type Store } from '../../store/index.ts';
import type { WorkflowDefinition } from './schema.ts';
import type { PinnedAction, PublishedWorkflow, WorkflowRecord } from './stored-workflow.ts';

/**
 * The tables of the whole workflow concern, executions included: data folders have applied these as one module
 * ("workflow") since the first release, so they stay one list. The execution half's WorkflowRepository extends
 * this class and adds no migrations of its own.
 */
const MIGRATIONS: readonly string[] = [
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

/** Each workflow's current published version (the one that runs while the workflow is active). */
const CURRENT_VERSIONS =
  'SELECT v.* FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id AND w.published_version = v.version';
/** A deleted workflow is gone for editors; its versions stay, for the executions that ran them. */
const LIVE = 'deleted_at IS NULL';

export class DefinitionRepository {
  readonly store: Store;
  readonly now: () => Date;

  constructor(store: Store, now: () => Date = () => new Date()) {
    this.store = store;
    this.now = now;
    store.migrate('workflow', MIGRATIONS);
  }

  protected at(): string {
    return this.now().toISOString();
  }

  createWorkflow(definition: WorkflowDefinition, id = `wf_${randomUUID()}`): WorkflowRecord {
    const at = this.at();
    this.store.db
      .prepare(
        'INSERT INTO workflows (id, name, definition, revision, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)',
      )
      .run(id, definition.name, JSON.stringify(definition), at, at);
    return this.getWorkflow(id)!;
  }

  updateWorkflow(id: string, definition: WorkflowDefinition): WorkflowRecord | null {
    const result = this.store.db
      .prepare('UPDATE workflows SET name = ?, definition = ?, revision = revision + 1, updated_at = ? WHERE id = ?')
      .run(definition.name, JSON.stringify(definition), this.at(), id);
    return result.changes === 0 ? null : this.getWorkflow(id);
  }

  getWorkflow(id: string): WorkflowRecord | null {
    const row = this.store.db.prepare(`SELECT * FROM workflows WHERE id = ? AND ${LIVE}`).get(id);
    return row ? toWorkflow(row) : null;
  }

  /**
   * Deletes a workflow that was never published; answers 'published' (and deletes nothing) for one that was,
   * 'missing' when there is none.
   */
  deleteDraft(id: string): 'deleted' | 'published' | 'missing' {
    return this.store.transaction(() => {
      const row = this.store.db.prepare('SELECT published_version FROM workflows WHERE id = ?').get(id) as
        { published_version: number | null } | undefined;
      if (!row) return 'missing';
      const versions = this.store.db
        .prepare('SELECT COUNT(*) AS n FROM workflow_versions WHERE workflow_id = ?')
        .get(id) as { n: number };
      if (row.published_version !== null || versions.n > 0) return 'published';
      this.store.db.prepare('DELETE FROM workflows WHERE id = ?').run(id);
      return 'deleted';
    });
  }

  listWorkflows(): WorkflowRecord[] {
    return (this.store.db.prepare(`SELECT * FROM workflows WHERE ${LIVE} ORDER BY created_at, id`).all() as Row[]).map(
      toWorkflow,
    );
  }

  /** Stores a new published version and makes it the current one, and the workflow active; returns it. */
  publish(
    id: string,
    definition: WorkflowDefinition,
    actions: Record<string, PinnedAction>,
    publishedBy: string | null = null,
  ): PublishedWorkflow {
    return this.store.transaction(() => {
      const current = this.store.db
        .prepare('SELECT MAX(version) AS v FROM workflow_versions WHERE workflow_id = ?')
        .get(id) as { v: number | null };
      const version = (current.v ?? 0) + 1;
      const at = this.at();
      this.store.db
        .prepare(
          'INSERT INTO workflow_versions (workflow_id, version, definition, actions, trigger_event, published_at, published_by) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          id,
          version,
          JSON.stringify(definition),
          JSON.stringify(actions),
          definition.trigger.event,
          at,
          publishedBy,
        );
      this.store.db.prepare('UPDATE workflows SET published_version = ?, active = 1 WHERE id = ?').run(version, id);
      return { workflowId: id, version, definition, actions, publishedAt: at, publishedBy };
    });
  }

  /** The current published version (active or not), or the given one. */
  getPublished(id: string, version?: number): PublishedWorkflow | null {
    const row =
      version === undefined
        ? this.store.db.prepare(`${CURRENT_VERSIONS} WHERE w.id = ?`).get(id)
        : this.store.db
            .prepare('SELECT * FROM workflow_versions WHERE workflow_id = ? AND version = ?')
            .get(id, version);
    return row ? toPublished(row) : null;
  }

  /** Every published version of a workflow, newest first. */
  listPublished(id: string): PublishedWorkflow[] {
    return (
      this.store.db
        .prepare('SELECT * FROM workflow_versions WHERE workflow_id = ? ORDER BY version DESC')
        .all(id) as Row[]
    ).map(toPublished);
  }

  /** The current published version of every active workflow whose trigger listens to `event`. */
  listActive(event: string): PublishedWorkflow[] {
    return (
      this.store.db
        .prepare(
          `${CURRENT_VERSIONS} WHERE v.trigger_event = ? AND w.active = 1 AND w.${LIVE} ORDER BY w.created_at, w.id`,
        )
        .all(event) as Row[]
    ).map(toPublished);
  }

  /** Switches a workflow on or off; `version` (on) makes that published version the current one. */
  setActive(id: string, active: boolean, version?: number): void {
    this.store.db
      .prepare(
        `UPDATE workflows SET active = ?, published_version = COALESCE(?, published_version), updated_at = ? WHERE id = ? AND ${LIVE}`,
      )
      .run(active ? 1 : 0, version ?? null, this.at(), id);
  }

  /** Hides a workflow from editors and the engine for good; executions and versions stay. */
  markDeleted(id: string): void {
    this.store.db
      .prepare(`UPDATE workflows SET deleted_at = ?, active = 0 WHERE id = ? AND ${LIVE}`)
      .run(this.at(), id);
  }

  /** Executions of the workflow still queued or running (a deleted workflow must leave none behind). */
  unfinishedExecutions(id: string): number {
    const row = this.store.db
      .prepare(
        `SELECT COUNT(*) AS n FROM workflow_executions WHERE workflow_id = ? AND status IN ('queued', 'running')`,
      )
      .get(id) as { n: number };
    return Number(row.n);
  }
}

function toWorkflow(row: Row): WorkflowRecord {
  return {
    id: String(row.id),
    name: String(row.name),
    definition: parseJsonColumn(row.definition),
    revision: Number(row.revision),
    publishedVersion: row.published_version === null ? null : Number(row.published_version),
    active: row.published_version !== null && Number(row.active ?? 1) === 1,
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

function toPublished(row: Row): PublishedWorkflow {
  return {
    workflowId: String(row.workflow_id),
    version: Number(row.version),
    definition: parseJsonColumn(row.definition),
    actions: parseJsonColumn(row.actions),
    publishedAt: String(row.published_at),
    publishedBy: row.published_by === null || row.published_by === undefined ? null : String(row.published_by),
  };
}
