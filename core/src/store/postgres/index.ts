// The PostgreSQL store several hosts share (issue 14): pool, transactions, migrations under an advisory lock,
// LISTEN/NOTIFY.
export {
  PostgresStore,
  WORK_CHANNEL,
  redactUrl,
  type PgRow,
  type PostgresStoreOptions,
  type Queryable,
  type SqlValue,
} from './postgres-store.ts';
