// The workflow concern's tables on PostgreSQL: defined with the SQLite ones in definition/migrations.ts (module
// "workflow"), since the definitions' repository migrates the same module on either backend.
import { WORKFLOW_MIGRATIONS } from '../definition/index.ts';

export const WORKFLOW_POSTGRES_MIGRATIONS: readonly string[] = WORKFLOW_MIGRATIONS.postgres;
