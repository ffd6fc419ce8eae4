// Admin routes: credentials (the secret is write-only: no response ever carries it) and plugin packages.
import { z } from 'zod';
import { CredentialCreate, CredentialSummary } from '../../credentials/index.ts';
import { ApiErrors } from '../errors.ts';
import { CredentialNameParams } from '../schemas.ts';
import type { CredentialsPort, PluginsPort } from '../ports.ts';
import type { RouteTable } from '../route.ts';

export const PLUGIN_UPLOAD_LIMIT = 25 * 1024 * 1024;
export const TARBALL_MEDIA_TYPES = ['application/gzip', 'application/x-gzip', 'application/octet-stream'];

export function registerAdminRoutes(table: RouteTable, credentials: CredentialsPort, plugins: PluginsPort): void {
  table.add({
    method: 'POST',
    url: '/api/credentials',
    role: 'admin',
    tag: 'credentials',
    summary: 'Store a credential (the secret is write-only)',
    body: CredentialCreate,
    status: 201,
    response: CredentialSummary,
    // Re-shaped through the summary schema: only its fields ever leave the API, whatever the store hands back.
    handler: async ({ body }) => CredentialSummary.parse(await credentials.create(body.name, body.type, body.secret)),
  });
  table.add({
    method: 'GET',
    url: '/api/credentials',
    role: 'admin',
    tag: 'credentials',
    summary: 'List credentials (names and types only)',
    response: z.array(CredentialSummary),
    handler: async () => z.array(CredentialSummary).parse(await credentials.list()),
  });
  table.add({
    method: 'DELETE',
    url: '/api/credentials/:name',
    role: 'admin',
    tag: 'credentials',
    summary: 'Delete a credential',
    params: CredentialNameParams,
    status: 204,
    handler: async ({ params }) => {
      await credentials.delete(params.name);
    },
  });
  table.add({
    method: 'GET',
    url: '/api/plugins',
    // Editors read it too: the designer's palette lists installed plugins (installing stays admin-only).
    role: 'editor',
    tag: 'plugins',
    summary: 'List installed plugin versions',
    handler: () => plugins.list(),
  });
  table.add({
    method: 'POST',
    url: '/api/plugins',
    role: 'admin',
    tag: 'plugins',
    summary: 'Install a plugin package (.tgz), with the checks of `registry install`',
    rawBody: { contentTypes: TARBALL_MEDIA_TYPES, description: "the plugin package, as produced by the SDK's pack" },
    bodyLimit: PLUGIN_UPLOAD_LIMIT,
    status: 201,
    handler: ({ body }) => {
      // JSON (or any other parsed body) is not a package: only the raw media types arrive as a Buffer.
      if (!Buffer.isBuffer(body))
        throw ApiErrors.unsupportedMediaType({ hint: `upload the .tgz as ${TARBALL_MEDIA_TYPES.join(' or ')}` });
      if (body.length === 0)
        throw ApiErrors.validation({ what: 'upload', path: '/', problem: 'is empty' }, { path: '/' });
      return plugins.install({ tarball: body });
    },
  });
}
