// The networked store several hosts share: a node-postgres pool, a transaction helper, migrations per module applied
// under an advisory lock (two hosts starting at once do not race), and a listener connection for LISTEN/NOTIFY.
// Values read back as the embedded store gives them: timestamps as ISO strings, JSON columns as their text.
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { CoreErrors } from '../../errors/index.ts';
import type { Database, Migrations, PgRow, QueryResult, Queryable, SqlValue } from '../database/index.ts';

export type { PgRow, Queryable, SqlValue } from '../database/index.ts';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  max?: number;
  /** Gives up connecting after this long (default 5 s): a host cut off from the database must not hang. */
  connectTimeoutMs?: number;
  /** A pool connection that failed (its query fails too; this is for logs). */
  onError?: (error: unknown) => void;
}

/** The connection of the transaction whose fn is running, for a withTransaction called inside it. */
const openTransaction = new AsyncLocalStorage<Queryable>();

/** NOTIFY on this channel wakes every host's engine: an outbox event, a queued or a taken-over execution. */
export const WORK_CHANNEL = 'actionhost_work';

/** One advisory lock key for all migrations of a database: 'actionhost' as a 64-bit number. */
const MIGRATION_LOCK = 0x616374696f6e68n;

/**
 * Parsers for the types whose node-postgres default differs from what the embedded store returns: json stays text
 * (parseJsonColumn reads it, and the text is byte for byte what was written), timestamptz becomes the ISO string
 * that JavaScript wrote, bigint a number (row ids stay far below 2^53).
 */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown {
    switch (oid) {
      case 114: // json
        return (text: string) => text;
      case 1184: // timestamptz
        return (text: string) => new Date(text).toISOString();
      case 20: // int8
        return (text: string) => Number(text);
      default:
        return pg.types.getTypeParser(oid, format ?? 'text') as (text: string) => unknown;
    }
  },
};

export class PostgresStore implements Database {
  readonly dialect = 'postgres' as const;
  readonly url: string;
  // Private, so that no node-postgres type reaches the declarations (a package using core's types needs no @types/pg).
  readonly #pool: pg.Pool;
  readonly #connectTimeoutMs: number;

  private constructor(url: string, options: PostgresStoreOptions) {
    this.url = url;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.#pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      connectionTimeoutMillis: this.#connectTimeoutMs,
      types: TYPES,
      // A connection the server ended (pg_terminate_backend, a restart) is dropped from the pool, not reused.
      idleTimeoutMillis: 30_000,
    });
    // An idle connection the server dropped must not crash the process: the next query gets a fresh one.
    this.#pool.on('error', (error) => options.onError?.(error));
  }

  /** Opens a pool and checks the database answers. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore(url, options);
    try {
      await store.#pool.query('SELECT 1');
    } catch (error) {
      await store.#pool.end().catch(() => undefined);
      throw CoreErrors.AH_STORE_UNAVAILABLE(
        { file: redactUrl(url), reason: error instanceof Error ? error.message : String(error) },
        { file: redactUrl(url) },
      );
    }
    return store;
  }

  /** The URL without its password. */
  get location(): string {
    return redactUrl(this.url);
  }

  async query(sql: string, values: readonly SqlValue[] = []): Promise<QueryResult> {
    return this.#pool.query<PgRow>(sql, values.map(flagAsInteger));
  }

  /**
   * Runs fn in one transaction on one connection; commits when it resolves, rolls back when it throws. Called
   * again from inside fn, it joins the transaction under way (as the embedded store does) instead of taking a
   * second connection.
   */
  async withTransaction<T>(fn: (client: Queryable) => Promise<T>): Promise<T> {
    const open = openTransaction.getStore();
    if (open !== undefined) return fn(open);
    const client = await this.#pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await openTransaction.run(client, () => fn(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone: do not hand it out again
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Applies, in order and once each, the SQL migrations of one module (index i is version i+1), as the embedded
   * store does; under a transaction-scoped advisory lock, so hosts starting together apply each one once.
   */
  async migrate(module: string, given: Migrations | readonly string[]): Promise<void> {
    const migrations = isMigrationList(given) ? given : given.postgres;
    await this.withTransaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [String(MIGRATION_LOCK)]);
      // Under the lock: CREATE TABLE IF NOT EXISTS itself races when two hosts run it at once.
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))',
      );
      const { rows } = await client.query('SELECT MAX(version) AS v FROM schema_migrations WHERE module = $1', [
        module,
      ]);
      const from = rows[0]?.v === null || rows[0]?.v === undefined ? 0 : Number(rows[0].v);
      // A newer host has been here: its tables are not what this code expects, so it must not run on them.
      if (from > migrations.length) {
        throw CoreErrors.AH_STORE_SCHEMA_NEWER(
          { file: redactUrl(this.url), module, found: from, known: migrations.length },
          { module, found: from, known: migrations.length },
        );
      }
      for (let index = from; index < migrations.length; index++) {
        await client.query(migrations[index]);
        await client.query('INSERT INTO schema_migrations (module, version, applied_at) VALUES ($1, $2, $3)', [
          module,
          index + 1,
          new Date().toISOString(),
        ]);
      }
    });
  }

  /**
   * A connection of its own that LISTENs on `channel` and calls `onNotify` for each NOTIFY; it reconnects (with a
   * pause) when the connection drops, and calls `onNotify` once after reconnecting, since a NOTIFY sent while it was
   * away is lost. Returns a function that stops it.
   */
  listen(channel: string, onNotify: () => void, onError?: (error: unknown) => void): () => Promise<void> {
    let stopped = false;
    let client: pg.Client | null = null;
    let retry: NodeJS.Timeout | null = null;
    const connect = async () => {
      retry = null;
      if (stopped) return;
      const next = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: this.#connectTimeoutMs });
      const reconnect = (error?: unknown) => {
        if (error) onError?.(error);
        if (client === next) client = null;
        next.removeAllListeners();
        next.on('error', () => undefined);
        void next.end().catch(() => undefined);
        if (!stopped && retry === null) {
          retry = setTimeout(() => void connect(), 500);
          retry.unref();
        }
      };
      next.on('error', reconnect);
      next.on('end', () => reconnect());
      next.on('notification', () => onNotify());
      try {
        await next.connect();
        await next.query(`LISTEN ${quoteIdentifier(channel)}`);
        if (stopped) {
          await next.end();
          return;
        }
        client = next;
        onNotify();
      } catch (error) {
        reconnect(error);
      }
    };
    void connect();
    return async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      const open = client;
      client = null;
      if (open) {
        open.removeAllListeners();
        open.on('error', () => undefined);
        await open.end().catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

/** Flags are INTEGER 0/1 on both backends (the embedded store has no boolean type). */
function flagAsInteger(value: SqlValue): unknown {
  return typeof value === 'boolean' ? Number(value) : value;
}

function isMigrationList(given: Migrations | readonly string[]): given is readonly string[] {
  return Array.isArray(given);
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The URL without its password, for errors and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}
