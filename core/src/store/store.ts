// The embedded store: one SQLite file (node:sqlite) per data folder, WAL mode, migrations per module.
// Each concern (itsm, credentials, workflow, ...) owns its tables and registers its own migrations.
import { DatabaseSync, type SQLOutputValue } from 'node:sqlite';
import { dirname } from 'node:path';
import { makeDataFolder, privateDatabaseFile } from '@actionhost/sdk/cli';
import { CoreErrors } from '../errors/index.ts';
import { StoreErrors } from './errors.ts';

/** A row as a statement reads it: column name → value. */
export type Row = Record<string, SQLOutputValue>;

export class Store {
  readonly db: DatabaseSync;
  readonly file: string;
  #depth = 0;

  private constructor(file: string, db: DatabaseSync) {
    this.file = file;
    this.db = db;
  }

  /** Opens (creating if needed, mode 0600) the database file; ":memory:" for a throwaway store. */
  static open(file: string): Store {
    let db: DatabaseSync;
    try {
      if (file !== ':memory:') {
        makeDataFolder(dirname(file));
        privateDatabaseFile(file);
      }
      db = new DatabaseSync(file);
      // auto_vacuum takes effect only on a new (empty) database: one made now can give the pages retention frees
      // back to the disk (incremental vacuum); an older one reuses them. The write-ahead log is cut back to 64 MiB
      // after each checkpoint instead of keeping its largest size.
      db.exec(
        'PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA journal_size_limit = 67108864;',
      );
      db.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))',
      );
    } catch (error) {
      throw StoreErrors.unavailable(file, error);
    }
    return new Store(file, db);
  }

  /** Applies, in order and once each, the SQL migrations of one module. Index i is version i+1. */
  migrate(module: string, migrations: readonly string[]): void {
    const applied = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations WHERE module = ?').get(module) as {
      v: number | null;
    };
    const from = applied.v ?? 0;
    // A newer host has been here: its tables are not what this code expects, so it must not run on them.
    if (from > migrations.length) {
      throw CoreErrors.AH_STORE_SCHEMA_NEWER(
        { file: this.file, module, found: from, known: migrations.length },
        { module, found: from, known: migrations.length },
      );
    }
    for (let index = from; index < migrations.length; index++) {
      this.transaction(() => {
        this.db.exec(migrations[index]);
        this.db
          .prepare('INSERT INTO schema_migrations (module, version, applied_at) VALUES (?, ?, ?)')
          .run(module, index + 1, new Date().toISOString());
      });
    }
  }

  /** Runs fn in one transaction (nested calls join the outer one). fn must be synchronous. */
  transaction<T>(fn: () => T): T {
    if (this.#depth > 0) {
      this.#depth++;
      try {
        return fn();
      } finally {
        this.#depth--;
      }
    }
    this.db.exec('BEGIN IMMEDIATE');
    this.#depth = 1;
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        /* the failed statement may have rolled back already */
      }
      throw error;
    } finally {
      this.#depth = 0;
    }
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
