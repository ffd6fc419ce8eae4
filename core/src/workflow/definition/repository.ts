// Persistence of workflow definitions on either backend: drafts and their published (pinned) versions. The engine
// reads the published versions back through its own repositories (execution/), which add executions and steps.
import { randomUUID } from 'node:crypto';
import { parseJsonColumn, queryAll, queryOne, type Database, type PgRow, type Store } from '../../store/index.ts';
import { WORKFLOW_MIGRATIONS } from './migrations.ts';
import type { WorkflowDefinition } from './schema.ts';
import type { PinnedAction, PublishedWorkflow, WorkflowRecord } from './stored-workflow.ts';

/** Each workflow's current published version (the one that runs while the workflow is active). */
const CURRENT_VERSIONS =
  'SELECT v.* FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id AND w.published_version = v.version';
/** A deleted workflow is gone for editors; its versions stay, for the executions that ran them. */
const LIVE = 'deleted_at IS NULL';

export class DefinitionRepository {
  readonly db: Database;
  readonly now: () => Date;
  /** Ids compare byte by byte, as SQLite compares them (PostgreSQL's collation may not). */
  readonly #byteOrder: string;

  private constructor(db: Database, now: () => Date) {
    this.db = db;
    this.now = now;
    this.#byteOrder = db.dialect === 'postgres' ? ' COLLATE "C"' : '';
  }

  static async open(db: Database, now: () => Date = () => new Date()): Promise<DefinitionRepository> {
    await db.migrate('workflow', WORKFLOW_MIGRATIONS);
    return new DefinitionRepository(db, now);
  }

  protected at(): string {
    return this.now().toISOString();
  }

  async createWorkflow(definition: WorkflowDefinition, id = `wf_${randomUUID()}`): Promise<WorkflowRecord> {
    const at = this.at();
    const row = await queryOne(
      this.db,
      'INSERT INTO workflows (id, name, definition, revision, created_at, updated_at) VALUES ($1, $2, $3, 1, $4, $4) RETURNING *',
      [id, definition.name, JSON.stringify(definition), at],
    );
    return toWorkflow(row!);
  }

  async updateWorkflow(id: string, definition: WorkflowDefinition): Promise<WorkflowRecord | null> {
    const row = await queryOne(
      this.db,
      `UPDATE workflows SET name = $1, definition = $2, revision = revision + 1, updated_at = $3 WHERE id = $4
       RETURNING *`,
      [definition.name, JSON.stringify(definition), this.at(), id],
    );
    return row && row.deleted_at === null ? toWorkflow(row) : null;
  }

  async getWorkflow(id: string): Promise<WorkflowRecord | null> {
    const row = await queryOne(this.db, `SELECT * FROM workflows WHERE id = $1 AND ${LIVE}`, [id]);
    return row ? toWorkflow(row) : null;
  }

  /**
   * Deletes a workflow that was never published; answers 'published' (and deletes nothing) for one that was,
   * 'missing' when there is none.
   */
  async deleteDraft(id: string): Promise<'deleted' | 'published' | 'missing'> {
    return this.db.withTransaction(async (tx) => {
      const row = await queryOne(tx, 'SELECT published_version FROM workflows WHERE id = $1', [id]);
      if (!row) return 'missing';
      const versions = await queryOne(tx, 'SELECT COUNT(*) AS n FROM workflow_versions WHERE workflow_id = $1', [id]);
      if (row.published_version !== null || Number(versions!.n) > 0) return 'published';
      await tx.query('DELETE FROM workflows WHERE id = $1', [id]);
      return 'deleted';
    });
  }

  async listWorkflows(): Promise<WorkflowRecord[]> {
    const rows = await queryAll(
      this.db,
      `SELECT * FROM workflows WHERE ${LIVE} ORDER BY created_at, id${this.#byteOrder}`,
    );
    return rows.map(toWorkflow);
  }

