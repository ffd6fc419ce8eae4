// Token routes (admin): hand a service-desk agent an agent token, an automation an editor token; list and revoke
// them. The secret is in the POST answer only; the store keeps its sha256.
import { z } from 'zod';
import { CoreErrors } from '../../errors/index.ts';
import { TokenCreate, TokenCreated, TokenInfo, type ApiTokens } from '../auth.ts';
import type { RouteTable } from '../route.ts';

const TokenIdParams = z.object({ id: z.string().min(1).max(100) }).strict();

export function registerTokenRoutes(table: RouteTable, tokens: ApiTokens): void {
  table.add({
    method: 'POST',
    url: '/api/tokens',
    role: 'admin',
    tag: 'tokens',
    summary: 'Create an API token with a role (the secret is in this answer only)',
    body: TokenCreate,
    status: 201,
    response: TokenCreated,
    handler: ({ body }) => tokens.createToken(body.role, body.name, { expiresAt: body.expiresAt }),
  });
  table.add({
    method: 'GET',
    url: '/api/tokens',
    role: 'admin',
    tag: 'tokens',
    summary: 'List API tokens that are not revoked (never their secrets)',
    response: z.array(TokenInfo),
    handler: () => tokens.list(),
  });
  table.add({
    method: 'DELETE',
    url: '/api/tokens/:id',
    role: 'admin',
    tag: 'tokens',
    summary: 'Revoke an API token (refused for the last admin token that works)',
    params: TokenIdParams,
    status: 204,
    handler: async ({ params }) => {
      const token = await tokens.get(params.id);
      if (!token) throw CoreErrors.AH_TOKEN_NOT_FOUND({ id: params.id }, { id: params.id });
      if (token.role === 'admin' && (await tokens.usableAdmins(token.id)) === 0) {
        throw CoreErrors.AH_LAST_ADMIN_TOKEN({ id: token.id }, { id: token.id });
      }
      await tokens.revoke(token.id);
    },
  });
}
