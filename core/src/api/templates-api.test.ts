// Request templates over HTTP (issue 10, item 7): the "Employee On-boarding" template with typed fields and
// defaults, requests raised from it, and its fields as placeholders and If Else fields of a workflow.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

const newHire = {
  newHireName: 'Lizi Tester',
  username: 'lizi',
  email: 'lizi@flotomate.local',
  startDate: '2030-09-01',
};

async function createTemplate() {
  const created = await call('admin', 'POST', '/api/request-templates', EMPLOYEE_ONBOARDING_TEMPLATE);
  expect(created.status).toBe(201);
  return created.body;
}

describe('request templates', () => {
  it('are created by admins and read by agents, with their fields, types and defaults', async () => {
    const created = await createTemplate();
    expect(created).toMatchObject({ name: 'Employee On-boarding', kind: 'service-request', createdBy: 'token:admin' });
    expect(created.fields.map((field: { key: string; type: string }) => [field.key, field.type])).toEqual([
      ['newHireName', 'text'],
      ['username', 'text'],
      ['email', 'email'],
      ['department', 'choice'],
      ['startDate', 'date'],
    ]);
    expect((await call('agent', 'GET', '/api/request-templates')).body).toHaveLength(1);
    expect((await call('agent', 'GET', '/api/request-templates/Employee%20On-boarding')).body.fields[3]).toMatchObject({
      key: 'department',
      default: 'IT',
      options: ['IT', 'HR', 'Finance', 'Sales', 'Operations'],
    });
    expect((await call('agent', 'POST', '/api/request-templates', { name: 'Mine' })).status).toBe(403);
    const duplicate = await call('admin', 'POST', '/api/request-templates', EMPLOYEE_ONBOARDING_TEMPLATE);
    expect([duplicate.status, duplicate.body.error.code]).toEqual([409, 'AH_TEMPLATE_EXISTS']);
  });

  it('refuse fields that contradict themselves', async () => {
    for (const [fields, path] of [
      [[{ key: 'team', label: 'Team', type: 'choice' }], '/fields/0/options'],
      [[{ key: 'start', label: 'Start', type: 'date', default: 'tomorrow' }], '/fields/0/default'],
      [
        [
          { key: 'a', label: 'A', type: 'text' },
          { key: 'a', label: 'A again', type: 'text' },
        ],
        '/fields/1/key',
      ],
      [[{ key: '1st', label: 'First', type: 'text' }], '/fields/0/key'],
    ] as const) {
      const refused = await call('admin', 'POST', '/api/request-templates', { name: 'Broken', fields });
      expect(refused.body.error, path).toMatchObject({ code: 'AH_VALIDATION_FAILED', details: { path } });
    }
    expect((await call('agent', 'GET', '/api/request-templates')).body).toEqual([]);
  });

  it('are deleted by admins; requests raised from them keep their values', async () => {
    await createTemplate();
    const raised = await call('agent', 'POST', '/api/requests', { template: 'Employee On-boarding', fields: newHire });
    expect((await call('admin', 'DELETE', '/api/request-templates/Employee%20On-boarding')).status).toBe(204);
    const kept = await call('agent', 'GET', `/api/requests/${raised.body.internalId}`);
    expect(kept.body).toMatchObject({ template: 'Employee On-boarding', customFields: { username: 'lizi' } });
    const gone = await call('agent', 'GET', '/api/request-templates/Employee%20On-boarding');
    expect([gone.status, gone.body.error.code]).toEqual([404, 'AH_TEMPLATE_NOT_FOUND']);
  });
});

