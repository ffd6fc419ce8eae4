// The placeholder language over the API: names resolve only as a request's (or an output's) own fields, and
// authoring mistakes come back as 400s with codes and JSON paths, never as 500s.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { incidentCiLinking } from '../workflow/workflow.fixtures.ts';
import { callApi, openApi, type Method, type TestApi } from './api.fixtures.ts';

let api: TestApi;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.close();
});

const call = (method: Method, url: string, payload?: unknown) => callApi(api, 'editor', method, url, payload);

function linking(requestId: string) {
  return incidentCiLinking({
    nodes: [
      {
        id: 'link',
        kind: 'action',
        title: 'Execute Plugin',
        uses: '@actionhost/ci-linking@^1',
        inputs: { 'Request.Id': requestId, 'Unique Identifier Type': 'ip address' },
      },
    ],
  });
}

describe('names of Object.prototype are no fields', () => {
  it.each([
    '#constructor#',
    '#__proto__#',
    '#hasOwnProperty.x#',
    '#toString.length#',
    '#valueOf#',
    'id #constructor.name#',
    '#requester.constructor#',
    '#nodes.link.output.constructor#',
  ])('refuses %s with 400 AH_PLACEHOLDER_UNKNOWN', async (value) => {
    const response = await call('POST', '/api/workflows', linking(value));
    expect([response.status, response.body.error.code, response.body.error.details.path]).toEqual([
      400,
      'AH_PLACEHOLDER_UNKNOWN',
      '/nodes/0/inputs/Request.Id',
    ]);
  });

  it.each(['valueOf.x', 'constructor', '__proto__', 'toString.length'])(
    'refuses the trigger field %s with 400 AH_PLACEHOLDER_UNKNOWN',
    async (field) => {
      const response = await call('POST', '/api/workflows', {
        ...incidentCiLinking(),
        trigger: { event: 'request.updated', field },
      });
      expect([response.status, response.body.error.code, response.body.error.details.path]).toEqual([
        400,
        'AH_PLACEHOLDER_UNKNOWN',
        '/trigger/field',
      ]);
    },
  );

  it('refuses an If Else field named after a prototype member', async () => {
    const response = await call('POST', '/api/workflows', {
      ...incidentCiLinking(),
      start: 'check',
      nodes: [
        {
          id: 'check',
          kind: 'condition',
          match: 'all',
          rules: [{ field: 'hasOwnProperty.x', operator: 'equals', value: 'x' }],
          next: { true: 'link' },
        },
        ...incidentCiLinking().nodes,
      ],
    });
    expect([response.status, response.body.error.code, response.body.error.details.path]).toEqual([
      400,
      'AH_PLACEHOLDER_UNKNOWN',
      '/nodes/0/rules/0/field',
    ]);
  });
});

