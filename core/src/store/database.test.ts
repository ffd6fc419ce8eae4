// The Database contract, on both backends: one query text ($n parameters) runs on each, transactions commit or roll
// back as a unit, concurrent ones do not see each other's uncommitted writes, migrations apply once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from './database/index.ts';
import { queryAll, queryOne } from './database/index.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from './database.fixtures.ts';

const MIGRATIONS = {
  sqlite: ['CREATE TABLE things (id TEXT PRIMARY KEY, n INTEGER NOT NULL, flag INTEGER NOT NULL, note TEXT)'],
  postgres: ['CREATE TABLE things (id TEXT PRIMARY KEY, n INTEGER NOT NULL, flag INTEGER NOT NULL, note TEXT)'],
};

describe.each(BACKENDS)('Database on %s', (backend) => {
  let test: TestDatabase;
  let db: Database;

  beforeEach(async () => {
    test = await openTestDatabase(backend);
    db = test.db;
    await db.migrate('things', MIGRATIONS);
  });
  afterEach(async () => {
    await test.close();
  });

  it('runs one query text on both: $n parameters (reused), booleans as 1/0, a $1 inside quotes left alone', async () => {
    await db.query('INSERT INTO things (id, n, flag, note) VALUES ($1, $2, $3, $4)', ['a', 1, true, 'cost $1']);
    await db.query("INSERT INTO things (id, n, flag, note) VALUES ($1, $2, $2, 'literal $2')", ['b', 0]);
    const rows = await queryAll(db, 'SELECT id, n, flag, note FROM things WHERE n = $1 OR id = $2 ORDER BY id', [
      0,
      'a',
    ]);
    expect(rows.map((row) => ({ ...row }))).toEqual([
      { id: 'a', n: 1, flag: 1, note: 'cost $1' },
      { id: 'b', n: 0, flag: 0, note: 'literal $2' },
    ]);
  });

  it('says how many rows a write touched, and returns RETURNING rows', async () => {
    await db.query('INSERT INTO things (id, n, flag) VALUES ($1, 1, 0), ($2, 2, 0), ($3, 3, 0)', ['a', 'b', 'c']);
    const updated = await db.query('UPDATE things SET flag = 1 WHERE n >= $1', [2]);
    expect(updated.rowCount).toBe(2);
    const deleted = await db.query('DELETE FROM things WHERE id = $1 RETURNING n', ['c']);
    expect(deleted.rows.map((row) => row.n)).toEqual([3]);
    const counted = await queryOne(db, 'SELECT COUNT(*) AS count FROM things');
    expect(Number(counted?.count)).toBe(2);
  });

  it('commits a transaction as a unit and rolls it back entirely when it throws', async () => {
    await db.withTransaction(async (tx) => {
      await tx.query('INSERT INTO things (id, n, flag) VALUES ($1, 1, 0)', ['kept']);
      await tx.query('UPDATE things SET n = n + 1 WHERE id = $1', ['kept']);
    });
    await expect(
      db.withTransaction(async (tx) => {
        await tx.query('INSERT INTO things (id, n, flag) VALUES ($1, 1, 0)', ['dropped']);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    const rows = await queryAll(db, 'SELECT id, n FROM things ORDER BY id');
    expect(rows.map((row) => ({ ...row }))).toEqual([{ id: 'kept', n: 2 }]);
  });

  it('joins the transaction under way when withTransaction is called inside one', async () => {
    await expect(
      db.withTransaction(async (tx) => {
        await tx.query('INSERT INTO things (id, n, flag) VALUES ($1, 1, 0)', ['outer']);
        await db.withTransaction(async (inner) => {
          await inner.query('INSERT INTO things (id, n, flag) VALUES ($1, 1, 0)', ['inner']);
        });
        throw new Error('both go');
      }),
    ).rejects.toThrow('both go');
    expect(await queryAll(db, 'SELECT id FROM things')).toEqual([]);
  });

  it('refuses only the failing one of transactions started together; the others commit', async () => {
    const results = await Promise.allSettled(
      ['a', 'b', 'a', 'c'].map((id) =>
        db.withTransaction(async (tx) => {
          await tx.query('INSERT INTO things (id, n, flag) VALUES ($1, 1, 0)', [id]);
          return id;
        }),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const rows = await queryAll(db, 'SELECT id FROM things ORDER BY id');
    expect(rows.map((row) => row.id)).toEqual(['a', 'b', 'c']);
  });

  it('does not show a transaction’s uncommitted writes to a query outside it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
    const writing = db.withTransaction(async (tx) => {
      await tx.query('INSERT INTO things (id, n, flag) VALUES ($1, 1, 0)', ['pending']);
      inserted();
      await gate;
    });
    await insertedYet;
    const outside = queryAll(db, 'SELECT id FROM things');
    // PostgreSQL answers at once from the last committed state; SQLite waits for the transaction to end.
    const early = await Promise.race([outside, new Promise((resolve) => setTimeout(() => resolve('waiting'), 50))]);
    if (early !== 'waiting') expect(early).toEqual([]);
    release();
    await writing;
    const after = await queryAll(db, 'SELECT id FROM things');
    expect(after.map((row) => row.id)).toEqual(['pending']);
    const seen = await outside;
    expect(seen.length <= 1).toBe(true);
    if (early !== 'waiting') expect(seen).toEqual([]);
  });

  it('applies a module’s migrations once, and the next ones later', async () => {
    await db.migrate('things', MIGRATIONS);
    const next = {
      sqlite: [...MIGRATIONS.sqlite, 'ALTER TABLE things ADD COLUMN extra TEXT'],
      postgres: [...MIGRATIONS.postgres, 'ALTER TABLE things ADD COLUMN extra TEXT'],
    };
    await db.migrate('things', next);
    await db.migrate('things', next);
    await db.query('INSERT INTO things (id, n, flag, extra) VALUES ($1, 1, 0, $2)', ['x', 'more']);
    const row = await queryOne(db, 'SELECT extra FROM things WHERE id = $1', ['x']);
    expect(row?.extra).toBe('more');
  });
});
