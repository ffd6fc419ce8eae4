// The admin action log over HTTP, for admins: a paged, filterable list (the console's view) and a JSON-lines
// export a SIEM can poll with `after=<last id>`.
import { Readable } from 'node:stream';
import { AdminActionExportQuery, AdminActionPage, AdminActionQuery, type AdminLog } from '../../admin-log/index.ts';
import type { RouteTable } from '../route.ts';

export function registerAdminLogRoutes(table: RouteTable, log: AdminLog): void {
  table.add({
    method: 'GET',
    url: '/api/admin-log',
    role: 'admin',
    tag: 'admin log',
    summary:
      'Who changed what and when (tokens, credentials, applications, App Integrations, plugins, workflows, settings), newest first; `next` is the `before` of the following page',
    query: AdminActionQuery,
    response: AdminActionPage,
    handler: ({ query }) => {
      const { limit, before, ...filter } = query;
      return log.page(filter, {
        ...(limit === undefined ? {} : { limit }),
        ...(before === undefined ? {} : { before }),
      });
    },
  });
  table.add({
    method: 'GET',
    url: '/api/admin-log/export',
    role: 'admin',
    tag: 'admin log',
    summary:
      'The admin action log as JSON lines (application/x-ndjson), oldest first, one entry per line; resume with after=<the last id read>',
    query: AdminActionExportQuery,
    handler: ({ query, reply }) => {
      const { after, ...filter } = query;
      const entries = log.entries(filter, after ?? 0);
      void reply.type('application/x-ndjson; charset=utf-8');
      // A generator read as the client takes it: the whole log is never in memory.
      return Readable.from(
        (async function* () {
          for await (const entry of entries) yield `${JSON.stringify(entry)}\n`;
        })(),
      );
    },
  });
}
