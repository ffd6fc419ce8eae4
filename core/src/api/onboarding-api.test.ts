// The seed's "Employee On-boarding" workflow over HTTP: an If Else node, then an Execute App Integration node that
// runs the App Integration's plugin bound to its application, with the integration's default mappings merged in.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMPLOYEE_ONBOARDING } from '../workflow/index.ts';
import { EMPLOYEE_ONBOARDING_TEMPLATE } from '../itsm/index.ts';
import { callApi, openApi, type Method, type Role, type TestApi } from './api.fixtures.ts';

let api: TestApi;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.close();
});

const call = (role: Role, method: Method, url: string, payload?: unknown) => callApi(api, role, method, url, payload);

const bindPassword = 'Bind-Passw0rd-xyz';
const requester = { name: 'Dana Agent', email: 'dana@flotomate.local', username: 'dana' };

/** Raises an "Employee On-boarding" request for a new hire the way an agent fills in the template's form. */
async function onboard(newHire: string, department: string) {
  const raised = await call('agent', 'POST', '/api/requests', {
    template: 'Employee On-boarding',
    subject: `Employee On-boarding: ${newHire}`,
    requester,
    fields: {
      newHireName: newHire,
      username: newHire.toLowerCase(),
      email: `${newHire.toLowerCase()}@flotomate.local`,
      department,
      startDate: '2030-09-01',
    },
  });
  expect(raised.status, raised.raw).toBe(201);
  return raised.body as { internalId: number };
}

beforeEach(async () => {
  expect((await call('admin', 'POST', '/api/request-templates', EMPLOYEE_ONBOARDING_TEMPLATE)).status).toBe(201);
});

describe('Employee On-boarding through an App Integration', () => {
  it('creates the AD user only for IT on-boarding requests, bound to the application, without exposing the bind password', async () => {
    expect(
      (
        await call('admin', 'POST', '/api/credentials', {
          name: 'ad-bind',
          type: 'basic',
          secret: { username: 'svc', password: bindPassword },
        })
      ).status,
    ).toBe(201);
    const application = await call('admin', 'POST', '/api/applications', {
      name: 'Corp AD',
      type: 'microsoft-active-directory',
      url: 'ldaps://127.0.0.1:6360',
      bindDn: 'CN=svc,CN=Users,DC=corp,DC=example',
      credential: 'ad-bind',
      baseDn: 'DC=corp,DC=example',
    });
    expect(application.status).toBe(201);
    expect(
      (
        await call('admin', 'POST', '/api/app-integrations', {
          name: 'AD App',
          application: 'Corp AD',
          action: 'Create New User',
        })
      ).status,
    ).toBe(201);
    api.runner.on('@actionhost/active-directory', (input) => ({
      path: 'success',
      output: { created: input.Username },
    }));

    const { body: workflow } = await call('editor', 'POST', '/api/workflows', EMPLOYEE_ONBOARDING);
    const published = await call('editor', 'POST', `/api/workflows/${workflow.id}/publish`);
    expect(published.body.published.plugins['create-user']).toMatchObject({
      name: '@actionhost/active-directory',
      version: '1.0.0',
      applicationId: application.body.id,
    });

    await onboard('Lizi', 'IT');
    await onboard('Bob', 'Sales');
    await api.engine.drain();

    expect(api.runner.calls).toHaveLength(1);
    expect(api.runner.calls[0].input).toEqual({
      Action: 'Create New User',
      mail: 'lizi@flotomate.local',
      Username: 'lizi',
    });
    expect(api.runner.calls[0].options.bindings).toMatchObject({ applicationId: application.body.id });
    const executions = await call('editor', 'GET', `/api/executions?workflowId=${workflow.id}`);
    expect(executions.body.map((e: { status: string }) => e.status)).toEqual(['succeeded', 'succeeded']);
    for (const execution of executions.body)
      expect((await call('editor', 'GET', `/api/executions/${execution.id}`)).raw).not.toContain(bindPassword);
  });

  it("holds an App Integration's literal default Password sealed: the plugin gets it, no answer, record or Audit Trail holds it", async () => {
    const typed = `Welcome-${Math.random().toString(36).slice(2)}!9`;
    await call('admin', 'POST', '/api/credentials', {
      name: 'ad-bind',
      type: 'basic',
      secret: { username: 'svc', password: bindPassword },
    });
    await call('admin', 'POST', '/api/applications', {
      name: 'Corp AD',
      type: 'microsoft-active-directory',
      url: 'ldaps://127.0.0.1:6360',
      bindDn: 'CN=svc,CN=Users,DC=corp,DC=example',
      credential: 'ad-bind',
      baseDn: 'DC=corp,DC=example',
    });
    const integration = await call('admin', 'POST', '/api/app-integrations', {
      name: 'AD App',
      application: 'Corp AD',
      action: 'Create New User',
      mappings: { Password: typed },
    });
    expect(integration.status).toBe(201);
    expect(integration.raw).not.toContain(typed);
    expect(integration.body.mappings.Password).toEqual({ $sealed: expect.any(String) });
    expect((await call('admin', 'GET', '/api/app-integrations/AD%20App')).raw).not.toContain(typed);
    expect((await api.services.db.query('SELECT mappings FROM app_integrations')).rows).toEqual([
      { mappings: expect.not.stringContaining(typed) },
    ]);
    api.runner.on('@actionhost/active-directory', () => ({ path: 'success', output: { changes: [] } }));

    const { body: workflow } = await call('editor', 'POST', '/api/workflows', EMPLOYEE_ONBOARDING);
    expect((await call('editor', 'POST', `/api/workflows/${workflow.id}/publish`)).status).toBe(200);
    const created = { body: await onboard('Lizi', 'IT') };
    await api.engine.drain();

    expect(api.runner.calls).toHaveLength(1);
    expect(api.runner.calls[0].input).toMatchObject({ Action: 'Create New User', Password: typed });
    const [execution] = (await call('editor', 'GET', `/api/executions?workflowId=${workflow.id}`)).body;
    const record = await call('editor', 'GET', `/api/executions/${execution.id}`);
    expect(record.body.steps.at(-1).inputs.Password).toBe('[REDACTED]');
    expect(record.raw).not.toContain(typed);
    expect((await call('agent', 'GET', `/api/requests/${created.body.internalId}/audit`)).raw).not.toContain(typed);
    expect((await call('editor', 'GET', `/api/workflows/${workflow.id}`)).raw).not.toContain(typed);
  });
});

