// Behaviour of the service-desk records on a real SQLite file: change tracking, the outbox, CMDB lookups,
// relations and the audit trail.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../store/index.ts';
import { ItsmService, REDACTED, type OutboxEvent } from './index.ts';

const opened: Store[] = [];
const folders: string[] = [];

function tempFile(): string {
  const folder = mkdtempSync(join(tmpdir(), 'ah-itsm-'));
  folders.push(folder);
  return join(folder, 'actionhost.db');
}

function openService(file = tempFile(), clock?: () => Date): { store: Store; itsm: ItsmService; file: string } {
  const store = Store.open(file);
  opened.push(store);
  return { store, itsm: new ItsmService({ store, clock }), file };
}

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

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('requests', () => {
  it('numbers display ids per kind', () => {
    const { itsm } = openService();
    itsm.createTemplate({ name: 'New Laptop' }, 'user:admin');
    const a = itsm.createRequest(incident(), 'user:agent').request;
    const b = itsm.createRequest(
      {
        kind: 'service-request',
        subject: 'New Laptop for Lizi',
        template: 'New Laptop',
        department: 'IT',
      },
      'user:agent',
    ).request;
    const c = itsm.createRequest(incident(), 'user:agent').request;
    expect([a.displayId, b.displayId, c.displayId]).toEqual(['INC-1', 'SR-1', 'INC-2']);
    expect(b).toMatchObject({
      kind: 'service-request',
      template: 'New Laptop',
      department: 'IT',
      status: 'Open',
      customFields: {},
    });
    expect(itsm.getRequest(a.internalId)).toEqual(a);
  });

  it('records each changed field from and to, on the audit trail and in one outbox event', () => {
    const { itsm } = openService();
    const { request } = itsm.createRequest(incident(), 'user:agent');
    const result = itsm.updateRequest(
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
    const fieldChanges = itsm.listAudit(request.internalId).filter((entry) => entry.kind === 'field.changed');
    expect(fieldChanges.map((entry) => entry.data)).toEqual(expected);
    expect(fieldChanges.every((entry) => entry.actor === 'user:bob')).toBe(true);
  });

  it('records nothing for a patch that changes nothing', () => {
    const { itsm } = openService();
    const { request } = itsm.createRequest(incident(), 'user:agent');
    const auditBefore = itsm.listAudit(request.internalId).length;
    const result = itsm.updateRequest(
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
    expect(itsm.listAudit(request.internalId)).toHaveLength(auditBefore);
    expect(itsm.pendingEvents().map((event) => event.type)).toEqual(['request.created']);
  });

  it('removes a custom field set to null and records it', () => {
    const { itsm } = openService();
    const { request } = itsm.createRequest(incident(), 'user:agent');
    const result = itsm.updateRequest(request.internalId, { customFields: { ipAddress: null } }, 'user:agent');
    expect(result.changes).toEqual([{ field: 'customFields.ipAddress', from: '10.0.0.5', to: null }]);
    expect(itsm.getRequest(request.internalId).customFields).toEqual({});
  });

  it('rejects invalid bodies with AH_VALIDATION_FAILED naming the path, and stores nothing', () => {
    const { itsm } = openService();
    try {
      itsm.createRequest({ kind: 'incident', subject: '   ' }, 'user:agent');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'AH_VALIDATION_FAILED', status: 400, details: { path: '/subject' } });
    }
    expect(
      codeOf(() =>
        itsm.createRequest(
          { ...incident(), requester: { name: 'x', email: 'not-an-email', username: 'x' } },
          'user:agent',
        ),
      ),
    ).toBe('AH_VALIDATION_FAILED');
    const { request } = itsm.createRequest(incident(), 'user:agent');
    expect(
      codeOf(() => itsm.updateRequest(request.internalId, { kind: 'service-request' } as never, 'user:agent')),
    ).toBe('AH_VALIDATION_FAILED');
    expect(itsm.listRequests()).toHaveLength(1);
  });

  it('reports an unknown request as AH_REQUEST_NOT_FOUND', () => {
    const { itsm } = openService();
    expect(codeOf(() => itsm.getRequest(99))).toBe('AH_REQUEST_NOT_FOUND');
    expect(codeOf(() => itsm.updateRequest(99, { status: 'Closed' }, 'user:agent'))).toBe('AH_REQUEST_NOT_FOUND');
    expect(codeOf(() => itsm.listAudit(99))).toBe('AH_REQUEST_NOT_FOUND');
  });

  it('filters requests by kind and category', () => {
    const { itsm } = openService();
    itsm.createRequest(incident(), 'user:agent');
    itsm.createRequest(incident({ category: 'Software' }), 'user:agent');
    itsm.createRequest({ kind: 'service-request', subject: 'New phone' }, 'user:agent');
    expect(itsm.listRequests({ kind: 'incident', category: 'network' }).map((r) => r.displayId)).toEqual(['INC-1']);
    expect(itsm.listRequests({ kind: 'service-request' }).map((r) => r.displayId)).toEqual(['SR-1']);
  });

  it('keeps records across reopening the file', () => {
    const first = openService();
    const { request } = first.itsm.createRequest(incident(), 'user:agent');
    first.store.close();
    const second = openService(first.file);
    expect(second.itsm.getRequest(request.internalId).displayId).toBe('INC-1');
    expect(second.itsm.createRequest(incident(), 'user:agent').request.displayId).toBe('INC-2');
  });
});