  /** Stores a new published version and makes it the current one, and the workflow active; returns it. */
  async publish(
    id: string,
    definition: WorkflowDefinition,
    actions: Record<string, PinnedAction>,
    publishedBy: string | null = null,
  ): Promise<PublishedWorkflow> {
    const at = this.at();
    return this.db.withTransaction(async (tx) => {
      // On PostgreSQL two hosts publishing at once would read the same MAX: the workflow's row is locked first.
      if (this.db.dialect === 'postgres') await tx.query('SELECT 1 FROM workflows WHERE id = $1 FOR UPDATE', [id]);
      const current = await queryOne(tx, 'SELECT MAX(version) AS v FROM workflow_versions WHERE workflow_id = $1', [
        id,
      ]);
      const version = (current?.v === null || current?.v === undefined ? 0 : Number(current.v)) + 1;
      await tx.query(
        `INSERT INTO workflow_versions (workflow_id, version, definition, actions, trigger_event, published_at, published_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, version, JSON.stringify(definition), JSON.stringify(actions), definition.trigger.event, at, publishedBy],
      );
      await tx.query('UPDATE workflows SET published_version = $1, active = 1 WHERE id = $2', [version, id]);
      return { workflowId: id, version, definition, actions, publishedAt: at, publishedBy };
    });
  }

  /** The current published version (active or not), or the given one. */
  async getPublished(id: string, version?: number): Promise<PublishedWorkflow | null> {
    const row =
      version === undefined
        ? await queryOne(this.db, `${CURRENT_VERSIONS} WHERE w.id = $1`, [id])
        : await queryOne(this.db, 'SELECT * FROM workflow_versions WHERE workflow_id = $1 AND version = $2', [
            id,
            version,
          ]);
    return row ? toPublished(row) : null;
  }

  /** Every published version of a workflow, newest first. */
  async listPublished(id: string): Promise<PublishedWorkflow[]> {
    const rows = await queryAll(
      this.db,
      'SELECT * FROM workflow_versions WHERE workflow_id = $1 ORDER BY version DESC',
      [id],
    );
    return rows.map(toPublished);
  }

  /** The current published version of every active workflow whose trigger listens to `event`. */
  async listActive(event: string): Promise<PublishedWorkflow[]> {
    const rows = await queryAll(
      this.db,
      `${CURRENT_VERSIONS} WHERE v.trigger_event = $1 AND w.active = 1 AND w.${LIVE} ORDER BY w.created_at, w.id${this.#byteOrder}`,
      [event],
    );
    return rows.map(toPublished);
  }

  /** Switches a workflow on or off; `version` (on) makes that published version the current one. */
  async setActive(id: string, active: boolean, version?: number): Promise<void> {
    await this.db.query(
      `UPDATE workflows SET active = $1, published_version = COALESCE($2, published_version), updated_at = $3
       WHERE id = $4 AND ${LIVE}`,
      [active ? 1 : 0, version ?? null, this.at(), id],
    );
  }

  /** Hides a workflow from editors and the engine for good; executions and versions stay. */
  async markDeleted(id: string): Promise<void> {
    await this.db.query(`UPDATE workflows SET deleted_at = $1, active = 0 WHERE id = $2 AND ${LIVE}`, [this.at(), id]);
  }

  /** Executions of the workflow still queued or running (a deleted workflow must leave none behind). */
  async unfinishedExecutions(id: string): Promise<number> {
    const row = await queryOne(
      this.db,
      `SELECT COUNT(*) AS n FROM workflow_executions WHERE workflow_id = $1 AND status IN ('queued', 'running')`,
      [id],
    );
    return Number(row!.n);
  }
}

/**
 * The published versions as the engine's synchronous SQLite ports read them (SqliteExecutionRepository,
 * SqliteExecutionQueue): prepared statements on the store's connection, no await on the hot path.
 */
export class SqlitePublishedWorkflows {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  getPublished(id: string, version: number): PublishedWorkflow | null {
    const row = this.#store.db
      .prepare('SELECT * FROM workflow_versions WHERE workflow_id = ? AND version = ?')
      .get(id, version);
    return row ? toPublished(row) : null;
  }

  listActive(event: string): PublishedWorkflow[] {
    return this.#store.db
      .prepare(
        `${CURRENT_VERSIONS} WHERE v.trigger_event = ? AND w.active = 1 AND w.${LIVE} ORDER BY w.created_at, w.id`,
      )
      .all(event)
      .map(toPublished);
  }
}

function toWorkflow(row: PgRow): WorkflowRecord {
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

function toPublished(row: PgRow): PublishedWorkflow {
  return {
    workflowId: String(row.workflow_id),
    version: Number(row.version),
    definition: parseJsonColumn(row.definition),
    actions: parseJsonColumn(row.actions),
    publishedAt: String(row.published_at),
    publishedBy: row.published_by === null || row.published_by === undefined ? null : String(row.published_by),
  };
}
