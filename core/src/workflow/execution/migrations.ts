// The execution half's own migrations (module "workflow-execution"), applied after the workflow module's tables
// exist. Append new ones; never edit an applied one.
import type { Store } from '../../store/index.ts';

export const EXECUTION_MIGRATIONS: readonly string[] = [
  // Issue 13: the queue is picked through an index on the due time (a partial index over queued rows only, so a
  // claim reads the head of it instead of sorting the whole queue); issue 11: the outcome apart from the status,
  // and listing newest first page by page.
  `ALTER TABLE workflow_executions ADD COLUMN due_at TEXT;
   ALTER TABLE workflow_executions ADD COLUMN outcome TEXT;
   ALTER TABLE workflow_executions ADD COLUMN failed_steps TEXT;
   UPDATE workflow_executions SET due_at = COALESCE(next_attempt_at, created_at) WHERE status = 'queued';
   UPDATE workflow_executions SET outcome = CASE
       WHEN status = 'failed' THEN 'failure'
       WHEN EXISTS (SELECT 1 FROM workflow_steps s WHERE s.execution_id = workflow_executions.id AND s.kind = 'action'
         AND s.retry_at IS NULL AND (s.status = 'failed' OR s.path = 'failure')) THEN 'failure'
       ELSE 'success' END
     WHERE status IN ('succeeded', 'failed');
   CREATE INDEX workflow_executions_due ON workflow_executions(due_at) WHERE status = 'queued';
   CREATE INDEX workflow_executions_created ON workflow_executions(created_at, id);
   CREATE INDEX workflow_executions_outcome ON workflow_executions(outcome, created_at, id);`,
  // Issue 14: the host that ran each step (PostgreSQL's table has it from the start).
  `ALTER TABLE workflow_steps ADD COLUMN host_id TEXT;`,
];

/** Brings the execution tables up to date (the workflow module's migrations must have run: DefinitionRepository). */
export function migrateExecutions(store: Store): void {
  store.migrate('workflow-execution', EXECUTION_MIGRATIONS);
}