describe('outbox', () => {
  it('commits the event with the change, visible to another connection', () => {
    const { itsm, file } = openService();
    const { request, event } = itsm.createRequest(incident(), 'user:agent');
    const other = Store.open(file);
    opened.push(other);
    const rows = other.db.prepare('SELECT type, request_id FROM itsm_events').all();
    expect(rows).toEqual([{ type: 'request.created', request_id: request.internalId }]);
    expect(event).toMatchObject({
      type: 'request.created',
      requestId: request.internalId,
      changes: [],
      claimedAt: null,
      processedAt: null,
    });
  });

  it('leaves neither the change nor its event when the transaction rolls back', () => {
    const { store, itsm } = openService();
    const { request } = itsm.createRequest(incident(), 'user:agent');
    const told: OutboxEvent[] = [];
    itsm.onEvent((event) => told.push(event));
    expect(() =>
      store.transaction(() => {
        itsm.updateRequest(request.internalId, { category: 'Hardware' }, 'user:agent');
        itsm.createRequest(incident(), 'user:agent');
        throw new Error('the caller failed after the change');
      }),
    ).toThrow('the caller failed');
    expect(itsm.getRequest(request.internalId).category).toBe('Network');
    expect(itsm.listRequests()).toHaveLength(1);
    expect(itsm.pendingEvents().map((event) => event.type)).toEqual(['request.created']);
    expect(itsm.listAudit(request.internalId).map((entry) => entry.kind)).toEqual(['request.created']);
    expect(told).toEqual([]);
  });

  it('hands an event to one claimer until it is processed', () => {
    const { itsm } = openService();
    const { event } = itsm.createRequest(incident(), 'user:agent');
    expect(itsm.claimEvent(event.id)).toMatchObject({ id: event.id, claimedAt: expect.any(String) });
    expect(itsm.claimEvent(event.id)).toBeNull();
    expect(itsm.pendingEvents()).toEqual([]);
    expect(itsm.markEventProcessed(event.id).processedAt).not.toBeNull();
    expect(itsm.claimEvent(event.id)).toBeNull();
    expect(codeOf(() => itsm.claimEvent(12345))).toBe('AH_EVENT_NOT_FOUND');
  });

  it('offers a claimed event again once its lease expired or it was released', () => {
    let now = Date.parse('2026-11-27T04:00:00.000Z');
    const { store } = openService(tempFile());
    const itsm = new ItsmService({ store, clock: () => new Date(now), eventLeaseMs: 60_000 });
    const { event } = itsm.createRequest(incident(), 'user:agent');
    expect(itsm.claimEvent(event.id)).not.toBeNull();
    now += 30_000;
    expect(itsm.pendingEvents()).toEqual([]);
    now += 31_000;
    expect(itsm.pendingEvents().map((pending) => pending.id)).toEqual([event.id]);
    expect(itsm.claimEvent(event.id)).not.toBeNull();
    itsm.releaseEvent(event.id);
    expect(itsm.pendingEvents().map((pending) => pending.id)).toEqual([event.id]);
  });

  it('tells listeners about an event after it committed', () => {
    const { itsm, file } = openService();
    const seen: OutboxEvent[] = [];
    const visible: unknown[] = [];
    const other = Store.open(file);
    opened.push(other);
    itsm.onEvent((event) => {
      seen.push(event);
      visible.push(other.db.prepare('SELECT id FROM itsm_events WHERE id = ?').get(event.id));
    });
    const { request } = itsm.createRequest(incident(), 'user:agent');
    itsm.updateRequest(request.internalId, { category: 'Hardware' }, 'user:agent');
    itsm.updateRequest(request.internalId, { category: 'Hardware' }, 'user:agent');
    expect(seen.map((event) => event.type)).toEqual(['request.created', 'request.updated']);
    expect(visible.every((row) => row !== undefined)).toBe(true);
  });
});