describe('raising a request from a template', () => {
  it("takes the template's kind and subject, fills defaults, and stores its fields as request and custom fields", async () => {
    await createTemplate();
    const raised = await call('agent', 'POST', '/api/requests', { template: 'Employee On-boarding', fields: newHire });
    expect(raised.status).toBe(201);
    expect(raised.body).toMatchObject({
      kind: 'service-request',
      displayId: 'SR-1',
      subject: 'Employee On-boarding',
      template: 'Employee On-boarding',
      // the department field is the request's department, filled from its default
      department: 'IT',
      customFields: newHire,
    });
    const audit = await call('agent', 'GET', `/api/requests/${raised.body.internalId}/audit`);
    expect(audit.body[0]).toMatchObject({ kind: 'request.created', data: { template: 'Employee On-boarding' } });
  });

  it('refuses values that do not fit their fields, naming the field, and stores nothing', async () => {
    await createTemplate();
    for (const [change, path] of [
      [{ username: undefined }, '/fields/username'],
      [{ email: 'not-an-address' }, '/fields/email'],
      [{ startDate: '2030-02-30' }, '/fields/startDate'],
      [{ department: 'Marketing' }, '/fields/department'],
      [{ username: 'a-username-far-too-long-for-ad' }, '/fields/username'],
      [{ shoeSize: 44 }, '/fields/shoeSize'],
    ] as const) {
      const refused = await call('agent', 'POST', '/api/requests', {
        template: 'Employee On-boarding',
        fields: { ...newHire, ...change },
      });
      expect(refused.body.error, path).toMatchObject({ code: 'AH_VALIDATION_FAILED', details: { path } });
    }
    const wrongKind = await call('agent', 'POST', '/api/requests', {
      template: 'Employee On-boarding',
      kind: 'incident',
      fields: newHire,
    });
    expect(wrongKind.body.error.details.path).toBe('/kind');
    const unknown = await call('agent', 'POST', '/api/requests', { template: 'Employee Off-boarding', fields: {} });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'AH_TEMPLATE_NOT_FOUND']);
    expect((await call('agent', 'GET', '/api/requests')).body).toEqual([]);
  });

  it('without a template still needs a kind and a subject, and takes no fields', async () => {
    const bare = await call('agent', 'POST', '/api/requests', { subject: 'Printer on fire' });
    expect(bare.body.error).toMatchObject({ code: 'AH_VALIDATION_FAILED', details: { path: '/kind' } });
    const fields = await call('agent', 'POST', '/api/requests', {
      kind: 'incident',
      subject: 'Printer on fire',
      fields: { a: 1 },
    });
    expect(fields.body.error.details.path).toBe('/fields');
  });
});

describe("a template's fields in a workflow", () => {
  const workflow = {
    name: 'Welcome new hires',
    module: 'request',
    trigger: { event: 'request.created', kind: 'service-request' },
    start: 'is-onboarding',
    nodes: [
      {
        id: 'is-onboarding',
        kind: 'condition',
        match: 'all',
        rules: [
          { field: 'template', operator: 'equals', value: 'Employee On-boarding' },
          { field: 'department', operator: 'equals', value: 'IT' },
          { field: 'startDate', operator: 'starts with', value: '2030' },
        ],
        next: { true: 'welcome' },
      },
      {
        id: 'welcome',
        kind: 'action',
        title: 'Run Webhook',
        uses: '@actionhost/run-webhook@^1.0.0',
        inputs: {
          URL: 'https://127.0.0.1/welcome/#username#',
          'Request Type': 'POST',
          'Request JSON': { name: '#newHireName#', mail: '#customFields.email#', starts: '#startDate#' },
        },
      },
    ],
  };

  it('are placeholders and If Else fields once the template exists', async () => {
    const early = await call('editor', 'POST', '/api/workflows', workflow);
    expect(early.body.error.code).toBe('AH_PLACEHOLDER_UNKNOWN');

    await createTemplate();
    const created = await call('editor', 'POST', '/api/workflows', workflow);
    expect(created.status).toBe(201);
    expect((await call('editor', 'POST', `/api/workflows/${created.body.id}/publish`)).status).toBe(200);
    await call('agent', 'POST', '/api/requests', { template: 'Employee On-boarding', fields: newHire });
    await call('agent', 'POST', '/api/requests', {
      template: 'Employee On-boarding',
      fields: { ...newHire, username: 'bob', department: 'HR' },
    });
    await api.engine.drain();

    expect(api.runner.calls.map((c) => c.input)).toEqual([
      {
        URL: 'https://127.0.0.1/welcome/lizi',
        'Request Type': 'POST',
        'Request JSON': { name: 'Lizi Tester', mail: 'lizi@flotomate.local', starts: '2030-09-01' },
      },
    ]);
  });
});
