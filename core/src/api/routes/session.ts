// Who the bearer token is: the console asks once after sign-in to know which screens to show (the server still
// checks every route's role on its own).
import { z } from 'zod';
import { Role } from '../auth.ts';
import { ApiErrors } from '../errors.ts';
import type { RouteTable } from '../route.ts';

export const SessionView = z.object({ name: z.string(), role: Role, createdAt: z.string() });

export function registerSessionRoutes(table: RouteTable): void {
  table.add({
    method: 'GET',
    url: '/api/session',
    role: ['agent', 'editor'],
    tag: 'host',
    summary: "The calling token's name and role",
    response: SessionView,
    handler: ({ token }) => {
      if (!token) throw ApiErrors.unauthenticated({ reason: 'send "Authorization: Bearer <token>"' });
      return { name: token.name, role: token.role, createdAt: token.createdAt };
    },
  });
}