describe('configuration items', () => {
  it('finds CIs by ip address exactly, hostname case-insensitively and serial number exactly', () => {
    const { itsm } = openService();
    const web = itsm.createConfigurationItem(
      { name: 'web-01', ipAddress: '10.0.0.5', hostname: 'Web-01.corp.local', serialNumber: 'SN-AB12' },
      'user:agent',
    );
    itsm.createConfigurationItem({ name: 'web-02', ipAddress: '10.0.0.50' }, 'user:agent');
    expect(itsm.findConfigurationItems('ipAddress', '10.0.0.5').map((ci) => ci.id)).toEqual([web.id]);
    expect(itsm.findConfigurationItems('ipAddress', '10.0.0')).toEqual([]);
    expect(itsm.findConfigurationItems('hostname', 'WEB-01.CORP.LOCAL').map((ci) => ci.id)).toEqual([web.id]);
    expect(itsm.findConfigurationItems('serialNumber', 'SN-AB12').map((ci) => ci.id)).toEqual([web.id]);
    expect(itsm.findConfigurationItems('serialNumber', 'sn-ab12')).toEqual([]);
    expect(itsm.getConfigurationItem(web.id)).toEqual(web);
    expect(codeOf(() => itsm.getConfigurationItem(999))).toBe('AH_CI_NOT_FOUND');
  });

  it('matches MAC addresses in any common notation', () => {
    const { itsm } = openService();
    const ci = itsm.createConfigurationItem(
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
        itsm.findConfigurationItems('macAddress', notation).map((found) => found.id),
        notation,
      ).toEqual([ci.id]);
    }
    expect(itsm.findConfigurationItems('macAddress', 'aa:bb:cc:0d:0e')).toEqual([]);
    expect(
      codeOf(() => itsm.createConfigurationItem({ name: 'bad', macAddress: 'aa:bb-cc:0d:0e:0f' }, 'user:agent')),
    ).toBe('AH_VALIDATION_FAILED');
  });

  it('rejects an invalid ip address', () => {
    const { itsm } = openService();
    expect(codeOf(() => itsm.createConfigurationItem({ name: 'x', ipAddress: '10.0.0.300' }, 'user:agent'))).toBe(
      'AH_VALIDATION_FAILED',
    );
  });
});

describe('relations', () => {
  it('links a CI once: a second link returns created false and adds nothing', () => {
    const { itsm } = openService();
    const { request } = itsm.createRequest(incident(), 'user:agent');
    const ci = itsm.createConfigurationItem({ name: 'web-01', ipAddress: '10.0.0.5' }, 'user:agent');
    const first = itsm.linkConfigurationItem(request.internalId, ci.id, '@actionhost/ci-linking@1.0.0');
    const second = itsm.linkConfigurationItem(request.internalId, ci.id, '@actionhost/ci-linking@1.0.0');
    expect(first).toMatchObject({
      requestId: request.internalId,
      ciId: ci.id,
      created: true,
      createdBy: '@actionhost/ci-linking@1.0.0',
    });
    expect(second).toMatchObject({ created: false, createdAt: first.createdAt });
    const relations = itsm.listRelations(request.internalId);
    expect(relations).toHaveLength(1);
    expect(relations[0].configurationItem.name).toBe('web-01');
    expect(itsm.listAudit(request.internalId).filter((entry) => entry.kind === 'relation.added')).toMatchObject([
      { actor: '@actionhost/ci-linking@1.0.0', data: { ciId: ci.id, ciName: 'web-01' } },
    ]);
  });

  it('refuses to link an unknown CI or request', () => {
    const { itsm } = openService();
    const { request } = itsm.createRequest(incident(), 'user:agent');
    const ci = itsm.createConfigurationItem({ name: 'web-01' }, 'user:agent');
    expect(codeOf(() => itsm.linkConfigurationItem(request.internalId, 77, 'user:agent'))).toBe('AH_CI_NOT_FOUND');
    expect(codeOf(() => itsm.linkConfigurationItem(77, ci.id, 'user:agent'))).toBe('AH_REQUEST_NOT_FOUND');
    expect(itsm.listRelations(request.internalId)).toEqual([]);
  });
});

describe('audit trail', () => {
  it('records a plugin execution with secrets redacted and the output summary truncated', () => {
    const { itsm } = openService();
    const { request } = itsm.createRequest(incident(), 'user:agent');
    const entry = itsm.recordAudit(
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
    const stored = itsm.listAudit(request.internalId).find((found) => found.id === entry.id)!;
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

  it('rejects a plugin execution entry without its plugin', () => {
    const { itsm } = openService();
    const { request } = itsm.createRequest(incident(), 'user:agent');
    expect(
      codeOf(() => itsm.recordAudit(request.internalId, { kind: 'plugin.execution', actor: 'x', data: {} as never })),
    ).toBe('AH_VALIDATION_FAILED');
  });
});
