// One declaration per route: method, URL, role, zod schemas for params/query/body, handler. The same table
// registers the fastify route, checks the bearer token's role, validates input, and feeds the OpenAPI document.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ApiErrors, validationError } from './errors.ts';
import { roleAllows, type ApiTokens, type Role, type TokenInfo } from './auth.ts';
import type { ChangeRecorder } from './admin-actions.ts';

export interface RouteContext<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  token: TokenInfo | null;
  /** Who acts, for the audit trail: `token:<name>` (or `<kind>:<name>` for a route's own authentication). */
  actor: string;
  /** What the route's own `authenticate` returned (e.g. the connector a connector token belongs to). */
  subject: string | null;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec<
  B extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  P extends z.ZodType = z.ZodType,
> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** The role the route needs (admin passes everywhere), or any of several; 'public' needs no API token. */
  role: Role | readonly Role[] | 'public';
  /**
   * A public route's own authentication, run before the body is read (e.g. connector tokens, which are no API
   * tokens): returns who calls, or throws. `kind` prefixes the actor (`connector:<name>`).
   */
  authenticate?: { kind: string; verify(authorization: string | undefined): string | Promise<string> };
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** A raw body (e.g. a .tgz upload) with these media types instead of JSON. */
  rawBody?: { contentTypes: string[]; description: string };
  bodyLimit?: number;
  /** Status on success (default 200), or a function of the answer when it depends on what happened. */
  status?: number | ((result: unknown) => number);
  /** The response's zod schema, for the OpenAPI document. */
  response?: z.ZodType;
  handler(context: RouteContext<z.output<B>, z.output<Q>, z.output<P>>): unknown;
}

export class RouteTable {
  readonly routes: RouteSpec[] = [];
  readonly #app: FastifyInstance;
  readonly #tokens: ApiTokens;

  readonly #checkResponses: boolean;
  readonly #changes: ChangeRecorder | undefined;

  /**
   * `checkResponses` (tests) parses every answer with the route's response schema, so the OpenAPI document cannot
   * lie. `changes` writes every change a token makes to the admin action log, for every route, here in one place.
   */
  constructor(
    app: FastifyInstance,
    tokens: ApiTokens,
    options: { checkResponses?: boolean; changes?: ChangeRecorder } = {},
  ) {
    this.#app = app;
    this.#tokens = tokens;
    this.#checkResponses = options.checkResponses ?? false;
    this.#changes = options.changes;
  }

  add<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType>(spec: RouteSpec<B, Q, P>): void {
    this.routes.push(spec);
    const tokens = this.#tokens;
    this.#app.route({
      method: spec.method,
      url: spec.url,
      ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
      // Authentication runs before the body is read, so an anonymous caller cannot even make us parse it.
      onRequest: async (request) => {
        if (spec.role === 'public') {
          if (spec.authenticate) {
            (request as FastifyRequest & { subject?: string }).subject = await spec.authenticate.verify(
              request.headers.authorization,
            );
          }
          return;
        }
        const token = await authenticate(tokens, request.headers.authorization);
        const needed: readonly Role[] = typeof spec.role === 'string' ? [spec.role] : spec.role;
        if (!needed.some((role) => roleAllows(token.role, role))) {
          const names = needed.join(' or ');
          throw ApiErrors.forbidden({ role: names }, { role: token.role, needed: needed.join(',') });
        }
        (request as FastifyRequest & { token?: TokenInfo }).token = token;
      },
      handler: async (request, reply) => {
        const params = parse(spec.params, request.params, 'params');
        const query = parse(spec.query, request.query, 'query');
        const body = spec.rawBody ? request.body : parse(spec.body, request.body, 'body');
        const token = (request as FastifyRequest & { token?: TokenInfo }).token ?? null;
        const subject = (request as FastifyRequest & { subject?: string }).subject ?? null;
        // The before of a change is read before the handler runs; the entry is written once it succeeded.
        const change =
          token && this.#changes
            ? await this.#changes.begin({
                method: spec.method,
                url: spec.url,
                params: (params ?? {}) as Record<string, unknown>,
                body: spec.rawBody ? undefined : body,
                token,
                ip: request.ip,
              })
            : null;
        const result = await spec.handler({
          body,
          query,
          params,
          token,
          subject,
          actor: token
            ? `token:${token.name}`
            : subject !== null && spec.authenticate
              ? `${spec.authenticate.kind}:${subject}`
              : 'anonymous',
          request,
          reply,
        } as RouteContext<z.output<B>, z.output<Q>, z.output<P>>);
        if (this.#checkResponses && spec.response) {
          const checked = spec.response.safeParse(result);
          if (!checked.success) {
            throw ApiErrors.internal(
              { cause: `${spec.method} ${spec.url} answered outside its response schema` },
              {
                issues: checked.error.issues.map((issue) => ({ path: issue.path.join('/'), message: issue.message })),
              },
            );
          }
        }
        const status = typeof spec.status === 'function' ? spec.status(result) : (spec.status ?? 200);
        await change?.commit(result, status);
        reply.code(status);
        return result === undefined ? reply.send() : result;
      },
    });
  }
}

async function authenticate(tokens: ApiTokens, header: string | undefined): Promise<TokenInfo> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) throw ApiErrors.unauthenticated({ reason: 'send "Authorization: Bearer <token>"' });
  const token = await tokens.verify(match[1]);
  if (!token) throw ApiErrors.unauthenticated({ reason: 'the bearer token is not valid' });
  return token;
}

/** Deeper JSON than this is refused before validation: recursive schemas would otherwise exhaust the stack. */
const MAX_DEPTH = 64;

function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit) return true;
    for (const item of Object.values(current)) stack.push([item, depth + 1]);
  }
  return false;
}

function parse<S extends z.ZodType | undefined>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params',
): unknown {
  if (!schema) return value;
  if (depthExceeds(value, MAX_DEPTH))
    throw ApiErrors.validation(
      { what: where, path: '/', problem: `is nested deeper than ${MAX_DEPTH} levels` },
      { path: '/', in: where },
    );
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}
