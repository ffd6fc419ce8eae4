// Secrets typed into a node over the API: header values sealed by default (unless marked public), one "#" rule for
// every field, and { "$literal": ... } for text taken exactly as typed. What the plugin receives is checked too.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callApi, openApi, type Method, type TestApi } from './api.fixtures.ts';

let api: TestApi;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.close();
});

const call = (method: Method, url: string, payload?: unknown) => callApi(api, 'editor', method, url, payload);

function webhookWorkflow(inputs: Record<string, unknown>) {
  return {
    name: 'Typed secrets',
    module: 'request',
    trigger: { event: 'request.created' },
    nodes: [
      {
        id: 'hook',
        kind: 'action',
        title: 'Run Webhook',
        uses: '@actionhost/run-webhook@^1',
        inputs: { URL: 'http://127.0.0.1:9/hook', 'Request Type': 'POST', ...inputs },
      },
    ],
  };
}

/** Publishes the workflow, raises a request and returns what the plugin was given. */
async function inputsReceived(workflowId: string): Promise<Record<string, unknown>> {
  expect((await call('POST', `/api/workflows/${workflowId}/publish`)).status).toBe(200);
  await api.world.itsm.createRequest({ kind: 'incident', subject: 'x' }, 'user:agent');
  await api.engine.drain();
  return api.runner.calls.at(-1)!.input;
}

const KEY_1 = 'ocp-key-0123456789abcdef';
const KEY_2 = 'x-auth-key-fedcba9876543210';

