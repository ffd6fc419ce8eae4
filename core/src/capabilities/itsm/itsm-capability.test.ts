// The itsm capability as the sandbox calls it: scopes from the manifest, argument validation, ABI results.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginManifest, type ItsmScope, type Json } from '@actionhost/sdk';
import { SqliteDatabase, Store } from '../../store/index.ts';
import { ItsmService } from '../../itsm/index.ts';
import type { InvocationScope } from '../capability.ts';
import { createItsmCapability } from './index.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

async function setup() {
  const folder = mkdtempSync(join(tmpdir(), 'ah-itsm-cap-'));
  const store = Store.open(join(folder, 'actionhost.db'));
  cleanups.push(
    () => rmSync(folder, { recursive: true, force: true }),
    () => store.close(),
  );
  const itsm = await ItsmService.open({ db: new SqliteDatabase(store) });
  const { request } = await itsm.createRequest(
    { kind: 'incident', subject: 'VPN down', customFields: { ipAddress: '10.0.0.5' } },
    'user:agent',
  );
  const ci = await itsm.createConfigurationItem(
    { name: 'web-01', ipAddress: '10.0.0.5', macAddress: 'AA-BB-CC-DD-EE-FF' },
    'user:agent',
  );
  return { itsm, capability: createItsmCapability({ itsm }), request, ci };
}

function scopeFor(scopes: ItsmScope[] | undefined, bindings: InvocationScope['bindings'] = {}): InvocationScope {
  const manifest = PluginManifest.parse({
    name: '@acme/linker',
    version: '2.1.0',
    title: 'Linker',
    category: 'plugin',
    host: '^1.0.0',
    entry: 'dist/plugin.js',
    input: {},
    output: {},
    paths: ['success', 'failure'],
    capabilities: scopes === undefined ? {} : { itsm: scopes },
  });
  return {
    invocationId: 'inv-1',
    idempotencyKey: 'idem-1',
    plugin: { name: manifest.name, version: manifest.version, manifest },
    signal: new AbortController().signal,
    deadline: Date.now() + 10_000,
    log: () => undefined,
    bindings,
  };
}

async function failure(
  promise: Promise<unknown>,
): Promise<{ code?: string; status?: number; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected the call to fail');
}

