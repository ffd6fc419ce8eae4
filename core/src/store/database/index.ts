// The interface both stores implement (the embedded SQLite one and PostgreSQL): below both, so neither depends on
// the other.
export {
  queryAll,
  queryOne,
  type Database,
  type Dialect,
  type Migrations,
  type PgRow,
  type QueryResult,
  type Queryable,
  type SqlValue,
} from './database.ts';