describe('workflow authoring errors', () => {
  async function publish(definition: unknown) {
    const created = await call('POST', '/api/workflows', definition);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return call('POST', `/api/workflows/${created.body.id}/publish`);
  }

  it('reports every problem of a draft at once, each with its JSON path', async () => {
    const response = await call('POST', '/api/workflows', {
      ...incidentCiLinking(),
      start: 'link',
      nodes: [
        {
          id: 'link',
          kind: 'action',
          title: 'Execute Plugin',
          uses: '@actionhost/ci-linking@^1',
          inputs: { 'Request.Id': '#internalID#', 'Unique Identifier Type': '#ipAdress#' },
          next: { success: 'check' },
        },
        {
          id: 'check',
          kind: 'condition',
          source: 'ghost',
          match: 'all',
          rules: [{ field: 'subject', operator: 'contains' }],
        },
      ],
    });
    expect([response.status, response.body.error.code]).toEqual([400, 'AH_PLACEHOLDER_UNKNOWN']);
    const problems = response.body.error.details.problems as { code: string; path: string }[];
    expect(problems.map((problem) => [problem.code, problem.path])).toEqual([
      ['AH_PLACEHOLDER_UNKNOWN', '/nodes/0/inputs/Request.Id'],
      ['AH_PLACEHOLDER_UNKNOWN', '/nodes/0/inputs/Unique Identifier Type'],
      ['AH_SOURCE_NODE_UNKNOWN', '/nodes/1/source'],
      ['AH_CONDITION_VALUE_REQUIRED', '/nodes/1/rules/0/value'],
    ]);
  });

  it('names the valid fields of an unknown placeholder and suggests the nearest', async () => {
    const response = await call('POST', '/api/workflows', linking('#internalID#'));
    const { details, message } = response.body.error;
    expect(details.suggestion).toBe('#internalId#');
    expect(details.validFields).toEqual(
      expect.arrayContaining(['internalId', 'subject', 'requester.email', 'ipAddress']),
    );
    expect(message).toContain('#internalId#');
    const trigger = await call('POST', '/api/workflows', {
      ...incidentCiLinking(),
      trigger: { event: 'request.updated', field: 'categry' },
    });
    expect(trigger.body.error.details).toMatchObject({ path: '/trigger/field', suggestion: 'category' });
  });

  it("suggests from an upstream node's output schema at publish", async () => {
    const response = await publish(
      incidentCiLinking({
        start: 'link',
        nodes: [
          {
            id: 'link',
            kind: 'action',
            title: 'Execute Plugin',
            uses: '@actionhost/ci-linking@^1',
            inputs: { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' },
            next: { success: 'again' },
          },
          {
            id: 'again',
            kind: 'action',
            title: 'Again',
            uses: '@actionhost/active-directory@^1',
            inputs: { Action: 'Create New User', Username: 'u', mail: '#nodes.link.output.reasn#' },
          },
        ],
      }),
    );
    expect(response.body.error).toMatchObject({
      code: 'AH_PLACEHOLDER_UNKNOWN',
      details: { path: '/nodes/1/inputs/mail', suggestion: '#nodes.link.output.reason#' },
    });
    expect(response.body.error.details.validFields).toEqual(
      expect.arrayContaining(['nodes.link.output.linked', 'nodes.link.output.reason']),
    );
  });

  it('catches at publish a placeholder whose type cannot satisfy its key, all nodes at once', async () => {
    const response = await publish(
      incidentCiLinking({
        start: ['link', 'user'],
        nodes: [
          {
            id: 'link',
            kind: 'action',
            title: 'Execute Plugin',
            uses: '@actionhost/ci-linking@^1',
            inputs: { 'Request.Id': '#subject#', 'Unique Identifier Type': 'ip address' },
          },
          {
            id: 'user',
            kind: 'action',
            title: 'Create user',
            uses: '@actionhost/active-directory@^1',
            inputs: { Action: 'Create New User', Username: '#internalId#', userAccountControl: 'ID #internalId#' },
          },
        ],
      }),
    );
    expect([response.status, response.body.error.code]).toEqual([400, 'AH_MAPPING_TYPE']);
    const problems = response.body.error.details.problems as { path: string; placeholderTypes: string[] }[];
    expect(problems.map((problem) => [problem.path, problem.placeholderTypes])).toEqual([
      ['/nodes/0/inputs/Request.Id', ['string']],
      ['/nodes/1/inputs/Username', ['integer']],
      ['/nodes/1/inputs/userAccountControl', ['string']],
    ]);
    expect((await call('GET', '/api/workflows')).body[0].published).toBeNull();
  });

  it('lists the allowed values of an enum', async () => {
    const response = await publish(
      linkingWith({ 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip adress' }),
    );
    expect(response.body.error).toMatchObject({
      code: 'AH_MAPPING_TYPE',
      details: {
        path: '/nodes/0/inputs/Unique Identifier Type',
        allowedValues: ['ip address', 'hostname', 'mac address', 'serial number'],
      },
    });
    expect(response.body.error.message).toContain('"ip address", "hostname", "mac address", "serial number"');
  });
});

function linkingWith(inputs: Record<string, unknown>) {
  return incidentCiLinking({
    nodes: [{ id: 'link', kind: 'action', title: 'Execute Plugin', uses: '@actionhost/ci-linking@^1', inputs }],
  });
}
