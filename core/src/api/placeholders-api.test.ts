// The placeholder language over the API: names resolve only as a request's (or an output's) own fields, and
// authoring mistakes come back as 400s with codes and JSON paths, never as 500s.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { incidentCiLinking } from '../workflow/workflow.fixtures.ts';
import { bearer, openApi, type TestApi } from './api.fixtures.ts';

let api: TestApi;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.close();
});

async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const response = await api.app.inject({
    method,
    url,
    headers: bearer(api.token.editor),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: response.statusCode, body: response.body ? response.json() : null };
}

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
