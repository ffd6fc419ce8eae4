// The supply chain of plugins for admins: the publisher keys whose signatures this host trusts (the trust store of
// `registry trust`). GET/POST /api/plugins themselves are in admin.ts.
import { z } from 'zod';
import { TrustedKey } from '@actionhost/registry';
import type { PluginsPort } from '../ports.ts';
import type { RouteTable } from '../route.ts';
import { TrustedKeyCreate, TrustedKeyParams } from '../schemas.ts';

export function registerPluginSupplyRoutes(table: RouteTable, plugins: PluginsPort): void {
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
