// Behaviour of the service-desk records on both backends (a real SQLite file, a PostgreSQL database): change
// tracking, the outbox, CMDB lookups, relations and the audit trail.
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore, SqliteDatabase, Store, queryAll, type Database } from '../store/index.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../store/database.fixtures.ts';
import { ItsmService, REDACTED, type OutboxEvent } from './index.ts';

function incident(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'incident' as const,
    subject: 'Laptop cannot reach VPN',
    category: 'Network',
    requester: { name: 'Lizi Chen', email: 'lizi@flotomate.local', username: 'lizi' },
    customFields: { ipAddress: '10.0.0.5' },
    ...overrides,
  };
}

async function codeOf(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(BACKENDS)('the ITSM service on %s', (backend) => {
  const opened: TestDatabase[] = [];
  const others: Array<() => Promise<void>> = [];

  async function openService(clock?: () => Date): Promise<{ db: Database; test: TestDatabase; itsm: ItsmService }> {
    const test = await openTestDatabase(backend);
    opened.push(test);
    return { db: test.db, test, itsm: await ItsmService.open({ db: test.db, clock }) };
  }

  /** A second connection to the same database: it sees only what was committed. */
  async function otherConnection(test: TestDatabase): Promise<Database> {
    if (test.store === null) {
      const other = await PostgresStore.open(test.url!, { max: 1 });
      others.push(() => other.close());
      return other;
    }
    const other = Store.open(test.store.file);
    others.push(async () => other.close());
    return new SqliteDatabase(other);
  }

  afterEach(async () => {
    for (const close of others.splice(0)) await close();
    for (const test of opened.splice(0)) await test.close();
  });

  describe('requests', () => {
    it('numbers display ids per kind', async () => {
      const { itsm } = await openService();
      await itsm.createTemplate({ name: 'New Laptop' }, 'user:admin');
      const a = (await itsm.createRequest(incident(), 'user:agent')).request;
      const b = (
        await itsm.createRequest(
          {
            kind: 'service-request',
            subject: 'New Laptop for Lizi',
            template: 'New Laptop',
            department: 'IT',
          },
          'user:agent',
        )
      ).request;
      const c = (await itsm.createRequest(incident(), 'user:agent')).request;
      expect([a.displayId, b.displayId, c.displayId]).toEqual(['INC-1', 'SR-1', 'INC-2']);
      expect(b).toMatchObject({
        kind: 'service-request',
        template: 'New Laptop',
        department: 'IT',
        status: 'Open',
        customFields: {},
      });
      expect(await itsm.getRequest(a.internalId)).toEqual(a);
    });

    it('records each changed field from and to, on the audit trail and in one outbox event', async () => {
      const { itsm } = await openService();
      const { request } = await itsm.createRequest(incident(), 'user:agent');
      const result = await itsm.updateRequest(
        request.internalId,
        { category: 'Hardware', priority: 'Low', customFields: { ipAddress: '10.0.0.9', hostname: 'WS-042' } },
        'user:bob',
      );
      const expected = [
        { field: 'category', from: 'Network', to: 'Hardware' },
        { field: 'customFields.ipAddress', from: '10.0.0.5', to: '10.0.0.9' },
        { field: 'customFields.hostname', from: null, to: 'WS-042' },
      ];
      expect(result.changes).toEqual(expected);
      expect(result.request.category).toBe('Hardware');
      expect(result.request.customFields).toEqual({ ipAddress: '10.0.0.9', hostname: 'WS-042' });
      expect(result.event).toMatchObject({
        type: 'request.updated',
        requestId: request.internalId,
        changes: expected,
        actor: 'user:bob',
        processedAt: null,
      });
      const fieldChanges = (await itsm.listAudit(request.internalId)).filter((entry) => entry.kind === 'field.changed');
      expect(fieldChanges.map((entry) => entry.data)).toEqual(expected);
      expect(fieldChanges.every((entry) => entry.actor === 'user:bob')).toBe(true);
    });

    it('records nothing for a patch that changes nothing', async () => {
      const { itsm } = await openService();
      const { request } = await itsm.createRequest(incident(), 'user:agent');
      const auditBefore = (await itsm.listAudit(request.internalId)).length;
      const result = await itsm.updateRequest(
        request.internalId,
        {
          category: 'Network',
          requester: { username: 'lizi', email: 'lizi@flotomate.local', name: 'Lizi Chen' },
          customFields: { ipAddress: '10.0.0.5', gone: null },
        },
        'user:agent',
      );
      expect(result.changes).toEqual([]);
      expect(result.event).toBeNull();
      expect(await itsm.listAudit(request.internalId)).toHaveLength(auditBefore);
      expect((await itsm.pendingEvents()).map((event) => event.type)).toEqual(['request.created']);
    });

    it('removes a custom field set to null and records it', async () => {
      const { itsm } = await openService();
      const { request } = await itsm.createRequest(incident(), 'user:agent');
      const result = await itsm.updateRequest(request.internalId, { customFields: { ipAddress: null } }, 'user:agent');
      expect(result.changes).toEqual([{ field: 'customFields.ipAddress', from: '10.0.0.5', to: null }]);
      expect((await itsm.getRequest(request.internalId)).customFields).toEqual({});
    });

    it('rejects invalid bodies with AH_VALIDATION_FAILED naming the path, and stores nothing', async () => {
      const { itsm } = await openService();
      try {
        await itsm.createRequest({ kind: 'incident', subject: '   ' }, 'user:agent');
        expect.unreachable();
      } catch (error) {
        expect(error).toMatchObject({ code: 'AH_VALIDATION_FAILED', status: 400, details: { path: '/subject' } });
      }
      expect(
        await codeOf(() =>
          itsm.createRequest(
            { ...incident(), requester: { name: 'x', email: 'not-an-email', username: 'x' } },
            'user:agent',
          ),
        ),
      ).toBe('AH_VALIDATION_FAILED');
      const { request } = await itsm.createRequest(incident(), 'user:agent');
      expect(
        await codeOf(() => itsm.updateRequest(request.internalId, { kind: 'service-request' } as never, 'user:agent')),
      ).toBe('AH_VALIDATION_FAILED');
      expect(await itsm.listRequests()).toHaveLength(1);
    });

    it('reports an unknown request as AH_REQUEST_NOT_FOUND', async () => {
      const { itsm } = await openService();
      expect(await codeOf(() => itsm.getRequest(99))).toBe('AH_REQUEST_NOT_FOUND');
      expect(await codeOf(() => itsm.updateRequest(99, { status: 'Closed' }, 'user:agent'))).toBe(
        'AH_REQUEST_NOT_FOUND',
      );
      expect(await codeOf(() => itsm.listAudit(99))).toBe('AH_REQUEST_NOT_FOUND');
    });

    it('filters requests by kind and category', async () => {
      const { itsm } = await openService();
      await itsm.createRequest(incident(), 'user:agent');
      await itsm.createRequest(incident({ category: 'Software' }), 'user:agent');
      await itsm.createRequest({ kind: 'service-request', subject: 'New phone' }, 'user:agent');
      expect((await itsm.listRequests({ kind: 'incident', category: 'network' })).map((r) => r.displayId)).toEqual([
        'INC-1',
      ]);
      expect((await itsm.listRequests({ kind: 'service-request' })).map((r) => r.displayId)).toEqual(['SR-1']);
    });

    it('keeps records across reopening the service', async () => {
      const first = await openService();
      const { request } = await first.itsm.createRequest(incident(), 'user:agent');
      const second = await ItsmService.open({ db: await otherConnection(first.test) });
      expect((await second.getRequest(request.internalId)).displayId).toBe('INC-1');
      expect((await second.createRequest(incident(), 'user:agent')).request.displayId).toBe('INC-2');
    });
  });

  describe('outbox', () => {
    it('commits the event with the change, visible to another connection', async () => {
      const { itsm, test } = await openService();
      const { request, event } = await itsm.createRequest(incident(), 'user:agent');
      const other = await otherConnection(test);
      const rows = await queryAll(other, 'SELECT type, request_id FROM itsm_events');
      expect(rows.map((row) => ({ ...row }))).toEqual([{ type: 'request.created', request_id: request.internalId }]);
      expect(event).toMatchObject({
        type: 'request.created',
        requestId: request.internalId,
        changes: [],
        claimedAt: null,
        processedAt: null,
      });
    });

    it('leaves neither the change nor its event when the transaction rolls back', async () => {
      const { db, itsm } = await openService();
      const { request } = await itsm.createRequest(incident(), 'user:agent');
      await expect(
        db.withTransaction(async () => {
          await itsm.updateRequest(request.internalId, { category: 'Hardware' }, 'user:agent');
          await itsm.createRequest(incident(), 'user:agent');
          throw new Error('the caller failed after the change');
        }),
      ).rejects.toThrow('the caller failed');
      expect((await itsm.getRequest(request.internalId)).category).toBe('Network');
      expect(await itsm.listRequests()).toHaveLength(1);
      expect((await itsm.pendingEvents()).map((event) => event.type)).toEqual(['request.created']);
      expect((await itsm.listAudit(request.internalId)).map((entry) => entry.kind)).toEqual(['request.created']);
    });

    it('hands an event to one claimer until it is processed', async () => {
      const { itsm } = await openService();
      const { event } = await itsm.createRequest(incident(), 'user:agent');
      expect(await itsm.claimEvent(event.id)).toMatchObject({ id: event.id, claimedAt: expect.any(String) });
      expect(await itsm.claimEvent(event.id)).toBeNull();
      expect(await itsm.pendingEvents()).toEqual([]);
      expect((await itsm.markEventProcessed(event.id)).processedAt).not.toBeNull();
      expect(await itsm.claimEvent(event.id)).toBeNull();
      expect(await codeOf(() => itsm.claimEvent(12345))).toBe('AH_EVENT_NOT_FOUND');
    });

    it('offers a claimed event again once its lease expired or it was released', async () => {
      // SQLite times leases by the service's clock; PostgreSQL by the database's, which every host shares.
      let now = Date.parse('2026-11-27T04:00:00.000Z');
      const { db } = await openService();
      const leaseMs = backend === 'sqlite' ? 60_000 : 1_000;
      const itsm = await ItsmService.open({ db, clock: () => new Date(now), eventLeaseMs: leaseMs });
      const { event } = await itsm.createRequest(incident(), 'user:agent');
      expect(await itsm.claimEvent(event.id)).not.toBeNull();
      now += leaseMs / 2;
      expect(await itsm.pendingEvents()).toEqual([]);
      now += leaseMs / 2 + 1_000;
      if (backend === 'postgres') await sleep(leaseMs + 100);
      expect((await itsm.pendingEvents()).map((pending) => pending.id)).toEqual([event.id]);
      expect(await itsm.claimEvent(event.id)).not.toBeNull();
      await itsm.releaseEvent(event.id);
      expect((await itsm.pendingEvents()).map((pending) => pending.id)).toEqual([event.id]);
    });

    it('claims a batch oldest first, marks it processed at once, and gives back its own claims on start', async () => {
      const { itsm } = await openService();
      const ids: number[] = [];
      for (let i = 0; i < 4; i++) ids.push((await itsm.createRequest(incident(), 'user:agent')).event.id);
      expect((await itsm.claimEvents(3)).map((event) => event.id)).toEqual(ids.slice(0, 3));
      expect(await itsm.outboxLag()).toMatchObject({ pending: 4 });
      expect(await itsm.releaseClaims()).toBe(3);
      expect((await itsm.claimEvents(10)).map((event) => event.id)).toEqual(ids);
      expect(await itsm.markEventsProcessed(ids)).toBe(4);
      expect(await itsm.outboxLag()).toEqual({ pending: 0, oldestCreatedAt: null });
      expect(await itsm.unprocessedEventCount()).toBe(0);
    });

    it('tells listeners about an event after it committed', async () => {
      const { itsm, test } = await openService();
      const seen: OutboxEvent[] = [];
      const other = await otherConnection(test);
      const visible: Promise<unknown>[] = [];
      itsm.onEvent((event) => {
        seen.push(event);
        visible.push(queryAll(other, 'SELECT id FROM itsm_events WHERE id = $1', [event.id]));
      });
      const { request } = await itsm.createRequest(incident(), 'user:agent');
      await itsm.updateRequest(request.internalId, { category: 'Hardware' }, 'user:agent');
      await itsm.updateRequest(request.internalId, { category: 'Hardware' }, 'user:agent');
      expect(seen.map((event) => event.type)).toEqual(['request.created', 'request.updated']);
      expect((await Promise.all(visible)).every((rows) => (rows as unknown[]).length === 1)).toBe(true);
    });
  });

  describe('configuration items', () => {
    it('finds CIs by ip address exactly, hostname case-insensitively and serial number exactly', async () => {
      const { itsm } = await openService();
      const web = await itsm.createConfigurationItem(
        { name: 'web-01', ipAddress: '10.0.0.5', hostname: 'Web-01.corp.local', serialNumber: 'SN-AB12' },
        'user:agent',
      );
      await itsm.createConfigurationItem({ name: 'web-02', ipAddress: '10.0.0.50' }, 'user:agent');
      expect((await itsm.findConfigurationItems('ipAddress', '10.0.0.5')).map((ci) => ci.id)).toEqual([web.id]);
      expect(await itsm.findConfigurationItems('ipAddress', '10.0.0')).toEqual([]);
      expect((await itsm.findConfigurationItems('hostname', 'WEB-01.CORP.LOCAL')).map((ci) => ci.id)).toEqual([web.id]);
      expect((await itsm.findConfigurationItems('serialNumber', 'SN-AB12')).map((ci) => ci.id)).toEqual([web.id]);
      expect(await itsm.findConfigurationItems('serialNumber', 'sn-ab12')).toEqual([]);
      expect(await itsm.getConfigurationItem(web.id)).toEqual(web);
      expect(await codeOf(() => itsm.getConfigurationItem(999))).toBe('AH_CI_NOT_FOUND');
    });

    it('matches MAC addresses in any common notation', async () => {
      const { itsm } = await openService();
      const ci = await itsm.createConfigurationItem(
        { name: 'printer', type: 'Printer', macAddress: 'AA-BB-CC-0D-0E-0F' },
        'user:agent',
      );
      expect(ci.macAddress).toBe('AA-BB-CC-0D-0E-0F');
      for (const notation of [
        'aa:bb:cc:0d:0e:0f',
        'AA-BB-CC-0D-0E-0F',
        'aabb.cc0d.0e0f',
        'AABBCC0D0E0F',
        ' aa:BB:cc:0d:0e:0f ',
      ]) {
        expect(
          (await itsm.findConfigurationItems('macAddress', notation)).map((found) => found.id),
          notation,
        ).toEqual([ci.id]);
      }
      expect(await itsm.findConfigurationItems('macAddress', 'aa:bb:cc:0d:0e')).toEqual([]);
      expect(
        await codeOf(() =>
          itsm.createConfigurationItem({ name: 'bad', macAddress: 'aa:bb-cc:0d:0e:0f' }, 'user:agent'),
        ),
      ).toBe('AH_VALIDATION_FAILED');
    });

    it('rejects an invalid ip address', async () => {
      const { itsm } = await openService();
      expect(
        await codeOf(() => itsm.createConfigurationItem({ name: 'x', ipAddress: '10.0.0.300' }, 'user:agent')),
      ).toBe('AH_VALIDATION_FAILED');
    });
  });

  describe('relations', () => {
    it('links a CI once: a second link returns created false and adds nothing', async () => {
      const { itsm } = await openService();
      const { request } = await itsm.createRequest(incident(), 'user:agent');
      const ci = await itsm.createConfigurationItem({ name: 'web-01', ipAddress: '10.0.0.5' }, 'user:agent');
      const first = await itsm.linkConfigurationItem(request.internalId, ci.id, '@actionhost/ci-linking@1.0.0');
      const second = await itsm.linkConfigurationItem(request.internalId, ci.id, '@actionhost/ci-linking@1.0.0');
      expect(first).toMatchObject({
        requestId: request.internalId,
        ciId: ci.id,
        created: true,
        createdBy: '@actionhost/ci-linking@1.0.0',
      });
      expect(second).toMatchObject({ created: false, createdAt: first.createdAt });
      const relations = await itsm.listRelations(request.internalId);
      expect(relations).toHaveLength(1);
      expect(relations[0].configurationItem.name).toBe('web-01');
      expect(
        (await itsm.listAudit(request.internalId)).filter((entry) => entry.kind === 'relation.added'),
      ).toMatchObject([{ actor: '@actionhost/ci-linking@1.0.0', data: { ciId: ci.id, ciName: 'web-01' } }]);
    });

    it('refuses to link an unknown CI or request', async () => {
      const { itsm } = await openService();
      const { request } = await itsm.createRequest(incident(), 'user:agent');
      const ci = await itsm.createConfigurationItem({ name: 'web-01' }, 'user:agent');
      expect(await codeOf(() => itsm.linkConfigurationItem(request.internalId, 77, 'user:agent'))).toBe(
        'AH_CI_NOT_FOUND',
      );
      expect(await codeOf(() => itsm.linkConfigurationItem(77, ci.id, 'user:agent'))).toBe('AH_REQUEST_NOT_FOUND');
      expect(await itsm.listRelations(request.internalId)).toEqual([]);
    });
  });

  describe('audit trail', () => {
    it('records a plugin execution with secrets redacted and the output summary truncated', async () => {
      const { itsm } = await openService();
      const { request } = await itsm.createRequest(incident(), 'user:agent');
      const entry = await itsm.recordAudit(
        request.internalId,
        {
          kind: 'plugin.execution',
          actor: 'workflow:wf-1',
          data: {
            workflow: { id: 'wf-1', name: 'Incident-CI Linking', version: 2 },
            node: { id: 'execute-plugin', title: 'Execute Plugin' },
            plugin: '@actionhost/active-directory@1.0.0',
            integrity: 'sha512-abc',
            inputs: {
              Action: 'Reset Password',
              Password: 'Sup3r-Secret!',
              headers: { Authorization: 'Bearer tok-123' },
              note: 'uses tok-999',
            },
            path: 'success',
            outputSummary: 'x'.repeat(5000),
            durationMs: 42,
          },
        },
        { secrets: ['tok-999'] },
      );
      const stored = (await itsm.listAudit(request.internalId)).find((found) => found.id === entry.id)!;
      expect(stored).toMatchObject({ kind: 'plugin.execution', actor: 'workflow:wf-1', requestId: request.internalId });
      expect(stored.data.inputs).toEqual({
        Action: 'Reset Password',
        Password: REDACTED,
        headers: { Authorization: REDACTED },
        note: `uses ${REDACTED}`,
      });
      expect(stored.data).toMatchObject({
        plugin: '@actionhost/active-directory@1.0.0',
        integrity: 'sha512-abc',
        path: 'success',
        durationMs: 42,
        errorCode: null,
      });
      expect((stored.data.outputSummary as string).length).toBeLessThan(2100);
      expect(JSON.stringify(stored)).not.toMatch(/Sup3r-Secret|tok-123|tok-999/);
    });

    it('rejects a plugin execution entry without its plugin', async () => {
      const { itsm } = await openService();
      const { request } = await itsm.createRequest(incident(), 'user:agent');
      expect(
        await codeOf(() =>
          itsm.recordAudit(request.internalId, { kind: 'plugin.execution', actor: 'x', data: {} as never }),
        ),
      ).toBe('AH_VALIDATION_FAILED');
    });
  });
});
