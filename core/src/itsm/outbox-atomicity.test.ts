// The outbox is atomic with the change it reports: when writing the event fails (a trigger aborts the INSERT,
// after the request row and its audit rows were written), the request change is not there either. A design that
// wrote the event in a transaction of its own, after the request committed, fails here every time.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../store/index.ts';
import { ItsmService } from './index.ts';

const opened: Store[] = [];
const folders: string[] = [];

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function open(): { store: Store; itsm: ItsmService } {
  const folder = mkdtempSync(join(tmpdir(), 'ah-outbox-'));
  folders.push(folder);
  const store = Store.open(join(folder, 'actionhost.db'));
  opened.push(store);
  return { store, itsm: new ItsmService({ store }) };
}

const count = (store: Store, table: string): number =>
  Number((store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n);

/** From now on every INSERT into the outbox fails, as a full disk or a crash at that point would. */
function failEventWrites(store: Store): void {
  store.db.exec(`CREATE TRIGGER fail_event BEFORE INSERT ON itsm_events BEGIN SELECT RAISE(ABORT, 'injected'); END`);
}

const incident = {
  kind: 'incident' as const,
  subject: 'VPN down',
  requester: { name: 'Lizi Chen', email: 'lizi@flotomate.local', username: 'lizi' },
};

describe('the outbox write', () => {
  it('leaves neither the request nor its event (nor its audit rows) when writing the event fails', () => {
    const { store, itsm } = open();
    failEventWrites(store);
    expect(() => itsm.createRequest(incident, 'agent')).toThrow();
    expect(count(store, 'itsm_requests')).toBe(0);
    expect(count(store, 'itsm_events')).toBe(0);
    expect(count(store, 'itsm_audit')).toBe(0);
    expect(itsm.unprocessedEventCount()).toBe(0);
  });

  it('leaves an update unapplied when its event cannot be written', () => {
    const { store, itsm } = open();
    const { request } = itsm.createRequest(incident, 'agent');
    const auditBefore = count(store, 'itsm_audit');
    failEventWrites(store);
    expect(() => itsm.updateRequest(request.internalId, { subject: 'VPN back' }, 'agent')).toThrow();
    expect(itsm.getRequest(request.internalId).subject).toBe('VPN down');
    expect(count(store, 'itsm_events')).toBe(1);
    expect(count(store, 'itsm_audit')).toBe(auditBefore);
  });
});
