// One installed plugin version as the designer and the Plugins screen show it: its manifest (input and output
// JSON Schemas, capabilities, limits), integrity, mapping presets, and the workflows whose published version
// pins it.
import { z } from 'zod';
import type { WorkflowService } from '../../workflow/index.ts';
import type { PluginsPort } from '../ports.ts';
import type { RouteTable } from '../route.ts';
import { PluginVersionParams } from '../schemas.ts';

export const PluginVersionView = z.object({
  name: z.string(),
  version: z.string(),
  integrity: z.string(),
  installedAt: z.string(),
  manifest: z.record(z.string(), z.unknown()),
  /** Mapping presets by name: Input Mappings the plugin suggests. */
  mappings: z.record(z.string(), z.record(z.string(), z.unknown())),
  pinnedBy: z.array(
    z.object({ workflowId: z.string(), name: z.string().nullable(), publishedVersion: z.number().nullable() }),
  ),
});

export function registerPluginDetailRoutes(table: RouteTable, plugins: PluginsPort, workflows: WorkflowService): void {
  table.add({
    method: 'GET',
    url: '/api/plugins/:name/:version',
    role: 'editor',
    tag: 'plugins',
    summary:
      'One installed version (the name URL-encoded, e.g. %40actionhost%2Fci-linking): manifest, presets, pinning workflows',
    params: PluginVersionParams,
    response: PluginVersionView,
    handler: async ({ params }) => {
      const plugin = (await plugins.get(params.name, params.version)) as {
        name: string;
        version: string;
        integrity: string;
        installedAt: string;
        manifest: Record<string, unknown>;
      };
      const owners = await plugins.pins(params.name, params.version);
      return {
        name: plugin.name,
        version: plugin.version,
        integrity: plugin.integrity,
        installedAt: plugin.installedAt,
        manifest: plugin.manifest,
        mappings: (await plugins.mappings(params.name, params.version)) as Record<string, Record<string, unknown>>,
        pinnedBy: await Promise.all(
          owners.map(async (owner) => {
            const workflowId = owner.startsWith('workflow:') ? owner.slice('workflow:'.length) : owner;
            try {
              const workflow = await workflows.get(workflowId);
              return { workflowId, name: workflow.name, publishedVersion: workflow.published?.version ?? null };
            } catch {
              return { workflowId, name: null, publishedVersion: null };
            }
          }),
        ),
      };
    },
  });
}
