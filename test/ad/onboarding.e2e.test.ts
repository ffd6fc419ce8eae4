// The seed's "Usecase: Automate User Creation in Active Directory for Employee Onboarding", end to end over HTTP
// against a running host (`actionhost start`) and the real Samba AD DC, set up the way the seed's page says: the
// seeded "Employee On-boarding" request template, an Application, the "AD App" App Integration (Create New User),
// and the seeded workflow: "Service Request is created" → If Else (Subject contains "Employee On-boarding" AND
// Department is "IT") → Execute App Integration with the seed's Input Mappings only (mail, Action, Username). Then
// the two optional ways to a password: a generated initial password, and a literal default Password.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, makeDataDir, startHostProcess, type HostProcess } from '../support/host-process.ts';
import { EMPLOYEE_ONBOARDING } from '@actionhost/core';
import { canBind, readAsAdmin, strongPassword, uniqueUsername } from './facts.ts';
import { adFacts } from './support.ts';

const ad = adFacts();
const dataDir = makeDataDir();
let host: HostProcess;
let workflowId: string;
/** Every API answer this file saw, to check none of them ever held a password. */
const answers: string[] = [];

type AuditEntry = { kind: string; data: Record<string, unknown> };
type Execution = {
  id: string;
  status: string;
  steps: { nodeId: string; path: string; output: Record<string, unknown> }[];
};
type Definition = {
  name: string;
  trigger: Record<string, unknown>;
  nodes: Record<string, unknown>[];
};

async function api<T>(method: string, path: string, body?: unknown) {
  const response = await host.api<T>(method, path, body);
  answers.push(JSON.stringify(response.body));
  return response;
}

