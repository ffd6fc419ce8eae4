// The seed's "Employee On-boarding" workflow over HTTP: an If Else node, then an Execute App Integration node that
// runs the App Integration's plugin bound to its application, with the integration's default mappings merged in.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMPLOYEE_ONBOARDING } from '../workflow/index.ts';
import { bearer, openApi, type TestApi } from './api.fixtures.ts';

let api: TestApi;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.close();
});

async function call(role: 'admin' | 'editor' | 'agent', method: 'GET' | 'POST', url: string, payload?: unknown) {
  const response = await api.app.inject({
    method,
    url,
    headers: bearer(api.token[role]),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: response.statusCode, body: response.body ? response.json() : null, raw: response.body };
}

const bindPassword = 'Bind-Passw0rd-xyz';

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

    const requester = { name: 'Lizi', email: 'lizi@flotomate.local', username: 'lizi' };
    await call('agent', 'POST', '/api/requests', {
      kind: 'service-request',
      subject: 'Employee On-boarding: Lizi',
      department: 'IT',
      requester,
      template: 'Employee On-boarding',
    });
    await call('agent', 'POST', '/api/requests', {
      kind: 'service-request',
      subject: 'Employee On-boarding: Bob',
      department: 'Sales',
      requester,
    });
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
});