describe('itsm capability', () => {
  it('is declared only by a manifest with itsm scopes', async () => {
    const { capability } = await setup();
    expect(capability.name).toBe('itsm');
    expect(capability.declaredBy(scopeFor(['requests:read']).plugin.manifest)).toBe(true);
    expect(capability.declaredBy(scopeFor([]).plugin.manifest)).toBe(false);
    expect(capability.declaredBy(scopeFor(undefined).plugin.manifest)).toBe(false);
  });

  it('returns the request in the ABI shape with requests:read', async () => {
    const { capability, request } = await setup();
    const result = await capability.call('getRequest', [request.internalId], scopeFor(['requests:read']));
    expect(result).toEqual({
      internalId: request.internalId,
      displayId: 'INC-1',
      kind: 'incident',
      subject: 'VPN down',
      description: '',
      category: null,
      department: null,
      status: 'Open',
      priority: 'Low',
      requester: null,
      template: null,
      customFields: { ipAddress: '10.0.0.5' },
    });
  });

  it('denies each method without its scope, naming the scope', async () => {
    const { capability, request, ci } = await setup();
    const cases: [string, Json[], string][] = [
      ['getRequest', [request.internalId], 'requests:read'],
      ['findConfigurationItems', [{ field: 'ipAddress', value: '10.0.0.5' }], 'cmdb:read'],
      ['linkConfigurationItem', [request.internalId, ci.id], 'relations:write'],
      ['listRelations', [request.internalId], 'relations:read'],
    ];
    for (const [method, args, scope] of cases) {
      const error = await failure(capability.call(method, args, scopeFor(['audit:write'])));
      expect(error, method).toMatchObject({
        code: 'AH_CAPABILITY_DENIED',
        status: 403,
        details: { scope, method, plugin: '@acme/linker@2.1.0' },
      });
    }
  });

  it('lets a workflow step read and link only the request it runs for', async () => {
    const { capability, itsm, request, ci } = await setup();
    const other = (await itsm.createRequest({ kind: 'incident', subject: "Someone else's" }, 'test')).request;
    const scope = scopeFor(['requests:read', 'relations:write'], { requestId: request.internalId });
    await expect(capability.call('getRequest', [request.internalId], scope)).resolves.toMatchObject({
      internalId: request.internalId,
    });
    await expect(capability.call('getRequest', [other.internalId], scope)).rejects.toMatchObject({
      code: 'AH_CAPABILITY_DENIED',
      details: { reason: 'other-request' },
    });
    await expect(capability.call('linkConfigurationItem', [other.internalId, ci.id], scope)).rejects.toMatchObject({
      code: 'AH_CAPABILITY_DENIED',
      details: { reason: 'other-request' },
    });
    expect(await itsm.listRelations(other.internalId)).toEqual([]);
  });

  it('finds CIs with cmdb:read and links them with relations:write, once, as the plugin', async () => {
    const { capability, itsm, request, ci } = await setup();
    const scope = scopeFor(['cmdb:read', 'relations:write'], { executionId: 'exec-9' });
    const found = await capability.call(
      'findConfigurationItems',
      [{ field: 'macAddress', value: 'aa:bb:cc:dd:ee:ff' }],
      scope,
    );
    expect(found).toEqual([
      {
        id: ci.id,
        name: 'web-01',
        type: 'Hardware',
        ipAddress: '10.0.0.5',
        hostname: null,
        macAddress: 'AA-BB-CC-DD-EE-FF',
        serialNumber: null,
      },
    ]);
    const first = await capability.call('linkConfigurationItem', [request.internalId, ci.id], scope);
    const second = await capability.call('linkConfigurationItem', [request.internalId, ci.id], scope);
    expect(first).toMatchObject({ requestId: request.internalId, ciId: ci.id, created: true });
    expect(second).toMatchObject({ created: false });
    expect(await capability.call('listRelations', [request.internalId], scope)).toEqual([
      { requestId: request.internalId, ciId: ci.id, createdAt: expect.any(String), created: false },
    ]);
    expect(await itsm.listRelations(request.internalId)).toMatchObject([{ createdBy: '@acme/linker@2.1.0' }]);
    expect((await itsm.listAudit(request.internalId)).filter((entry) => entry.kind === 'relation.added')).toMatchObject(
      [{ actor: '@acme/linker@2.1.0', data: { ciId: ci.id, invocationId: 'inv-1', executionId: 'exec-9' } }],
    );
  });

  it('rejects malformed arguments with AH_CAPABILITY_ARGS_INVALID', async () => {
    const { capability } = await setup();
    const scope = scopeFor(['requests:read', 'cmdb:read', 'relations:write']);
    for (const [method, args] of [
      ['getRequest', ['1']],
      ['getRequest', [1.5]],
      ['getRequest', []],
      ['findConfigurationItems', [{ field: 'owner', value: 'x' }]],
      ['findConfigurationItems', [{ field: 'ipAddress', value: '' }]],
      ['linkConfigurationItem', [1]],
    ] as [string, Json[]][]) {
      expect((await failure(capability.call(method, args, scope))).code, `${method} ${JSON.stringify(args)}`).toBe(
        'AH_CAPABILITY_ARGS_INVALID',
      );
    }
    expect((await failure(capability.call('deleteRequest', [1], scope))).code).toBe('AH_CAPABILITY_METHOD_UNKNOWN');
  });

  it('passes service errors through with their codes', async () => {
    const { capability, request } = await setup();
    const scope = scopeFor(['requests:read', 'relations:write']);
    expect((await failure(capability.call('getRequest', [404], scope))).code).toBe('AH_REQUEST_NOT_FOUND');
    expect((await failure(capability.call('linkConfigurationItem', [request.internalId, 404], scope))).code).toBe(
      'AH_CI_NOT_FOUND',
    );
  });

  it('refuses calls of an invocation that is already over', async () => {
    const { capability, request } = await setup();
    const controller = new AbortController();
    controller.abort();
    const error = await failure(
      capability.call('getRequest', [request.internalId], {
        ...scopeFor(['requests:read']),
        signal: controller.signal,
      }),
    );
    expect((error as unknown as Error).name).toBe('AbortError');
  });
});