beforeAll(async () => {
  // `actionhost start` installs the first-party plugins, seeds the template and loads the seed's workflows as drafts
  host = await startHostProcess({ dataDir });
  const credential = await api('POST', '/api/credentials', {
    name: 'ad-bind',
    type: 'basic',
    secret: { username: ad.bindUpn, password: ad.bindPassword },
  });
  expect(credential.status, JSON.stringify(credential.body)).toBe(201);
  const application = await api('POST', '/api/applications', {
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
  const tested = await api<{ ok: boolean }>(
    'POST',
    `/api/applications/${encodeURIComponent('Microsoft Active Directory')}/test-connection`,
  );
  expect(tested.body, JSON.stringify(tested.body)).toMatchObject({ ok: true });
  // "AD App" with action "Create New User": no default mappings, the node's Input Mappings are the seed's
  const integration = await api('POST', '/api/app-integrations', {
    name: 'AD App',
    application: 'Microsoft Active Directory',
    action: 'Create New User',
  });
  expect(integration.status, JSON.stringify(integration.body)).toBe(201);

  const drafts = await api<Array<{ id: string; name: string }>>('GET', '/api/workflows');
  workflowId = drafts.body.find((draft) => draft.name === EMPLOYEE_ONBOARDING.name)!.id;
  const published = await api('POST', `/api/workflows/${workflowId}/publish`);
  expect(published.status, JSON.stringify(published.body)).toBe(200);
}, 180_000);

afterAll(async () => {
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** "Raise an 'Employee On-boarding' request": the template's form, filled in for a new hire. */
async function raise(newHire: string, department: string): Promise<number> {
  const created = await api<{ internalId: number; subject: string; department: string }>('POST', '/api/requests', {
    template: 'Employee On-boarding',
    requester: { name: 'Dana Agent', email: 'dana@flotomate.local', username: 'dana' },
    fields: {
      newHireName: `New hire ${newHire}`,
      username: newHire,
      email: `${newHire}@flotomate.local`,
      department,
      startDate: '2030-09-01',
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body).toMatchObject({ subject: 'Employee On-boarding', department });
  return created.body.internalId;
}

async function finishedExecution(requestId: number): Promise<Execution> {
  const listed = await eventually(
    () => api<Execution[]>('GET', `/api/executions?requestId=${requestId}`),
    (response) => response.body.length === 1 && ['succeeded', 'failed'].includes(response.body[0].status),
  );
  return (await api<Execution>('GET', `/api/executions/${listed.body[0].id}`)).body;
}

/** Points the workflow's Execute App Integration node at another App Integration and publishes it again. */
async function useAppIntegration(name: string): Promise<void> {
  const current = await api<{ definition: Definition }>('GET', `/api/workflows/${workflowId}`);
  const definition = current.body.definition;
  const nodes = definition.nodes.map((node) => (node.id === 'create-user' ? { ...node, appIntegration: name } : node));
  expect((await api('PUT', `/api/workflows/${workflowId}`, { ...definition, nodes })).status).toBe(200);
  expect((await api('POST', `/api/workflows/${workflowId}/publish`)).status).toBe(200);
}

describe('Employee On-boarding as the seed writes it', () => {
  it('is seeded: the "Employee On-boarding" template and the workflow with the seed\'s nodes and Input Mappings', async () => {
    const template = await api<{ kind: string; fields: { key: string }[] }>(
      'GET',
      `/api/request-templates/${encodeURIComponent('Employee On-boarding')}`,
    );
    expect(template.body.kind).toBe('service-request');
    expect(template.body.fields.map((field) => field.key)).toEqual([
      'newHireName',
      'username',
      'email',
      'department',
      'startDate',
    ]);
    const workflow = await api<{ active: boolean; definition: Definition }>('GET', `/api/workflows/${workflowId}`);
    expect(workflow.body.active).toBe(true);
    expect(workflow.body.definition.trigger).toEqual({ event: 'request.created', kind: 'service-request' });
    expect(workflow.body.definition.nodes).toEqual([
      expect.objectContaining({
        kind: 'condition',
        title: 'If Else',
        match: 'all',
        rules: [
          { field: 'subject', operator: 'contains', value: 'Employee On-boarding' },
          { field: 'department', operator: 'equals', value: 'IT' },
        ],
      }),
      expect.objectContaining({
        kind: 'action',
        title: 'Execute App Integration',
        description: 'Create a new user for User Onboard',
        source: 'trigger',
        appIntegration: 'AD App',
        inputs: { mail: '#customFields.email#', Action: 'Create New User', Username: '#customFields.username#' },
      }),
    ]);
  });

  it('an IT on-boarding request creates the user in AD — disabled, as no password is mapped — and the Audit Trail shows it', async () => {
    const username = uniqueUsername('lizi');
    const requestId = await raise(username, 'IT');
    const execution = await finishedExecution(requestId);
    expect(execution.status).toBe('succeeded');
    const step = execution.steps.find((s) => s.nodeId === 'create-user')!;
    expect(step.path).toBe('success');
    expect(step.output).toMatchObject({ action: 'Create New User', sAMAccountName: username, enabled: false });
    expect(step.output.message).toMatch(/disabled/);

    const user = await readAsAdmin(ad, `CN=${username},${ad.usersDn}`, [
      'mail',
      'userPrincipalName',
      'userAccountControl',
    ]);
    expect(user).toMatchObject({
      mail: `${username}@flotomate.local`,
      userPrincipalName: `${username}@${ad.domain}`,
      userAccountControl: '514',
    });

    const audit = await api<AuditEntry[]>('GET', `/api/requests/${requestId}/audit`);
    expect(audit.body.find((entry) => entry.kind === 'plugin.execution')?.data).toMatchObject({
      plugin: '@actionhost/active-directory@1.1.0',
      path: 'success',
    });
  });

  it('a request from another department creates nothing', async () => {
    const username = uniqueUsername('hr');
    const requestId = await raise(username, 'HR');
    const execution = await finishedExecution(requestId);
    expect(execution.steps.map((s) => [s.nodeId, s.path])).toEqual([['is-onboarding', 'false']]);
    const audit = await api<AuditEntry[]>('GET', `/api/requests/${requestId}/audit`);
    expect(audit.body.some((entry) => entry.kind === 'plugin.execution')).toBe(false);
    expect(await readAsAdmin(ad, `CN=${username},${ad.usersDn}`)).toBeUndefined();
  });
});

describe('with a password', () => {
  it('an App Integration that generates the initial password: the user is enabled, and an admin retrieves the password once', async () => {
    expect(
      (
        await api('POST', '/api/app-integrations', {
          name: 'AD App (initial password)',
          application: 'Microsoft Active Directory',
          action: 'Create New User',
          mappings: { 'Generate Password': true },
        })
      ).status,
    ).toBe(201);
    await useAppIntegration('AD App (initial password)');
    const username = uniqueUsername('gen');
    const requestId = await raise(username, 'IT');
    const execution = await finishedExecution(requestId);
    const step = execution.steps.find((s) => s.nodeId === 'create-user')!;
    expect(step.output).toMatchObject({ enabled: true, initialPasswordId: expect.any(String) });

    const waiting = await api<{ id: string; username: string }[]>(
      'GET',
      `/api/initial-passwords?requestId=${requestId}`,
    );
    expect(waiting.body).toEqual([expect.objectContaining({ id: step.output.initialPasswordId, username })]);
    const retrieved = await host.api<{ password: string }>(
      'POST',
      `/api/initial-passwords/${String(step.output.initialPasswordId)}/retrieve`,
    );
    expect(retrieved.status).toBe(200);
    const { password } = retrieved.body;
    expect(await canBind(ad, `${username}@${ad.domain}`, password)).toBe(true);
    const again = await api<{ error: { code: string } }>(
      'POST',
      `/api/initial-passwords/${String(step.output.initialPasswordId)}/retrieve`,
    );
    expect(again.body.error.code).toBe('AH_INITIAL_PASSWORD_NOT_FOUND');

    // Nowhere else: no other API answer (executions, Audit Trail, lists), and not the host's log.
    await api('GET', `/api/requests/${requestId}/audit`);
    await api('GET', `/api/executions/${execution.id}`);
    for (const answer of answers) expect(answer).not.toContain(password);
    expect(host.output()).not.toContain(password);
  });

  it('an App Integration with a literal default Password: sealed, set on the new user, shown nowhere', async () => {
    const typed = strongPassword();
    const integration = await api('POST', '/api/app-integrations', {
      name: 'AD App (default password)',
      application: 'Microsoft Active Directory',
      action: 'Create New User',
      mappings: { Password: typed },
    });
    expect(integration.status).toBe(201);
    await useAppIntegration('AD App (default password)');
    const username = uniqueUsername('def');
    const requestId = await raise(username, 'IT');
    const execution = await finishedExecution(requestId);
    expect(execution.steps.find((s) => s.nodeId === 'create-user')!.output).toMatchObject({ enabled: true });
    expect(await canBind(ad, `${username}@${ad.domain}`, typed)).toBe(true);

    await api('GET', `/api/requests/${requestId}/audit`);
    await api('GET', '/api/app-integrations');
    for (const answer of answers) expect(answer).not.toContain(typed);
    expect(host.output()).not.toContain(typed);
    expect(host.output()).not.toContain(ad.bindPassword);
  });
});
