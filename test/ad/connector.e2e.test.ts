// Issue 10, item 6 end to end: the host runs inside a network namespace this test creates (joined to the root
// namespace by a veth pair) and serves HTTPS with a certificate of a test CA; it has no route to the Samba DC, which
// listens on 127.0.0.1 in the root namespace. `actionhost connector` runs there, beside the DC, connects out to the
// host with the token an admin issued, and carries the on-boarding use case's ldap operations; stopped, the step
// takes its failure path with AH_CONNECTOR_OFFLINE; revoked, the connector is refused and exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPLOYEE_ONBOARDING } from '@actionhost/core';
import { rmSync } from 'node:fs';
import {
  ACTIONHOST_CLI,
  eventually,
  makeDataDir,
  startHostProcess,
  type HostProcess,
  type HostProcessOptions,
} from '../support/host-process.ts';
import { createLinkedNetns, type TestNetns } from '../support/linked-netns.ts';
import { createTestCa, type TestCa } from '../support/tls.ts';
import { readAsAdmin, uniqueUsername } from './facts.ts';
import { adFacts } from './support.ts';

const ad = adFacts();
let netns: TestNetns;
let ca: TestCa;
let host: HostProcess;
/** How the host is started, so that a test can restart it on the same data folder, address and port. */
let hostOptions: HostProcessOptions;
/** A fixed port: the namespace is this test's own, and a restarted host must keep the URL the connector dials. */
const HOST_PORT = 8443;
let connectorToken: string;
let workflowId: string;

type Connector = { name: string; status: string; lastSeenAt: string | null; version: string | null };
type Execution = {
  id: string;
  status: string;
  steps: { nodeId: string; path: string; attempt: number; output: Record<string, unknown> }[];
};

interface ConnectorProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** `actionhost connector`, in the root namespace beside the DC, as an admin on the customer's side starts it. */
function startConnector(token: string): ConnectorProcess {
  const child = spawn(process.execPath, [ACTIONHOST_CLI, 'connector', '--host-url', host.url, '--ca', ca.caFile], {
    env: { ...process.env, ACTIONHOST_CONNECTOR_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr])
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return await exited;
    },
  };
}

async function connectorStatus(): Promise<Connector> {
  return (await host.api<Connector>('GET', '/api/connectors/dc-site')).body;
}

