// The CI-linking plugin built by the SDK and run in the real sandbox, against a real ITSM store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestHost, type TestHost } from '@actionhost/core/testing';
import type { ItsmService } from '@actionhost/core';

const PLUGIN_DIR = join(import.meta.dirname, '..');

let itsm: ItsmService;
let host: TestHost;

beforeAll(async () => {
  host = await createTestHost({ itsm: true });
  itsm = host.itsm!;
});

afterAll(async () => {
  await host?.close();
});

/** Each test gets its own addresses so tests in this file never see each other's CIs. */
let nextHost = 1;
const uniqueIp = () => `10.20.0.${nextHost++}`;

async function incidentWith(customFields: Record<string, string>) {
  return (
    await itsm.createRequest(
      { kind: 'incident', subject: 'Workstation offline', category: 'Network', customFields },
      'user:agent',
    )
  ).request;
}

const run = (requestId: number | string, type = 'ip address') =>
  host.invokeDir(PLUGIN_DIR, { 'Request.Id': requestId, 'Unique Identifier Type': type });

describe('ITSM Plugin - Linking of CI to Incident Requests', () => {
  it('links the CI whose IP address matches the request and takes the success path', async () => {
    const ip = uniqueIp();
    const ci = await itsm.createConfigurationItem({ name: 'WS-001', ipAddress: ip }, 'user:agent');
    const request = await incidentWith({ ipAddress: ip });
    const outcome = await run(request.internalId);
    expect(outcome.path).toBe('success');
    expect(outcome.output).toEqual({
      requestId: request.internalId,
      identifierType: 'ip address',
      identifier: ip,
      linkedCiIds: [ci.id],
      alreadyLinkedCiIds: [],
    });
    expect(outcome.plugin).toBe('@actionhost/ci-linking@1.0.0');
    expect(await itsm.listRelations(request.internalId)).toMatchObject([
      { ciId: ci.id, createdBy: '@actionhost/ci-linking@1.0.0' },
    ]);
  });

  it('does not duplicate the relation when run twice', async () => {
    const ip = uniqueIp();
    const ci = await itsm.createConfigurationItem({ name: 'WS-002', ipAddress: ip }, 'user:agent');
    const request = await incidentWith({ ipAddress: ip });
    await run(request.internalId);
    const second = await run(String(request.internalId));
    expect(second.path).toBe('success');
    expect(second.output).toMatchObject({ linkedCiIds: [], alreadyLinkedCiIds: [ci.id] });
    expect(await itsm.listRelations(request.internalId)).toHaveLength(1);
  });

  it("accepts the workflow's numeric string id and spelled variants of the identifier type", async () => {
    const ci = await itsm.createConfigurationItem(
      { name: 'Printer-3', type: 'Printer', macAddress: 'AA-BB-CC-00-00-03', hostname: 'PRN-3.corp.local' },
      'user:agent',
    );
    const byMac = await incidentWith({ 'MAC Address': 'aa:bb:cc:00:00:03' });
    const outcome = await run(` ${byMac.internalId} `, 'MAC Address');
    expect(outcome.output).toMatchObject({ identifierType: 'mac address', linkedCiIds: [ci.id] });
    const byHost = await incidentWith({ hostname: 'prn-3.CORP.local' });
    expect((await run(byHost.internalId, 'Host Name')).output).toMatchObject({
      identifierType: 'hostname',
      linkedCiIds: [ci.id],
    });
  });

  it('takes the failure path when no CI matches', async () => {
    const request = await incidentWith({ ipAddress: uniqueIp() });
    const outcome = await run(request.internalId);
    expect(outcome.path).toBe('failure');
    expect(outcome.output).toMatchObject({ reason: 'no-match', requestId: request.internalId, matchedCiIds: [] });
    expect(await itsm.listRelations(request.internalId)).toEqual([]);
  });

  it('takes the failure path and links nothing when more than one CI matches', async () => {
    const serial = `SN-${Date.now()}`;
    const a = await itsm.createConfigurationItem({ name: 'Server-A', serialNumber: serial }, 'user:agent');
    const b = await itsm.createConfigurationItem({ name: 'Server-B', serialNumber: serial }, 'user:agent');
    const request = await incidentWith({ serialNumber: serial });
    const outcome = await run(request.internalId, 'serial number');
    expect(outcome.path).toBe('failure');
    expect(outcome.output).toMatchObject({ reason: 'ambiguous', identifier: serial, matchedCiIds: [a.id, b.id] });
    expect(await itsm.listRelations(request.internalId)).toEqual([]);
  });

  it('takes the failure path when the request carries no identifier', async () => {
    const request = await incidentWith({ hostname: 'WS-404' });
    const outcome = await run(request.internalId, 'ip address');
    expect(outcome.path).toBe('failure');
    expect(outcome.output).toMatchObject({ reason: 'no-identifier', identifier: null });
  });

  it('takes the failure path for a request that does not exist', async () => {
    const outcome = await run(999_999);
    expect(outcome.path).toBe('failure');
    expect(outcome.output).toMatchObject({ reason: 'request-not-found', requestId: 999_999 });
  });

  it('rejects an unknown identifier type or a non-numeric request id before running', async () => {
    await expect(run(1, 'owner')).rejects.toMatchObject({ code: 'AH_INPUT_INVALID' });
    await expect(run('#internalId#')).rejects.toMatchObject({ code: 'AH_INPUT_INVALID' });
    await expect(
      host.invokeDir(PLUGIN_DIR, { 'Request.Id': 1, 'Unique Identifier Type': 'ip address', Extra: 'x' }),
    ).rejects.toMatchObject({ code: 'AH_INPUT_INVALID' });
  });

  it('declares its itsm scopes and ships the default mapping preset', async () => {
    const plugin = await host.load(PLUGIN_DIR);
    expect(plugin.manifest).toMatchObject({
      name: '@actionhost/ci-linking',
      title: 'ITSM Plugin - Linking of CI to Incident Requests',
      category: 'plugin',
      capabilities: { itsm: ['requests:read', 'cmdb:read', 'relations:write'] },
      paths: ['success', 'failure'],
      mappings: { default: 'mappings/default.json' },
    });
    expect(JSON.parse(readFileSync(join(PLUGIN_DIR, 'mappings/default.json'), 'utf8'))).toEqual({
      'Request.Id': '#internalId#',
      'Unique Identifier Type': 'ip address',
    });
  });
});
