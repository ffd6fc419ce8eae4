// The seed's "Usecase: Automate User Creation in Active Directory for Employee Onboarding", end to end over
// HTTP against a running host (`actionhost start`) and the real Samba AD DC: Application + "AD App" App
// Integration, workflow "Service Request is created" → If Else (Subject contains "Employee On-boarding" AND
// Department is "IT") → Execute App Integration (Create New User). Checked with an independent LDAP search
// and by the new user binding with its password.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, makeDataDir, startHostProcess, type HostProcess } from '../support/host-process.ts';
import { EMPLOYEE_ONBOARDING } from '@actionhost/core';
import { canBind, searchAsAdmin, strongPassword, uniqueUsername } from './facts.ts';
import { adFacts } from './support.ts';

const ad = adFacts();
const dataDir = makeDataDir();
let host: HostProcess;
let workflowId: string;

type AuditEntry = { kind: string; data: Record<string, unknown> };
type Execution = { id: string; status: string };

beforeAll(async () => {
  // `actionhost start` installs the first-party plugins (active-directory among them) into the data folder
  host = await startHostProcess({ dataDir });

  const credential = await host.api('POST', '/api/credentials', {
    name: 'ad-bind',
    type: 'basic',
    secret: { username: ad.bindUpn, password: ad.bindPassword },
  });
  expect(credential.status, JSON.stringify(credential.body)).toBe(201);
  const application = await host.api('POST', '/api/applications', {
    name: 'Microsoft Active Directory',
    type: 'microsoft-active-directory',
    url: ad.url,
    bindDn: ad.bindDn,
    credential: 'ad-bind',
    baseDn: ad.baseDn,
    domain: ad.domain,
    caCertificate: ad.caCertificate,
    tlsVerify: true,
    timeoutMs: 5_000,
  });
  expect(application.status, JSON.stringify(application.body)).toBe(201);
  const tested = await host.api<{ ok: boolean }>(
    'POST',
    `/api/applications/${encodeURIComponent('Microsoft Active Directory')}/test-connection`,
  );
  expect(tested.body, JSON.stringify(tested.body)).toMatchObject({ ok: true });
  const integration = await host.api('POST', '/api/app-integrations', {
    name: 'AD App',
    application: 'Microsoft Active Directory',
    action: 'Create New User',
    mappings: { Password: '#customFields.initialPassword#' },
  });
  expect(integration.status, JSON.stringify(integration.body)).toBe(201);

  // The draft `actionhost start` loads from the seed is the workflow under test: publish it as an editor would.
  const drafts = await host.api<Array<{ id: string; name: string }>>('GET', '/api/workflows');
  const workflow = { body: drafts.body.find((draft) => draft.name === EMPLOYEE_ONBOARDING.name)! };
  expect(workflow.body, JSON.stringify(drafts.body)).toBeDefined();
  workflowId = workflow.body.id;
  const published = await host.api('POST', `/api/workflows/${workflow.body.id}/publish`);
  expect(published.status, JSON.stringify(published.body)).toBe(200);
}, 180_000);

afterAll(async () => {
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function raise(subject: string, department: string, username: string, password: string) {
  const created = await host.api<{ internalId: number }>('POST', '/api/requests', {
    kind: 'service-request',
    subject,
    description: 'New joiner',
    department,
    requester: { name: 'Lizi', email: `${username}@flotomate.local`, username },
    customFields: { initialPassword: password },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.internalId;
}

describe('Employee On-boarding creates the user in Active Directory', () => {
  it('Test Connection of the Execute App Integration node binds with the Application and reads the base DN', async () => {
    const tested = await host.api<{ path: string; output: { dn?: string } }>(
      'POST',
      `/api/workflows/${workflowId}/nodes/create-user/test-connection`,
      {
        request: { customFields: { initialPassword: 'Sample!Passw0rd' } },
      },
    );
    expect(tested.status, JSON.stringify(tested.body)).toBe(200);
    expect(tested.body.path).toBe('success');
    expect(tested.body.output.dn?.toLowerCase()).toBe(ad.baseDn.toLowerCase());
  });

  it('an IT Employee On-boarding request creates the user, who can bind, and the Audit Trail shows the execution', async () => {
    const username = uniqueUsername('lizi');
    const password = strongPassword();
    const requestId = await raise('Employee On-boarding: Lizi', 'IT', username, password);

    const audit = await eventually(
      () => host.api<AuditEntry[]>('GET', `/api/requests/${requestId}/audit`),
      (response) => response.body.some((entry) => entry.kind === 'plugin.execution'),
    );
    const execution = audit.body.find((entry) => entry.kind === 'plugin.execution')!;
    expect(execution.data).toMatchObject({ plugin: '@actionhost/active-directory@1.1.0', path: 'success' });

    const users = await searchAsAdmin(ad, `(sAMAccountName=${username})`, [
      'mail',
      'userPrincipalName',
      'userAccountControl',
    ]);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({
      dn: `CN=${username},${ad.usersDn}`,
      mail: `${username}@flotomate.local`,
      userPrincipalName: `${username}@${ad.domain}`,
      userAccountControl: '512',
    });
    expect(await canBind(ad, `${username}@${ad.domain}`, password)).toBe(true);

    const executions = await host.api<Execution[]>('GET', `/api/executions?requestId=${requestId}`);
    expect(executions.body.map((e) => e.status)).toEqual(['succeeded']);
    const record = await host.api('GET', `/api/executions/${executions.body[0].id}`);
    expect(JSON.stringify(record.body)).not.toContain(password);
    expect(host.output()).not.toContain(password);
    expect(host.output()).not.toContain(ad.bindPassword);
  });

  it('a request from another department creates nothing', async () => {
    const username = uniqueUsername('hr');
    const requestId = await raise('Employee On-boarding: Bob', 'HR', username, strongPassword());
    const executions = await eventually(
      () => host.api<Execution[]>('GET', `/api/executions?requestId=${requestId}`),
      (response) =>
        response.body.length > 0 && response.body.every((e) => e.status === 'succeeded' || e.status === 'failed'),
    );
    expect(executions.body.map((e) => e.status)).toEqual(['succeeded']);
    const audit = await host.api<AuditEntry[]>('GET', `/api/requests/${requestId}/audit`);
    expect(audit.body.some((entry) => entry.kind === 'plugin.execution')).toBe(false);
    expect(await searchAsAdmin(ad, `(sAMAccountName=${username})`)).toEqual([]);
  });
});