describe('generated initial passwords', () => {
  function keep(password: string, requestId = 7) {
    return api.applications.initialPasswords.keep({
      applicationId: 'app_gone',
      dn: 'CN=lizi,CN=Users,DC=corp,DC=example',
      password,
      plugin: '@actionhost/active-directory@1.1.0',
      bindings: { requestId, executionId: 'ex_1', workflowId: 'wf_1', nodeId: 'create-user' },
    });
  }

  it('are listed without the password, and retrieved exactly once by an admin', async () => {
    const password = `Gen-${Math.random().toString(36).slice(2)}-Aa1!`;
    const id = await keep(password);
    const listed = await call('admin', 'GET', '/api/initial-passwords');
    expect(listed.body).toEqual([
      expect.objectContaining({ id, username: 'lizi', requestId: 7, executionId: 'ex_1', nodeId: 'create-user' }),
    ]);
    expect(listed.raw).not.toContain(password);
    expect((await call('admin', 'GET', '/api/initial-passwords?requestId=8')).body).toEqual([]);
    for (const role of ['editor', 'agent'] as const) {
      expect((await call(role, 'POST', `/api/initial-passwords/${id}/retrieve`)).status).toBe(403);
    }

    const retrieved = await call('admin', 'POST', `/api/initial-passwords/${id}/retrieve`);
    expect(retrieved.status).toBe(200);
    expect(retrieved.body).toMatchObject({
      id,
      password,
      retrievedBy: 'token:admin',
      dn: 'CN=lizi,CN=Users,DC=corp,DC=example',
    });
    const again = await call('admin', 'POST', `/api/initial-passwords/${id}/retrieve`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('AH_INITIAL_PASSWORD_NOT_FOUND');
    expect((await call('admin', 'GET', '/api/initial-passwords')).body).toEqual([]);
  });

  it('are kept sealed: the database never holds one in clear text', async () => {
    const password = `Gen-${Math.random().toString(36).slice(2)}-Aa1!`;
    await keep(password);
    const rows = JSON.stringify((await api.services.db.query('SELECT * FROM initial_passwords')).rows);
    expect(rows).not.toContain(password);
  });
});
