// The outbox is atomic with the change it reports, on both backends: when writing the event fails (a trigger aborts
// the INSERT, after the request row and its audit rows were written), the request change is not there either. A
// design that wrote the event in a transaction of its own, after the request committed, fails here every time.
import { afterEach, describe, expect, it } from 'vitest';
import { queryOne, type Database } from '../store/index.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../store/database.fixtures.ts';
import { ItsmService } from './index.ts';

const count = async (db: Database, table: string): Promise<number> =>
  Number((await queryOne(db, `SELECT COUNT(*) AS n FROM ${table}`))!.n);

/** From now on every INSERT into the outbox fails, as a full disk or a crash at that point would. */
async function failEventWrites(db: Database): Promise<void> {
  if (db.dialect === 'sqlite') {
    await db.query(`CREATE TRIGGER fail_event BEFORE INSERT ON itsm_events BEGIN SELECT RAISE(ABORT, 'injected'); END`);
    return;
  }
  await db.query(
    `CREATE FUNCTION fail_event() RETURNS trigger AS $body$ BEGIN RAISE EXCEPTION 'injected'; END $body$ LANGUAGE plpgsql`,
  );
  await db.query('CREATE TRIGGER fail_event BEFORE INSERT ON itsm_events FOR EACH ROW EXECUTE FUNCTION fail_event()');
}

const incident = {
  kind: 'incident' as const,
  subject: 'VPN down',
  requester: { name: 'Lizi Chen', email: 'lizi@flotomate.local', username: 'lizi' },
};

describe.each(BACKENDS)('the outbox write on %s', (backend) => {
  const opened: TestDatabase[] = [];
  afterEach(async () => {
    for (const test of opened.splice(0)) await test.close();
  });

  async function open(): Promise<{ db: Database; itsm: ItsmService }> {
    const test = await openTestDatabase(backend);
    opened.push(test);
    return { db: test.db, itsm: await ItsmService.open({ db: test.db }) };
  }

  it('leaves neither the request nor its event (nor its audit rows) when writing the event fails', async () => {
    const { db, itsm } = await open();
    await failEventWrites(db);
    await expect(itsm.createRequest(incident, 'agent')).rejects.toThrow();
    expect(await count(db, 'itsm_requests')).toBe(0);
    expect(await count(db, 'itsm_events')).toBe(0);
    expect(await count(db, 'itsm_audit')).toBe(0);
    expect(await itsm.unprocessedEventCount()).toBe(0);
  });

  it('leaves an update unapplied when its event cannot be written', async () => {
    const { db, itsm } = await open();
    const { request } = await itsm.createRequest(incident, 'agent');
    const auditBefore = await count(db, 'itsm_audit');
    await failEventWrites(db);
    await expect(itsm.updateRequest(request.internalId, { subject: 'VPN back' }, 'agent')).rejects.toThrow();
    expect((await itsm.getRequest(request.internalId)).subject).toBe('VPN down');
    expect(await count(db, 'itsm_events')).toBe(1);
    expect(await count(db, 'itsm_audit')).toBe(auditBefore);
  });
});
