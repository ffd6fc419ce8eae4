// The admin action log on a real SQLite file: append-only in the database itself, redacted before it is stored,
// paged newest first with filters, and read oldest first from a cursor for the JSON-lines export.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/index.ts';
import { AdminLog, secretsOf, type AdminActionCreate } from './index.ts';

let folder: string;
let store: Store;
let log: AdminLog;
let now: number;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'ah-admin-log-'));
  store = Store.open(join(folder, 'actionhost.db'));
  now = Date.parse('2026-03-01T10:00:00.000Z');
  log = new AdminLog({ store, clock: () => new Date((now += 1000)) });
});
afterEach(() => {
  store.close();
  rmSync(folder, { recursive: true, force: true });
});

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

describe('admin action log', () => {
  it('refuses UPDATE and DELETE in the database itself, whoever asks', () => {
    log.record(change());
    expect(() => store.db.prepare("UPDATE admin_actions SET actor_name = 'mallory'").run()).toThrow(/append-only/);
    expect(() => store.db.prepare('DELETE FROM admin_actions').run()).toThrow(/append-only/);
    expect(log.page({}).entries).toHaveLength(1);
  });

  it('stores before and after without secret keys, sealed values or the secrets the change carried', () => {
    const password = 'Sup3r-Secret-Passw0rd!';
    const entry = log.record(
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
    store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(join(folder, 'actionhost.db')).toString('latin1');
    for (const secret of [password, 'Bearer abc', 'k-123', 'v1.k.iv.tag.cipher']) expect(bytes).not.toContain(secret);
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

  it('pages newest first and filters by actor, action prefix, target and time', () => {
    log.record(change());
    log.record(change({ action: 'workflow.save', target: { type: 'workflow', id: 'wf_1' } }));
    log.record(
      change({
        actor: { type: 'cli', name: 'bob' },
        action: 'workflow.publish',
        target: { type: 'workflow', id: 'wf_1' },
      }),
    );
    log.record(change({ action: 'credential.delete' }));

    const first = log.page({}, { limit: 3 });
    expect(first.entries.map((e) => e.action)).toEqual(['credential.delete', 'workflow.publish', 'workflow.save']);
    const second = log.page({}, { limit: 3, before: first.next! });
    expect(second.entries.map((e) => e.action)).toEqual(['credential.create']);
    expect(second.next).toBeNull();

    expect(log.page({ action: 'workflow.' }).entries.map((e) => e.action)).toEqual([
      'workflow.publish',
      'workflow.save',
    ]);
    expect(log.page({ action: 'workflow' }).entries).toEqual([]);
    expect(log.page({ actor: 'bob' }).entries.map((e) => e.action)).toEqual(['workflow.publish']);
    expect(log.page({ targetType: 'credential', targetId: 'crm' }).entries).toHaveLength(2);
    const times = log.page({}).entries.map((e) => e.at);
    expect(log.page({ since: times[1], until: times[0] }).entries.map((e) => e.at)).toEqual([times[1]]);
  });

  it('reads every entry after a cursor, oldest first, across export batches', () => {
    for (let index = 0; index < 1203; index++) log.record(change({ target: { type: 'credential', id: `c${index}` } }));
    const all = [...log.entries()];
    expect(all).toHaveLength(1203);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => a - b));
    const resumed = [...log.entries({}, all[1000].id)];
    expect(resumed.map((e) => e.target.id)).toEqual(all.slice(1001).map((e) => e.target.id));
  });
});
