// The embedded store's own mechanics: group commit (writes of one turn share one transaction, a failing write is
// refused alone) statements kept prepared, and which failures are the store's own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isStoreOutage } from './errors.ts';
import { Store } from './store.ts';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ah-store-'));
  store = Store.open(join(dir, 'actionhost.db'));
  store.db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = (id: number, v: string | null) => () =>
  store.db.prepare('INSERT INTO t (id, v) VALUES (?, ?)').run(id, v).changes;
const count = () => Number((store.db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n);

describe('group commit', () => {
  it('runs the writes queued in one turn in one transaction, in order, and resolves each once it committed', async () => {
    const exec = vi.spyOn(store.db, 'exec');
    const writes = [store.write(insert(1, 'a')), store.write(insert(2, 'b')), store.write(insert(3, 'c'))];
    expect(count()).toBe(0);
    await expect(Promise.all(writes)).resolves.toEqual([1, 1, 1]);
    expect(exec.mock.calls.filter(([sql]) => sql.startsWith('BEGIN'))).toHaveLength(1);
    expect(count()).toBe(3);
  });

  it('refuses only the write that failed: the others of its turn still commit', async () => {
    const results = await Promise.allSettled([
      store.write(insert(1, 'a')),
      store.write(insert(2, null)),
      store.write(insert(3, 'c')),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(store.db.prepare('SELECT id FROM t ORDER BY id').all()).toEqual([{ id: 1 }, { id: 3 }]);
  });

  it('commits what is still queued when the store closes', async () => {
    const write = store.write(insert(1, 'a'));
    store.close();
    await expect(write).resolves.toBe(1);
    const reopened = Store.open(join(dir, 'actionhost.db'));
    try {
      expect(reopened.db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1 });
    } finally {
      reopened.close();
    }
  });
});

describe('prepared statements', () => {
  it('prepares a statement once per SQL text and hands the same one out again', () => {
    const first = store.db.prepare('SELECT COUNT(*) AS n FROM t');
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM t')).toBe(first);
    expect(store.db.prepare('SELECT id FROM t')).not.toBe(first);
  });
});

describe('isStoreOutage', () => {
  it("tells the store's failures from the work's", () => {
    const sqlite = (errcode: number) => Object.assign(new Error('sqlite'), { code: 'ERR_SQLITE_ERROR', errcode });
    expect(isStoreOutage(sqlite(13))).toBe(true); // SQLITE_FULL
    expect(isStoreOutage(sqlite(8))).toBe(true); // SQLITE_READONLY
    expect(isStoreOutage(sqlite(19))).toBe(false); // a constraint: the statement's fault
    expect(isStoreOutage(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isStoreOutage(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isStoreOutage(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStoreOutage(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isStoreOutage({ code: 'AH_STORE_LEASE_LOST' })).toBe(true);
    expect(isStoreOutage({ code: 'AH_STORE_SCHEMA_NEWER' })).toBe(false);
    expect(isStoreOutage({ code: 'AH_PLUGIN_FAILED' })).toBe(false);
  });
});
