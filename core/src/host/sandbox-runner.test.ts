// The engine with the real sandbox behind SandboxPluginRunner: the seed's Incident-CI Linking runs the built
// ci-linking plugin in an isolate, which links the CI through the itsm capability.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginManifest } from '@actionhost/sdk';
import { Sandbox } from '../sandbox/index.ts';
import { createItsmCapability } from '../capabilities/index.ts';
import { WorkflowEngine, WorkflowService } from '../workflow/index.ts';
import {
  FakeCatalog,
  executionsOf,
  incidentCiLinking,
  openSqliteWorld,
  sqlitePorts,
  type TestWorld,
} from '../workflow/workflow.fixtures.ts';
import { SandboxPluginRunner, type InstalledPlugins } from './sandbox-runner.ts';

const pluginDir = (name: string) => new URL(`../../../plugins/${name}/`, import.meta.url);
const realManifest = (name: string) =>
  PluginManifest.parse(JSON.parse(readFileSync(new URL('plugin.json', pluginDir(name)), 'utf8')));

describe('engine with the real sandbox', () => {
  let world: TestWorld;
  const manifest = realManifest('ci-linking');
  const code = readFileSync(new URL(manifest.entry, pluginDir('ci-linking')), 'utf8');
  let installedIntegrity = 'sha512-installed';

  beforeEach(async () => {
    world = await openSqliteWorld();
    installedIntegrity = 'sha512-installed';
  });
  afterEach(() => world.close());

  async function run() {
    const capabilitySandbox = new Sandbox({ workers: 1, capabilities: [createItsmCapability({ itsm: world.itsm })] });
    try {
      const plugins: InstalledPlugins = {
        get: (name, version) =>
          name === manifest.name && version === manifest.version ? { manifest, integrity: installedIntegrity } : null,
        readEntry: () => code,
      };
      const catalog = new FakeCatalog([
        { name: manifest.name, version: manifest.version, integrity: 'sha512-installed', manifest },
      ]);
      const runner = new SandboxPluginRunner({ sandbox: capabilitySandbox, plugins });
      const service = await WorkflowService.open({ db: world.db, catalog, runner });
      const engine = new WorkflowEngine({ ...sqlitePorts(world), requests: world.itsm, runner });
      const workflow = await service.publish(
        (
          await service.create(
            incidentCiLinking({
              nodes: [
                {
                  id: 'link',
                  kind: 'action',
                  title: 'Execute Plugin',
                  uses: `${manifest.name}@^1.0.0`,
                  inputs: { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' },
                },
              ],
            }),
          )
        ).id,
      );
      const ci = await world.itsm.createConfigurationItem({ name: 'web-01', ipAddress: '10.9.8.7' }, 'user:agent');
      const { request } = await world.itsm.createRequest(
        { kind: 'incident', subject: 'Web down', category: 'Hardware', customFields: { ipAddress: '10.9.8.7' } },
        'user:agent',
      );
      await world.itsm.updateRequest(request.internalId, { category: 'Network' }, 'user:agent');
      await engine.drain();
      const execution = await service.getExecution((await executionsOf(service, { workflowId: workflow.id }))[0].id);
      return { execution, ci, request };
    } finally {
      await capabilitySandbox.close();
    }
  }

  it('links the CI through the built ci-linking plugin and records the pinned version', async () => {
    const { execution, ci, request } = await run();
    expect(execution).toMatchObject({
      status: 'succeeded',
      steps: [{ nodeId: 'link', plugin: `${manifest.name}@${manifest.version}`, path: 'success' }],
    });
    expect((await world.itsm.listRelations(request.internalId)).map((relation) => relation.ciId)).toEqual([ci.id]);
    const audit = (await world.itsm.listAudit(request.internalId)).find((entry) => entry.kind === 'plugin.execution');
    expect(audit?.data).toMatchObject({
      plugin: `${manifest.name}@${manifest.version}`,
      integrity: 'sha512-installed',
      path: 'success',
    });
  });

  it('refuses to run a package whose integrity is not the pinned one', async () => {
    installedIntegrity = 'sha512-replaced';
    const { execution, request } = await run();
    expect(execution).toMatchObject({
      status: 'failed',
      steps: [{ status: 'failed', error: { code: 'AH_PLUGIN_INTEGRITY_MISMATCH' } }],
    });
    expect(await world.itsm.listRelations(request.internalId)).toEqual([]);
  });
});
