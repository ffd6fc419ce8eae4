// The embedded store: one SQLite file (node:sqlite) per data folder, WAL mode, migrations per module.
// Each concern (itsm, credentials, workflow, ...) owns its tables and registers its own migrations.
import { DatabaseSync, type SQLOutputValue, type StatementSync } from 'node:sqlite';
import { dirname } from 'node:path';
import { makeDataFolder, privateDatabaseFile } from '@actionhost/sdk/cli';
import { CoreErrors } from '../errors/index.ts';
import { StoreErrors } from './errors.ts';
import { GroupCommit } from './group-commit.ts';

/** A row as a statement reads it: column name → value. */
export type Row = Record<string, SQLOutputValue>;

/** Statements kept prepared; beyond this many distinct SQL texts the oldest is dropped (built SQL varies). */
const STATEMENT_CACHE = 500;

export class Store {
  readonly db: DatabaseSync;
  readonly file: string;
  readonly #groupCommit: GroupCommit;
  #depth = 0;

  private constructor(file: string, db: DatabaseSync) {
    this.file = file;
    this.db = db;
    this.#groupCommit = new GroupCommit({
      begin: () => {
        this.db.exec('BEGIN IMMEDIATE');
        this.#depth = 1;
      },
      commit: () => {
        this.db.exec('COMMIT');
        this.#depth = 0;
      },
      rollback: () => {
        this.#depth = 0;
        this.db.exec('ROLLBACK');
      },
    });
  }

  /** Opens (creating if needed, mode 0600) the database file; ":memory:" for a throwaway store. */
  static open(file: string): Store {
    let db: DatabaseSync;
    try {
      if (file !== ':memory:') {
        makeDataFolder(dirname(file));
        privateDatabaseFile(file);
      }
      // The busy timeout from the first statement on: the PRAGMAs below take a lock a running host may hold.
      db = new DatabaseSync(file, { timeout: 5000 });
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
    keepStatementsPrepared(db);
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

  /**
   * Group commit: fn runs, with every other write queued in the same turn of the event loop, in one transaction
   * at the end of that turn. Resolves with fn's result once that transaction committed; rejects with fn's own
   * error (the others still commit). Writes commit in the order they were queued, so a write that resolved
   * implies every write queued before it is durable too. fn may be asynchronous when everything it awaits is a
   * query on this store (SqliteDatabase's transactions): the batch stays open until it settles.
   */
  write<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.#groupCommit.write(fn);
  }

  /** Settles when no asynchronous write holds the transaction open (null when none does). */
  get writing(): Promise<void> | null {
    return this.#groupCommit.idle;
  }

  close(): void {
    this.#groupCommit.flush();
    if (this.db.isOpen) this.db.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Makes db.prepare return the statement already prepared for the same SQL text: every concern keeps calling
 * db.prepare(sql) where it needs it, and the parse and plan happen once (StatementSync is reusable).
 */
function keepStatementsPrepared(db: DatabaseSync): void {
  const prepare = db.prepare.bind(db);
  const prepared = new Map<string, StatementSync>();
  db.prepare = (sql: string): StatementSync => {
    let statement = prepared.get(sql);
    if (statement === undefined) {
      statement = prepare(sql);
      if (prepared.size >= STATEMENT_CACHE) prepared.delete(prepared.keys().next().value!);
      prepared.set(sql, statement);
    }
    return statement;
  };
}
