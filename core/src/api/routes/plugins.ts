// The supply chain of plugins: the publisher keys whose signatures this host trusts (the trust store of `registry
// trust`), and what each installed version may reach (its capability review, the difference between two versions,
// an admin's approval). GET/POST /api/plugins themselves are in admin.ts.
import { z } from 'zod';
import { CapabilityApproval, CapabilityReview, PluginDifference, TrustedKey } from '@actionhost/registry';
import type { PluginsPort } from '../ports.ts';
import type { RouteTable } from '../route.ts';
import { PluginDifferenceQuery, PluginVersionParams, TrustedKeyCreate, TrustedKeyParams } from '../schemas.ts';

export function registerPluginSupplyRoutes(table: RouteTable, plugins: PluginsPort): void {
  table.add({
    method: 'GET',
    url: '/api/plugins/:name/:version/capabilities',
    role: 'editor',
    tag: 'plugins',
    summary:
      'Whether what a version may reach is approved (who, when, what), and its difference against the highest ' +
      'other approved version, the version below it and each version a published workflow pins',
    params: PluginVersionParams,
    response: CapabilityReview,
    handler: async ({ params }) => CapabilityReview.parse(await plugins.review(params.name, params.version)),
  });
  table.add({
    method: 'GET',
    url: '/api/plugins/:name/:version/difference',
    role: 'editor',
    tag: 'plugins',
    summary:
      'What a version may reach and declares (capabilities, limits, paths, input/output schemas) that another does ' +
      'not: ?against=<version>, by default the highest other approved version (`registry info --diff`)',
    params: PluginVersionParams,
    query: PluginDifferenceQuery,
    response: PluginDifference,
    handler: async ({ params, query }) =>
      PluginDifference.parse(await plugins.difference(params.name, query.against, params.version)),
  });
  table.add({
    method: 'POST',
    url: '/api/plugins/:name/:version/capabilities/approval',
    role: 'admin',
    tag: 'plugins',
    summary:
      'Approve what a version may reach, so that workflows may publish with it (`registry approve`); an approval ' +
      'it has already stands as first recorded',
    params: PluginVersionParams,
    response: CapabilityApproval,
    handler: async ({ params, actor }) =>
      CapabilityApproval.parse(await plugins.approve(params.name, params.version, actor)),
  });
  table.add({
    method: 'GET',
    url: '/api/trusted-keys',
    role: 'admin',
    tag: 'plugins',
    summary: 'List the publisher keys whose package signatures this host trusts',
    response: z.array(TrustedKey),
    handler: async () => z.array(TrustedKey).parse(await plugins.trustedKeys()),
  });
  table.add({
    method: 'POST',
    url: '/api/trusted-keys',
    role: 'admin',
    tag: 'plugins',
    summary: 'Trust a publisher key (SPKI PEM or "ed25519:<base64>"); a key trusted already is answered as it was',
    body: TrustedKeyCreate,
    status: 201,
    response: TrustedKey,
    handler: async ({ body, actor }) =>
      TrustedKey.parse((await plugins.trust(body.publicKey, body.publisher, actor)).key),
  });
  table.add({
    method: 'DELETE',
    url: '/api/trusted-keys/:keyId',
    role: 'admin',
    tag: 'plugins',
    summary: 'Stop trusting a publisher key (installed packages it signed stay, shown as untrusted)',
    params: TrustedKeyParams,
    status: 204,
    handler: async ({ params }) => {
      await plugins.distrust(params.keyId);
    },
  });
}
