// Integration Connectors on both backends: the registry (connectors, their tokens, last seen) lives in the store,
// so every host of a shared store knows every connector; on PostgreSQL an operation submitted on one host reaches a
// connector attached to another through the store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RelayedOperation } from '../capabilities/index.ts';
import { CredentialStore, generateMasterKey } from '../credentials/index.ts';
import type { Database } from '../store/index.ts';
import { BACKENDS, openSecondConnection, openTestDatabase, type TestDatabase } from '../store/database.fixtures.ts';
import { ConnectorService, type ConnectorOperation, type OperationResult } from './index.ts';

const BIND_PASSWORD = 'Relay-Bind-Pa55word!';

const OPERATION: RelayedOperation = {
  method: 'search',
  args: ['DC=test,DC=local', { scope: 'base' }],
  application: {
    id: 'app_1',
    url: 'ldaps://dc.corp.internal:636',
    bindDn: 'CN=svc,DC=test,DC=local',
    bindPassword: BIND_PASSWORD,
    baseDn: 'DC=test,DC=local',
    tlsVerify: true,
    timeoutMs: 2_000,
  },
};

async function codeOf(work: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await work();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

/** A connector process polling `host` (as `actionhost connector` does), answering each operation with `answer`. */
function attach(host: ConnectorService, name: string, answer: (operation: ConnectorOperation) => OperationResult) {
  const hangUp = new AbortController();
  const seen: ConnectorOperation[] = [];
  const loop = (async () => {
    while (!hangUp.signal.aborted) {
      const { operations } = await host.poll(
        name,
        { waitMs: 1_000, version: 'test' },
        { signal: hangUp.signal, address: '127.0.0.1' },
      );
      seen.push(...operations);
      if (operations.length > 0) await host.results(name, { results: operations.map(answer) });
    }
  })();
  return {
    seen,
    stop: async () => {
      hangUp.abort();
      await loop;
    },
  };
}

describe.each(BACKENDS)('connectors on %s', (backend) => {
  let test: TestDatabase;
  let second: { db: Database; close(): Promise<void> };
  let hosts: ConnectorService[];

  /** A host's connector service: its own connection to the store, the store's master key to seal relayed work. */
  async function openHost(db: Database, pickupTimeoutMs = 1_000): Promise<ConnectorService> {
    const credentials = await CredentialStore.open({ db, masterKey });
    const host = await ConnectorService.open({ db, sealer: credentials, pickupTimeoutMs, relayIntervalMs: 50 });
    hosts.push(host);
    return host;
  }
  const masterKey = generateMasterKey();

  beforeEach(async () => {
    test = await openTestDatabase(backend);
    second = await openSecondConnection(test);
    hosts = [];
  });
  afterEach(async () => {
    for (const host of hosts) host.close();
    await second.close();
    await test.close();
  });

  it('keeps connectors, their tokens and revocation in the store: another host (or the CLI) sees them at once', async () => {
    const a = await openHost(test.db);
    const b = await openHost(second.db);
    const issued = await a.create({ name: 'dc-east', description: 'next to the east DC' }, 'token:admin');
    expect((await b.list()).map((connector) => connector.name)).toEqual(['dc-east']);
    expect(await b.authenticate(`Bearer ${issued.token}`)).toBe('dc-east');
    await b.revoke('dc-east');
    expect(await codeOf(() => a.authenticate(`Bearer ${issued.token}`))).toBe('AH_CONNECTOR_UNAUTHENTICATED');
    expect((await a.get('dc-east')).status).toBe('revoked');
    const reissued = await a.issueToken('dc-east');
    expect(await b.authenticate(`Bearer ${reissued.token}`)).toBe('dc-east');
    await b.delete('dc-east');
    expect(await codeOf(() => a.get('dc-east'))).toBe('AH_CONNECTOR_NOT_FOUND');
  });

  it('records where and when a connector was last seen, for every host to show', async () => {
    const a = await openHost(test.db);
    const b = await openHost(second.db);
    await a.create({ name: 'dc-east', description: '' }, 'token:admin');
    await a.poll(
      'dc-east',
      { waitMs: 0, version: '1.2.3' },
      { signal: AbortSignal.timeout(5_000), address: '10.0.0.7' },
    );
    expect(await b.get('dc-east')).toMatchObject({
      address: '10.0.0.7',
      version: '1.2.3',
      lastSeenAt: expect.any(String),
    });
  });

  it('runs an operation on the connector attached to this host', async () => {
    const a = await openHost(test.db);
    await a.create({ name: 'dc-east', description: '' }, 'token:admin');
    const connector = attach(a, 'dc-east', (operation) => ({
      id: operation.id,
      ok: true,
      value: { ran: operation.method },
    }));
    try {
      await expect.poll(async () => (await a.get('dc-east')).status).toBe('online');
      expect(await a.hub.call('dc-east', OPERATION, AbortSignal.timeout(10_000))).toEqual({ ran: 'search' });
    } finally {
      await connector.stop();
    }
  });

  if (backend === 'postgres') {
    it('carries an operation submitted on host B to the connector attached to host A, and its result back', async () => {
      const a = await openHost(test.db);
      const b = await openHost(second.db);
      await a.create({ name: 'dc-east', description: '' }, 'token:admin');
      const connector = attach(a, 'dc-east', (operation) =>
        operation.method === 'search'
          ? {
              id: operation.id,
              ok: true,
              value: { dn: operation.args[0], bindDn: operation.application.bindDn },
            }
          : {
              id: operation.id,
              ok: false,
              error: { code: 'AH_LDAP_NO_SUCH_OBJECT', message: 'no such object', status: 404 },
            },
      );
      try {
        await expect.poll(async () => (await a.get('dc-east')).status).toBe('online');
        const [found, missing] = await Promise.allSettled([
          b.hub.call('dc-east', OPERATION, AbortSignal.timeout(10_000)),
          b.hub.call('dc-east', { ...OPERATION, method: 'delete' }, AbortSignal.timeout(10_000)),
        ]);
        expect(found).toEqual({
          status: 'fulfilled',
          value: { dn: 'DC=test,DC=local', bindDn: 'CN=svc,DC=test,DC=local' },
        });
        expect(missing).toMatchObject({
          status: 'rejected',
          reason: { code: 'AH_LDAP_NO_SUCH_OBJECT', details: { connector: 'dc-east' } },
        });
        // The connector got the operation whole (with the bind password); the store kept it sealed, and keeps nothing
        // once the result is read.
        expect(connector.seen.map((operation) => operation.application.bindPassword)).toEqual([
          BIND_PASSWORD,
          BIND_PASSWORD,
        ]);
        expect((await test.db.query('SELECT * FROM connector_operations')).rows).toEqual([]);
      } finally {
        await connector.stop();
      }
    });

    it('keeps a relayed operation sealed in the store while it waits', async () => {
      const a = await openHost(test.db);
      const b = await openHost(second.db, 3_000);
      await a.create({ name: 'dc-east', description: '' }, 'token:admin');
      const pending = b.hub.call('dc-east', OPERATION, AbortSignal.timeout(10_000));
      const outcome = pending.then(
        () => 'done',
        (error: { code?: string }) => error.code,
      );
      await expect.poll(async () => (await test.db.query('SELECT * FROM connector_operations')).rows.length).toBe(1);
      expect(JSON.stringify((await test.db.query('SELECT * FROM connector_operations')).rows)).not.toContain(
        BIND_PASSWORD,
      );
      expect(await outcome).toBe('AH_CONNECTOR_OFFLINE');
    });

    it('fails with AH_CONNECTOR_OFFLINE when no host the connector polls takes the operation, and leaves no row', async () => {
      const a = await openHost(test.db);
      const b = await openHost(second.db);
      await a.create({ name: 'dc-east', description: '' }, 'token:admin');
      expect(await codeOf(() => b.hub.call('dc-east', OPERATION, AbortSignal.timeout(10_000)))).toBe(
        'AH_CONNECTOR_OFFLINE',
      );
      expect((await test.db.query('SELECT * FROM connector_operations')).rows).toEqual([]);
    });
  } else {
    it('fails at once with AH_CONNECTOR_OFFLINE for a connector not attached to this host (one host per store)', async () => {
      const a = await openHost(test.db);
      await a.create({ name: 'dc-east', description: '' }, 'token:admin');
      expect(await codeOf(() => a.hub.call('dc-east', OPERATION, AbortSignal.timeout(10_000)))).toBe(
        'AH_CONNECTOR_OFFLINE',
      );
    });
  }
});
