// The admin action log on both backends: append-only in the database itself, redacted before it is stored, paged
// newest first with filters, and read oldest first from a cursor for the JSON-lines export.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../store/database.fixtures.ts';
import { AdminLog, secretsOf, type AdminAction, type AdminActionCreate } from './index.ts';

async function collect(entries: AsyncIterable<AdminAction>): Promise<AdminAction[]> {
  const all: AdminAction[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

function change(overrides: Partial<AdminActionCreate> = {}): AdminActionCreate {
  return {
    actor: { type: 'token', id: 't1', name: 'alice', role: 'admin' },
    action: 'credential.create',
    target: { type: 'credential', id: 'crm' },
    before: null,
    after: { name: 'crm', type: 'bearer' },
    origin: { method: 'POST', route: '/api/credentials', status: 201, ip: '127.0.0.1' },
    ...overrides,
  };
}

describe.each(BACKENDS)('admin action log on %s', (backend) => {
  let test: TestDatabase;
  let log: AdminLog;
  let now: number;

  beforeEach(async () => {
    test = await openTestDatabase(backend);
    now = Date.parse('2026-03-01T10:00:00.000Z');
    log = await AdminLog.open({ db: test.db, clock: () => new Date((now += 1000)) });
  });
  afterEach(async () => {
    await test.close();
  });

  it('refuses UPDATE and DELETE in the database itself, whoever asks', async () => {
    await log.record(change());
    await expect(test.db.query("UPDATE admin_actions SET actor_name = 'mallory'")).rejects.toThrow(/append-only/);
    await expect(test.db.query('DELETE FROM admin_actions')).rejects.toThrow(/append-only/);
    if (backend === 'postgres') await expect(test.db.query('TRUNCATE admin_actions')).rejects.toThrow(/append-only/);
    expect((await log.page({})).entries).toHaveLength(1);
  });

  it('stores before and after without secret keys, sealed values or the secrets the change carried', async () => {
    const password = 'Sup3r-Secret-Passw0rd!';
    const entry = await log.record(
      change({
        before: { Password: { $sealed: 'v1.k.iv.tag.cipher' }, note: `was ${password}` },
        after: { headers: { Authorization: 'Bearer abc' }, apiKey: 'k-123', nested: [{ text: `x${password}y` }] },
      }),
      [password],
    );
    expect(entry.before).toEqual({ Password: '[REDACTED]', note: 'was [REDACTED]' });
    expect(entry.after).toEqual({
      headers: { Authorization: '[REDACTED]' },
      apiKey: '[REDACTED]',
      nested: [{ text: 'x[REDACTED]y' }],
    });
    const stored = JSON.stringify((await test.db.query('SELECT * FROM admin_actions')).rows);
    for (const secret of [password, 'Bearer abc', 'k-123', 'v1.k.iv.tag.cipher']) expect(stored).not.toContain(secret);
    if (test.store) {
      test.store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      const bytes = readFileSync(join(test.dir, 'actionhost.db')).toString('latin1');
      for (const secret of [password, 'Bearer abc', 'k-123', 'v1.k.iv.tag.cipher']) expect(bytes).not.toContain(secret);
    }
  });

  it('finds the secrets of a body under secret-looking keys, keeping the non-secret fields of a credential', () => {
    expect(
      secretsOf({
        name: 'ad-bind',
        secret: { username: 'svc', password: 'p4ss', header: 'X-Key', value: 'v4lue' },
        inputs: { Token: 'tok', Other: 'plain' },
      }).sort(),
    ).toEqual(['p4ss', 'tok', 'v4lue']);
  });

  it('pages newest first and filters by actor, action prefix, target and time', async () => {
    await log.record(change());
    await log.record(change({ action: 'workflow.save', target: { type: 'workflow', id: 'wf_1' } }));
    await log.record(
      change({
        actor: { type: 'cli', name: 'bob' },
        action: 'workflow.publish',
        target: { type: 'workflow', id: 'wf_1' },
      }),
    );
    await log.record(change({ action: 'credential.delete' }));

    const first = await log.page({}, { limit: 3 });
    expect(first.entries.map((e) => e.action)).toEqual(['credential.delete', 'workflow.publish', 'workflow.save']);
    const second = await log.page({}, { limit: 3, before: first.next! });
    expect(second.entries.map((e) => e.action)).toEqual(['credential.create']);
    expect(second.next).toBeNull();

    expect((await log.page({ action: 'workflow.' })).entries.map((e) => e.action)).toEqual([
      'workflow.publish',
      'workflow.save',
    ]);
    expect((await log.page({ action: 'workflow' })).entries).toEqual([]);
    expect((await log.page({ actor: 'bob' })).entries.map((e) => e.action)).toEqual(['workflow.publish']);
    expect((await log.page({ targetType: 'credential', targetId: 'crm' })).entries).toHaveLength(2);
    const times = (await log.page({})).entries.map((e) => e.at);
    expect((await log.page({ since: times[1], until: times[0] })).entries.map((e) => e.at)).toEqual([times[1]]);
  });

  it('reads every entry after a cursor, oldest first, across export batches', async () => {
    for (let index = 0; index < 1203; index++)
      await log.record(change({ target: { type: 'credential', id: `c${index}` } }));
    const all = await collect(log.entries());
    expect(all).toHaveLength(1203);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => a - b));
    const resumed = await collect(log.entries({}, all[1000].id));
    expect(resumed.map((e) => e.target.id)).toEqual(all.slice(1001).map((e) => e.target.id));
  });
});
