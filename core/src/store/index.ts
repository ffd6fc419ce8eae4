export { Store, type Row } from './store.ts';
export {
  queryAll,
  queryOne,
  type Database,
  type Dialect,
  type Migrations,
  type QueryResult,
} from './database/index.ts';
export { SqliteDatabase } from './sqlite-database.ts';
export { StoreErrors, isStoreOutage, storeFaultOf } from './errors.ts';
export { parseJsonColumn } from './json-column.ts';
export {
  PostgresStore,
  WORK_CHANNEL,
  redactUrl,
  type PgRow,
  type PostgresStoreOptions,
  type Queryable,
  type SqlValue,
} from './postgres/index.ts';
