export { Store, type Row } from './store.ts';
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