async function raise(username: string): Promise<Execution> {
  const created = await host.api<{ internalId: number }>('POST', '/api/requests', {
    template: 'Employee On-boarding',
    requester: { name: 'Dana Agent', email: 'dana@flotomate.local', username: 'dana' },
    fields: {
      newHireName: `New hire ${username}`,
      username,
      email: `${username}@flotomate.local`,
      department: 'IT',
      startDate: '2030-09-01',
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const listed = await eventually(
    () => host.api<Execution[]>('GET', `/api/executions?requestId=${created.body.internalId}`),
    (response) => response.body.length === 1 && ['succeeded', 'failed'].includes(response.body[0].status),
    60_000,
  );
  return (await host.api<Execution>('GET', `/api/executions/${listed.body[0].id}`)).body;
}

beforeAll(async () => {
  netns = createLinkedNetns();
  ca = createTestCa();
  const certificate = ca.issue([netns.innerAddress]);
  hostOptions = {
    prefix: netns.prefix,
    listen: netns.innerAddress,
    port: HOST_PORT,
    dataDir: makeDataDir(),
    tls: { certFile: certificate.certFile, keyFile: certificate.keyFile, ca: ca.ca },
  };
  host = await startHostProcess(hostOptions);
  expect(host.url).toMatch(/^https:\/\//);

  const issued = await host.api<{ token: string; status: string }>('POST', '/api/connectors', {
    name: 'dc-site',
    description: 'beside the test DC',
  });
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  expect(issued.body.status).toBe('never-connected');
  connectorToken = issued.body.token;

  const credential = await host.api('POST', '/api/credentials', {
    name: 'ad-bind',
    type: 'basic',
    secret: { username: ad.bindUpn, password: ad.bindPassword },
  });
  expect(credential.status, JSON.stringify(credential.body)).toBe(201);
  // The directory as the connector sees it (ldaps://127.0.0.1:636 in the root namespace), and as the host does not.
  const application = {
    type: 'microsoft-active-directory',
    url: ad.url,
    bindDn: ad.bindDn,
    credential: 'ad-bind',
    baseDn: ad.baseDn,
    domain: ad.domain,
    caCertificate: ad.caCertificate,
    tlsVerify: true,
    timeoutMs: 5_000,
  };
  for (const body of [
    { ...application, name: 'AD via connector', connector: 'dc-site' },
    { ...application, name: 'AD direct' },
  ]) {
    const created = await host.api('POST', '/api/applications', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
  const integration = await host.api('POST', '/api/app-integrations', {
    name: 'AD App',
    application: 'AD via connector',
    action: 'Create New User',
  });
  expect(integration.status, JSON.stringify(integration.body)).toBe(201);
  const drafts = await host.api<Array<{ id: string; name: string }>>('GET', '/api/workflows');
  workflowId = drafts.body.find((draft) => draft.name === EMPLOYEE_ONBOARDING.name)!.id;
  const published = await host.api('POST', `/api/workflows/${workflowId}/publish`);
  expect(published.status, JSON.stringify(published.body)).toBe(200);
}, 180_000);

afterAll(async () => {
  await host?.stop();
  if (hostOptions?.dataDir) rmSync(hostOptions.dataDir, { recursive: true, force: true });
  ca?.close();
  netns?.close();
});

describe('the host in its own network namespace', () => {
  it("cannot connect to the DC's ports, neither on its loopback nor across the veth pair", async () => {
    const targets = [ad.url, ad.startTlsUrl].flatMap((url) => {
      const { port } = new URL(url);
      return [
        { host: '127.0.0.1', port: Number(port) },
        { host: netns.outerAddress, port: Number(port) },
      ];
    });
    expect(await netns.connectFromInside(targets)).toEqual(targets.map(() => 'ECONNREFUSED'));
    // nor can Test Connection of an Application the host would dial itself
    const direct = await host.api<{ ok: boolean; error: { code: string } }>(
      'POST',
      `/api/applications/${encodeURIComponent('AD direct')}/test-connection`,
    );
    expect(direct.body).toMatchObject({ ok: false, error: { code: 'AH_LDAP_UNREACHABLE' } });
  });

  it('says a connector that never connected is offline, instead of waiting for it', async () => {
    const tested = await host.api<{ ok: boolean; error: { code: string } }>(
      'POST',
      `/api/applications/${encodeURIComponent('AD via connector')}/test-connection`,
    );
    expect(tested.body).toMatchObject({ ok: false, error: { code: 'AH_CONNECTOR_OFFLINE' } });
  });
});

describe('through the connector', () => {
  it('runs the on-boarding use case: the connector connects out over HTTPS, and the user is created in AD', async () => {
    const connector = startConnector(connectorToken);
    try {
      await eventually(connectorStatus, (status) => status.status === 'online', 30_000);
      expect(await connectorStatus()).toMatchObject({ lastSeenAt: expect.any(String), version: expect.any(String) });

      const tested = await host.api<{ ok: boolean }>(
        'POST',
        `/api/applications/${encodeURIComponent('AD via connector')}/test-connection`,
      );
      expect(tested.body, JSON.stringify(tested.body)).toMatchObject({ ok: true });

      const username = uniqueUsername('conn');
      const execution = await raise(username);
      expect(execution.status, JSON.stringify(execution)).toBe('succeeded');
      const step = execution.steps.find((s) => s.nodeId === 'create-user')!;
      expect(step.path).toBe('success');
      expect(step.output).toMatchObject({ action: 'Create New User', sAMAccountName: username, enabled: false });
      expect(await readAsAdmin(ad, `CN=${username},${ad.usersDn}`, ['mail', 'userAccountControl'])).toMatchObject({
        mail: `${username}@flotomate.local`,
        userAccountControl: '514',
      });
    } finally {
      expect(await connector.stop()).toBe(0);
    }
    // it said goodbye: offline at once
    expect((await connectorStatus()).status).toBe('offline');
  }, 120_000);

  it('reconnects by itself after the host restarts, and the next on-boarding runs through it', async () => {
    const connector = startConnector(connectorToken);
    try {
      await eventually(connectorStatus, (status) => status.status === 'online', 30_000);
      // A crash, not a goodbye: the connector only sees its long poll fail.
      host.child.kill('SIGKILL');
      await host.stop();
      await eventually(
        async () => connector.output(),
        (output) => output.includes('cannot reach the host'),
        30_000,
      );
      host = await startHostProcess(hostOptions);
      // Connected a second time (the stored status alone could still say online from before the crash).
      await eventually(
        async () => connector.output().match(/connector "dc-site" connected to/g)?.length ?? 0,
        (connections) => connections === 2,
        60_000,
      );
      expect((await connectorStatus()).status).toBe('online');
      expect(connector.child.exitCode).toBeNull();

      const username = uniqueUsername('back');
      const execution = await raise(username);
      expect(execution.status, JSON.stringify(execution)).toBe('succeeded');
      expect(await readAsAdmin(ad, `CN=${username},${ad.usersDn}`, ['mail'])).toMatchObject({
        mail: `${username}@flotomate.local`,
      });
    } finally {
      expect(await connector.stop()).toBe(0);
    }
  }, 180_000);

  it('stopped: the step takes its failure path with AH_CONNECTOR_OFFLINE after its retries, and nothing is created', async () => {
    const username = uniqueUsername('off');
    const execution = await raise(username);
    const steps = execution.steps.filter((s) => s.nodeId === 'create-user');
    const last = steps.at(-1)!;
    expect(last.path).toBe('failure');
    expect(last.output).toMatchObject({ error: { code: 'AH_CONNECTOR_OFFLINE' } });
    // the default retry policy: three attempts in all, since an offline connector never got the operation
    expect(last.attempt).toBe(3);
    expect(await readAsAdmin(ad, `CN=${username},${ad.usersDn}`)).toBeUndefined();
  }, 120_000);

  it('revoked: the connector is refused and stops with AH_CONNECTOR_UNAUTHENTICATED', async () => {
    const connector = startConnector(connectorToken);
    try {
      await eventually(connectorStatus, (status) => status.status === 'online', 30_000);
      const revoked = await host.api<Connector>('POST', '/api/connectors/dc-site/revoke');
      expect(revoked.body.status).toBe('revoked');
      expect(await connector.exited).toBe(1);
      expect(connector.output()).toContain('AH_CONNECTOR_UNAUTHENTICATED');
    } finally {
      await connector.stop();
    }
  }, 60_000);
});