describe('header values', () => {
  it('are sealed by default, whatever the header is called, and still sent', async () => {
    const created = await call(
      'POST',
      '/api/workflows',
      webhookWorkflow({
        Headers: { 'Ocp-Apim-Subscription-Key': KEY_1, 'X-Auth-Key': KEY_2, 'X-Trace': 'req-#internalId#' },
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body.definition.nodes[0].inputs.Headers).toEqual({
      'Ocp-Apim-Subscription-Key': { $sealed: expect.any(String) },
      'X-Auth-Key': { $sealed: expect.any(String) },
      'X-Trace': 'req-#internalId#', // a template: its value is read at run time
    });
    const read = await call('GET', `/api/workflows/${created.body.id}`);
    const stored = (await api.world.db.query('SELECT definition FROM workflows')).rows;
    for (const text of [created.text, read.text, JSON.stringify(stored)]) {
      expect(text).not.toContain(KEY_1);
      expect(text).not.toContain(KEY_2);
    }
    const received = await inputsReceived(created.body.id);
    expect(received.Headers).toEqual({
      'Ocp-Apim-Subscription-Key': KEY_1,
      'X-Auth-Key': KEY_2,
      'X-Trace': expect.stringMatching(/^req-\d+$/),
    });
    const [execution] = (await api.workflows.listExecutions()).executions;
    const steps = JSON.stringify(await api.workflows.getExecution(execution.id));
    expect(steps).not.toContain(KEY_1);
    expect(steps).not.toContain(KEY_2);
  });

  it('stay in plain text when marked { "$public": ... }, with the same "#" rule', async () => {
    const created = await call(
      'POST',
      '/api/workflows',
      webhookWorkflow({ Headers: { Accept: { $public: 'application/json' }, 'X-Tag': { $public: 't##1' } } }),
    );
    expect(created.body.definition.nodes[0].inputs.Headers).toEqual({
      Accept: { $public: 'application/json' },
      'X-Tag': { $public: 't##1' },
    });
    expect((await inputsReceived(created.body.id)).Headers).toEqual({ Accept: 'application/json', 'X-Tag': 't#1' });
  });
});

describe('one "#" rule for every field', () => {
  it('refuses a lone "#" in a secret field as in any other, without echoing the value', async () => {
    const response = await call(
      'POST',
      '/api/workflows',
      webhookWorkflow({ 'Credential Type': 'Basic Auth', Username: 'svc', Password: 'p#wSecret' }),
    );
    expect([response.status, response.body.error.code, response.body.error.details.path]).toEqual([
      400,
      'AH_PLACEHOLDER_SYNTAX',
      '/nodes/0/inputs/Password',
    ]);
    expect(response.text).not.toContain('p#wSecret');
  });

  it('sends "##" as "#" in a saved secret, a header and a plain field alike', async () => {
    const created = await call(
      'POST',
      '/api/workflows',
      webhookWorkflow({
        'Credential Type': 'Basic Auth',
        Username: 'svc##1',
        Password: 'Rst!Passw0rd##42',
        Headers: { 'X-Token': 't##1' },
      }),
    );
    expect(created.status).toBe(201);
    const received = await inputsReceived(created.body.id);
    expect(received).toMatchObject({ Username: 'svc#1', Password: 'Rst!Passw0rd#42', Headers: { 'X-Token': 't#1' } });
  });

  it('takes { "$literal": ... } exactly as typed and seals it in a secret field', async () => {
    const created = await call(
      'POST',
      '/api/workflows',
      webhookWorkflow({
        'Credential Type': 'Basic Auth',
        Username: { $literal: 'svc#1' },
        Password: { $literal: 'p#w ##x #subject#' },
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body.definition.nodes[0].inputs).toMatchObject({
      Username: { $literal: 'svc#1' },
      Password: { $sealed: expect.any(String) },
    });
    expect(created.text).not.toContain('p#w ##x');
    const received = await inputsReceived(created.body.id);
    expect(received).toMatchObject({ Username: 'svc#1', Password: 'p#w ##x #subject#' });
  });

  it('keeps a sealed value that is sent back unchanged, and refuses one that does not open here', async () => {
    const created = await call(
      'POST',
      '/api/workflows',
      webhookWorkflow({ 'Credential Type': 'Basic Auth', Username: 'svc', Password: 'kept-secret-1' }),
    );
    const definition = created.body.definition;
    const again = await call('PUT', `/api/workflows/${created.body.id}`, definition);
    expect(again.status).toBe(200);
    expect(again.body.definition.nodes[0].inputs.Password).toEqual(definition.nodes[0].inputs.Password);
    expect((await inputsReceived(created.body.id)).Password).toBe('kept-secret-1');

    const forged = structuredClone(definition);
    forged.nodes[0].inputs.Password = { $sealed: 'v1.0000000000000000.AAAA.AAAA.AAAA' };
    const refused = await call('PUT', `/api/workflows/${created.body.id}`, forged);
    expect([refused.status, refused.body.error.code, refused.body.error.details.path]).toEqual([
      400,
      'AH_SEALED_VALUE_INVALID',
      '/nodes/0/inputs/Password',
    ]);
    const sealedForAnotherPurpose = { $sealed: api.credentials.sealValue('app-integration', 'admin-only-secret') };
    forged.nodes[0].inputs.Password = sealedForAnotherPurpose;
    expect((await call('PUT', `/api/workflows/${created.body.id}`, forged)).body.error.code).toBe(
      'AH_SEALED_VALUE_INVALID',
    );
  });

  it('refuses a value form that holds no string', async () => {
    const response = await call('POST', '/api/workflows', webhookWorkflow({ Password: { $literal: 5 } }));
    expect([response.status, response.body.error.code, response.body.error.details.path]).toEqual([
      400,
      'AH_VALIDATION_FAILED',
      '/nodes/0/inputs/Password',
    ]);
  });
});

describe('sealed values are bound to where they were typed', () => {
  const API_KEY = 'bound-api-key-0123456789';
  const PASSWORD = 'Bound!Passw0rd-42';

  type SavedInputs = Record<string, unknown> & { Headers: Record<string, unknown> };
  interface SavedWorkflow {
    id: string;
    definition: Record<string, unknown> & { nodes: (Record<string, unknown> & { inputs: SavedInputs })[] };
  }

  /** A saved workflow whose node `hook` holds a sealed header value and a sealed password. */
  async function saved(url = 'http://127.0.0.1:9/hook') {
    const created = await call(
      'POST',
      '/api/workflows',
      webhookWorkflow({
        URL: url,
        'Credential Type': 'Basic Auth',
        Username: 'svc',
        Password: PASSWORD,
        Headers: { 'X-Api-Key': API_KEY },
      }),
    );
    expect(created.status).toBe(201);
    return created.body as SavedWorkflow;
  }

  it('does not open in another workflow: the save refuses the copy, and a planted copy is never sent', async () => {
    const victim = await saved();
    const { Headers: headers } = victim.definition.nodes[0].inputs;
    const stolen = headers['X-Api-Key'];
    const copy = webhookWorkflow({ URL: 'http://127.0.0.1:7/mine', Headers: { 'X-Api-Key': stolen } });
    const refused = await call('POST', '/api/workflows', copy);
    expect([refused.status, refused.body.error.code, refused.body.error.details.path]).toEqual([
      400,
      'AH_SEALED_VALUE_INVALID',
      '/nodes/0/inputs/Headers/X-Api-Key',
    ]);
    // Even stored without a save's checks (a definition written before values were bound), it opens nowhere.
    const own = await call('POST', '/api/workflows', webhookWorkflow({ URL: 'http://127.0.0.1:7/mine' }));
    await api.workflows.repository.updateWorkflow(own.body.id, copy as never);
    const tested = await call('POST', `/api/workflows/${own.body.id}/nodes/hook/test-connection`, {
      sendRealRequest: true,
    });
    expect([tested.status, tested.body.error.code]).toEqual([400, 'AH_SEALED_VALUE_INVALID']);
    const published = await call('POST', `/api/workflows/${own.body.id}/publish`);
    expect([published.status, published.body.error.code]).toEqual([400, 'AH_SEALED_VALUE_INVALID']);
    expect(api.runner.calls).toEqual([]);
  });

  it('does not open in another node or under another key of the same workflow', async () => {
    const victim = await saved();
    const inputs = victim.definition.nodes[0].inputs;
    const moved = {
      ...victim.definition,
      nodes: [
        { ...victim.definition.nodes[0], inputs: { ...inputs, Headers: { 'X-Other': inputs.Headers['X-Api-Key'] } } },
      ],
    };
    const renamed = await call('PUT', `/api/workflows/${victim.id}`, moved);
    expect([renamed.status, renamed.body.error.code, renamed.body.error.details.path]).toEqual([
      400,
      'AH_SEALED_VALUE_INVALID',
      '/nodes/0/inputs/Headers/X-Other',
    ]);
    const otherNode = { ...victim.definition, nodes: [{ ...victim.definition.nodes[0], id: 'hook2' }] };
    const renumbered = await call('PUT', `/api/workflows/${victim.id}`, otherNode);
    expect([renumbered.status, renumbered.body.error.code]).toEqual([400, 'AH_SEALED_VALUE_INVALID']);
  });

  it('refuses at save a node whose URL moved to another origin, listing every sealed value at once', async () => {
    const victim = await saved();
    const node = victim.definition.nodes[0];
    for (const url of ['http://127.0.0.1:7/hook', 'https://127.0.0.1:9/hook', 'http://localhost:9/hook']) {
      const moved = { ...victim.definition, nodes: [{ ...node, inputs: { ...node.inputs, URL: url } }] };
      const refused = await call('PUT', `/api/workflows/${victim.id}`, moved);
      expect([refused.status, refused.body.error.code]).toEqual([400, 'AH_SEALED_VALUE_INVALID']);
      const paths = (refused.body.error.details.problems as { path: string }[]).map((problem) => problem.path);
      expect(paths.sort()).toEqual(['/nodes/0/inputs/Headers/X-Api-Key', '/nodes/0/inputs/Password']);
    }
    // The stored draft still holds the node as it was: it runs and sends the secrets to their own origin.
    const received = await inputsReceived(victim.id);
    expect(received).toMatchObject({ URL: 'http://127.0.0.1:9/hook', Password: PASSWORD });
  });

  it('keeps working in the same node at the same origin when other things change', async () => {
    const victim = await saved();
    const node = victim.definition.nodes[0];
    const edited = {
      ...victim.definition,
      name: 'Renamed',
      nodes: [
        {
          ...node,
          title: 'Call the hook',
          inputs: { ...node.inputs, URL: 'http://127.0.0.1:9/other/path?x=#internalId#', 'Request Type': 'PUT' },
        },
      ],
    };
    const saved2 = await call('PUT', `/api/workflows/${victim.id}`, edited);
    expect(saved2.status).toBe(200);
    const received = await inputsReceived(victim.id);
    expect(received).toMatchObject({ Password: PASSWORD, Headers: { 'X-Api-Key': API_KEY } });
    expect(received.URL).toMatch(/^http:\/\/127\.0\.0\.1:9\/other\/path\?x=\d+$/);
  });

  it('refuses a typed secret in a node whose URL host is a placeholder', async () => {
    const refused = await call(
      'POST',
      '/api/workflows',
      webhookWorkflow({ URL: 'http://#customFields.host#/hook', Headers: { 'X-Api-Key': API_KEY } }),
    );
    expect([refused.status, refused.body.error.code, refused.body.error.details.path]).toEqual([
      400,
      'AH_SEALED_VALUE_INVALID',
      '/nodes/0/inputs/Headers/X-Api-Key',
    ]);
    expect(refused.text).not.toContain(API_KEY);
  });
});
