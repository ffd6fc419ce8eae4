// Admin routes for Applications (directory connections bound with a stored credential) and App Integrations
// (saved uses of an application's plugin). Responses are re-shaped through the output schemas, so no field
// outside them (a secret) can ever leave, whatever the service hands back.
import { z } from 'zod';
import {
  AppIntegration,
  AppIntegrationCreate,
  Application,
  ApplicationCreate,
  ConnectionTestResult,
} from '../../applications/index.ts';
import type { ApplicationsPort } from '../ports.ts';
import type { RouteTable } from '../route.ts';

const NameParams = z.object({ name: z.string().min(1).max(200) }).strict();

export function registerApplicationRoutes(table: RouteTable, applications: ApplicationsPort): void {
  table.add({
    method: 'POST',
    url: '/api/applications',
    role: 'admin',
    tag: 'applications',
    summary:
      'Configure an application (e.g. Microsoft Active Directory); the bind password comes from a stored basic credential',
    body: ApplicationCreate,
    status: 201,
    response: Application,
    handler: async ({ body, actor }) => Application.parse(await applications.createApplication(body, actor)),
  });
  table.add({
    method: 'GET',
    url: '/api/applications',
    role: 'admin',
    tag: 'applications',
    summary: 'List applications',
    response: z.array(Application),
    handler: async () => z.array(Application).parse(await applications.listApplications()),
  });
  table.add({
    method: 'GET',
    url: '/api/applications/:name',
    role: 'admin',
    tag: 'applications',
    summary: 'Read an application (by name or id)',
    params: NameParams,
    response: Application,
    handler: async ({ params }) => Application.parse(await applications.getApplication(params.name)),
  });
  table.add({
    method: 'PUT',
    url: '/api/applications/:name',
    role: 'admin',
    tag: 'applications',
    summary: "Replace an application's settings (same body as create); it keeps its id",
    params: NameParams,
    body: ApplicationCreate,
    response: Application,
    handler: async ({ params, body, actor }) =>
      Application.parse(await applications.updateApplication(params.name, body, actor)),
  });
  table.add({
    method: 'DELETE',
    url: '/api/applications/:name',
    role: 'admin',
    tag: 'applications',
    summary: 'Delete an application (refused while an App Integration uses it)',
    params: NameParams,
    status: 204,
    handler: async ({ params }) => {
      await applications.deleteApplication(params.name);
    },
  });
  table.add({
    method: 'POST',
    url: '/api/applications/:name/test-connection',
    role: 'admin',
    tag: 'applications',
    summary: "Test Connection: bind with the application's credential and read its base DN",
    params: NameParams,
    response: ConnectionTestResult,
    handler: async ({ params, reply }) => {
      // a client that goes away stops the test instead of leaving a bind running
      const controller = new AbortController();
      const onClose = () => {
        if (!reply.raw.writableFinished) controller.abort();
      };
      reply.raw.once('close', onClose);
      try {
        return ConnectionTestResult.parse(await applications.testConnection(params.name, controller.signal));
      } finally {
        reply.raw.off('close', onClose);
      }
    },
  });
  table.add({
    method: 'POST',
    url: '/api/app-integrations',
    role: 'admin',
    tag: 'app integrations',
    summary: 'Save an App Integration: an application, its plugin, an action and default Input Mappings',
    body: AppIntegrationCreate,
    status: 201,
    response: AppIntegration,
    handler: async ({ body, actor }) => AppIntegration.parse(await applications.createAppIntegration(body, actor)),
  });
  table.add({
    method: 'GET',
    url: '/api/app-integrations',
    role: 'admin',
    tag: 'app integrations',
    summary: 'List App Integrations',
    response: z.array(AppIntegration),
    handler: async () => z.array(AppIntegration).parse(await applications.listAppIntegrations()),
  });
  table.add({
    method: 'GET',
    url: '/api/app-integrations/:name',
    role: 'admin',
    tag: 'app integrations',
    summary: 'Read an App Integration (by name or id)',
    params: NameParams,
    response: AppIntegration,
    handler: async ({ params }) => AppIntegration.parse(await applications.getAppIntegration(params.name)),
  });
  table.add({
    method: 'PUT',
    url: '/api/app-integrations/:name',
    role: 'admin',
    tag: 'app integrations',
    summary: 'Replace an App Integration (same body as create)',
    params: NameParams,
    body: AppIntegrationCreate,
    response: AppIntegration,
    handler: async ({ params, body }) =>
      AppIntegration.parse(await applications.updateAppIntegration(params.name, body)),
  });
  table.add({
    method: 'DELETE',
    url: '/api/app-integrations/:name',
    role: 'admin',
    tag: 'app integrations',
    summary: 'Delete an App Integration',
    params: NameParams,
    status: 204,
    handler: async ({ params }) => {
      await applications.deleteAppIntegration(params.name);
    },
  });
}
