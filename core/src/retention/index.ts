// Retention: how long finished executions (with their steps), Audit Trail entries and processed events are kept,
// and the background pruner that deletes the rest in small batches and gives the space back.
export {
  RetentionRepository,
  RETENTION_MIGRATIONS,
  type Deleted,
  type FinishedStatus,
  type Space,
} from './repository.ts';
export {
  RetentionPruner,
  prunedAnything,
  type PruneCounts,
  type PruneReport,
  type RetentionPrunerOptions,
  type PrunerEvents,
} from './pruner.ts';
export { cutoffsOf, PROCESSED_EVENTS_KEPT_MS, type RetentionPolicy, type Cutoffs } from './policy.ts';
