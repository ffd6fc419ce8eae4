// Publishing: plugin resolution, Input Mapping checks against the plugin's schema, pinning, and Test Connection.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryErrors } from '@actionhost/registry';
import { WorkflowService } from '../index.ts';
import type { AppIntegrationResolver } from './ports.ts';
import {
  FakeCatalog,
  FakeRunner,
  ciLinking,
  incidentCiLinking,
  openWorld,
  runWebhook,
  type TestWorld,
} from '../workflow.fixtures.ts';
import { BACKENDS } from '../../store/database.fixtures.ts';

let world: TestWorld;
let catalog: FakeCatalog;
let runner: FakeRunner;
let service: WorkflowService;
const appIntegrations: AppIntegrationResolver = {
  resolveAppIntegration: (name) =>
    name === 'AD App'
      ? {
          applicationId: 'app-ad',
          plugin: { name: '@actionhost/run-webhook', range: '^1.0.0' },
          mappings: { 'Request Type': 'POST', URL: 'http://127.0.0.1/ad' },
        }
      : null,
};

describe.each(BACKENDS)('publishing on %s', (backend) => {
  beforeEach(async () => {
    world = await openWorld(backend);
    catalog = new FakeCatalog([ciLinking('1.0.0'), ciLinking('1.2.0'), ciLinking('2.0.0'), runWebhook('1.0.0')]);
    runner = new FakeRunner();
    service = await WorkflowService.open({ db: world.db, catalog, runner, appIntegrations });
  });
  afterEach(() => world.close());

  async function publishFails(definition: unknown): Promise<{ code: string; details: Record<string, unknown> }> {
    const workflow = await service.create(definition);
    const error = await service.publish(workflow.id).then(
      () => null,
      (e: unknown) => e as { code: string; details: Record<string, unknown> },
    );
    if (!error) throw new Error('expected publish to fail');
    expect((await service.get(workflow.id)).published).toBeNull();
    expect(catalog.pins.get(`workflow:${workflow.id}`)).toBeUndefined();
    return error;
  }

  const withInputs = (inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    incidentCiLinking({
      nodes: [
        {
          id: 'link',
          kind: 'action',
          title: 'Execute Plugin',
          uses: '@actionhost/ci-linking@^1.0.0',
          inputs: inputs,
          ...extra,
        },
      ],
    });

  describe('publishing a workflow', () => {
    it('pins the highest installed version satisfying the range, with its integrity', async () => {
      const workflow = await service.publish((await service.create(incidentCiLinking())).id);
      expect(workflow.published).toMatchObject({
        version: 1,
        plugins: { link: { name: '@actionhost/ci-linking', version: '1.2.0', integrity: 'sha512-ci-linking-1.2.0' } },
      });
      expect([...catalog.pins.get(`workflow:${workflow.id}`)!]).toEqual(['@actionhost/ci-linking@1.2.0']);
    });

    it('is not changed by a later install until it is published again', async () => {
      const { id } = await service.publish((await service.create(incidentCiLinking())).id);
      catalog.install(ciLinking('1.3.0'));
      expect((await service.get(id)).published?.plugins.link.version).toBe('1.2.0');
      expect((await service.repository.getPublished(id))?.actions.link.version).toBe('1.2.0');
      const again = await service.publish(id);
      expect(again.published).toMatchObject({ version: 2, plugins: { link: { version: '1.3.0' } } });
      expect([...catalog.pins.get(`workflow:${id}`)!]).toEqual(['@actionhost/ci-linking@1.3.0']);
    });

    it('keeps running the published version while the draft changes', async () => {
      const { id } = await service.publish((await service.create(incidentCiLinking())).id);
      await service.update(id, { ...incidentCiLinking(), name: 'Renamed draft' });
      expect(await service.get(id)).toMatchObject({ name: 'Renamed draft', revision: 2, published: { version: 1 } });
      expect((await service.repository.getPublished(id))?.definition.name).toBe('Incident-CI Linking');
    });

    it('rejects an unknown plugin with 409, the range asked for and no installed version', async () => {
      const error = await publishFails(withInputs({}, { uses: '@acme/nothing@^1.0.0' }));
      expect(error).toMatchObject({
        code: 'AH_PLUGIN_NOT_FOUND',
        status: 409,
        details: { path: '/nodes/0/uses', node: 'link', plugin: '@acme/nothing', range: '^1.0.0', installed: [] },
      });
    });

    it('rejects a range no installed version satisfies with 409, listing what is installed', async () => {
      const error = await publishFails(withInputs({}, { uses: '@actionhost/ci-linking@^3.0.0' }));
      expect(error).toMatchObject({
        code: 'AH_PLUGIN_VERSION_NO_MATCH',
        status: 409,
        details: { path: '/nodes/0/uses', range: '^3.0.0', installed: ['2.0.0'] },
      });
    });

    it("turns the registry's not-found answers into 409s with the installed versions", async () => {
      const registry = {
        resolve: (name: string, range: string) => {
          if (name === '@actionhost/ci-linking') throw RegistryErrors.versionNotFound(name, range, ['2.0.0', '1.2.0']);
          throw RegistryErrors.pluginNotFound(name);
        },
        pin: () => undefined,
        unpin: () => undefined,
      };
      service = await WorkflowService.open({ db: world.db, catalog: registry, runner, appIntegrations });
      expect(await publishFails(withInputs({}, { uses: '@actionhost/ci-linking@^3.0.0' }))).toMatchObject({
        code: 'AH_PLUGIN_VERSION_NO_MATCH',
        status: 409,
        details: { path: '/nodes/0/uses', range: '^3.0.0', installed: ['2.0.0', '1.2.0'] },
      });
      expect(await publishFails(withInputs({}, { uses: '@acme/nothing@^1.0.0' }))).toMatchObject({
        code: 'AH_PLUGIN_NOT_FOUND',
        status: 409,
        details: { path: '/nodes/0/uses', range: '^1.0.0', installed: [] },
      });
    });

    it('rejects a mapping key the plugin does not take, naming node and key', async () => {
      const error = await publishFails(
        withInputs({ 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address', Colour: 'red' }),
      );
      expect(error).toMatchObject({
        code: 'AH_MAPPING_KEY_UNKNOWN',
        details: { path: '/nodes/0/inputs/Colour', node: 'link', key: 'Colour' },
      });
    });

    it('rejects literal values of the wrong type and accepts placeholders', async () => {
      expect(
        await publishFails(withInputs({ 'Request.Id': 'forty-two', 'Unique Identifier Type': 'ip address' })),
      ).toMatchObject({ code: 'AH_MAPPING_TYPE', details: { path: '/nodes/0/inputs/Request.Id', key: 'Request.Id' } });
      expect(await publishFails(withInputs({ 'Request.Id': 1, 'Unique Identifier Type': 'ip' }))).toMatchObject({
        code: 'AH_MAPPING_TYPE',
        details: { key: 'Unique Identifier Type' },
      });
      const ok = await service.create(
        withInputs({ 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' }),
      );
      await expect(service.publish(ok.id)).resolves.toMatchObject({ published: { version: 1 } });
    });

    it('rejects a missing required mapping', async () => {
      expect(await publishFails(withInputs({ 'Request.Id': '#internalId#' }))).toMatchObject({
        code: 'AH_MAPPING_REQUIRED',
        details: { path: '/nodes/0/inputs/Unique Identifier Type', key: 'Unique Identifier Type' },
      });
    });

    it('rejects an edge on an output path the plugin does not have', async () => {
      const definition = {
        ...withInputs(
          { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' },
          { next: { timeout: 'other' } },
        ),
      };
      definition.nodes.push({
        id: 'other',
        kind: 'action',
        title: 'x',
        uses: '@actionhost/ci-linking@^1',
        inputs: { 'Request.Id': 1, 'Unique Identifier Type': 'hostname' },
      });
      expect(await publishFails(definition)).toMatchObject({
        code: 'AH_OUTPUT_PATH_UNKNOWN',
        details: { path: '/nodes/0/next/timeout' },
      });
    });

    it("rejects a placeholder outside the upstream plugin's output schema", async () => {
      const definition = withInputs(
        { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' },
        { next: { success: 'notify' } },
      );
      definition.nodes.push({
        id: 'notify',
        kind: 'action',
        title: 'Notify',
        uses: '@actionhost/run-webhook@^1',
        source: 'link',
        inputs: { URL: 'http://127.0.0.1/#nodes.link.output.linked.0#/#reason#', 'Request Type': 'GET' },
      });
      await expect(service.publish((await service.create(definition)).id)).resolves.toBeTruthy();
      (definition.nodes[1] as { inputs: Record<string, string> }).inputs.URL =
        'http://127.0.0.1/#nodes.link.output.ciName#';
      expect(await publishFails(definition)).toMatchObject({
        code: 'AH_PLACEHOLDER_UNKNOWN',
        details: { path: '/nodes/1/inputs/URL' },
      });
    });

    it('resolves an App Integration to its application, plugin and default mappings', async () => {
      const definition = {
        name: 'On-boarding',
        module: 'request',
        trigger: { event: 'request.created' },
        start: 'ad',
        nodes: [
          {
            id: 'ad',
            kind: 'action',
            title: 'Execute App Integration',
            appIntegration: 'AD App',
            inputs: { URL: 'http://127.0.0.1/users/#requester.username#' },
          },
        ],
      };
      const workflow = await service.publish((await service.create(definition)).id);
      expect(workflow.published?.plugins.ad).toMatchObject({
        name: '@actionhost/run-webhook',
        version: '1.0.0',
        applicationId: 'app-ad',
      });
      expect((await service.repository.getPublished(workflow.id))?.actions.ad.inputs).toEqual({
        'Request Type': 'POST',
        URL: 'http://127.0.0.1/users/#requester.username#',
      });
      expect(
        await publishFails({ ...definition, nodes: [{ ...definition.nodes[0], appIntegration: 'Nope' }] }),
      ).toMatchObject({ code: 'AH_APP_INTEGRATION_UNKNOWN', details: { path: '/nodes/0/appIntegration' } });
    });
  });

  describe('Test Connection', () => {
    it("runs the plugin's testConnection entry with mappings built from sample data", async () => {
      runner.on('@actionhost/run-webhook', (input, options) => ({
        path: 'success',
        output: { status: 200, body: `${options.entry}:${input.URL}` },
      }));
      const definition = {
        name: 'Hook',
        module: 'request',
        trigger: { event: 'request.created' },
        start: 'hook',
        nodes: [
          {
            id: 'hook',
            kind: 'action',
            title: 'Run Webhook',
            uses: '@actionhost/run-webhook@^1',
            inputs: { URL: 'http://127.0.0.1/t/#internalId#', 'Request Type': 'GET', Password: 'hunter22' },
          },
        ],
      };
      const workflow = await service.create(definition);
      const result = await service.testConnection(workflow.id, 'hook', { request: { internalId: 7 } });
      expect(result).toMatchObject({
        plugin: '@actionhost/run-webhook@1.0.0',
        path: 'success',
        output: { body: 'testConnection:http://127.0.0.1/t/7' },
      });
      expect(result.inputs).toMatchObject({ Password: '[REDACTED]' });
      expect(runner.calls[0].options.entry).toBe('testConnection');
      expect((await service.listExecutions({ workflowId: workflow.id })).executions).toEqual([]);
    });

    it('refuses a plugin without Test Connection and an unknown node', async () => {
      const workflow = await service.create(incidentCiLinking());
      await expect(service.testConnection(workflow.id, 'link')).rejects.toMatchObject({
        code: 'AH_TEST_CONNECTION_UNSUPPORTED',
      });
      await expect(service.testConnection(workflow.id, 'ghost')).rejects.toMatchObject({ code: 'AH_NODE_NOT_FOUND' });
    });
  });
});
