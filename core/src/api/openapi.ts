// The OpenAPI 3.1 document, generated from the route table's zod schemas (z.toJSONSchema). Shared definitions
// ($defs, e.g. the recursive JSON value) are hoisted into components.schemas so every $ref resolves.
import { z } from 'zod';
import type { RouteSpec } from './route.ts';

type JsonObject = Record<string, unknown>;

export function buildOpenApi(routes: readonly RouteSpec[], info: { title: string; version: string }): JsonObject {
  const components: Record<string, unknown> = {};
  let counter = 0;
  const schemaOf = (schema: z.ZodType): JsonObject => {
    const generated = z.toJSONSchema(schema, {
      io: 'input',
      unrepresentable: 'any',
      target: 'draft-2020-12',
    }) as JsonObject;
    const prefix = `S${counter++}_`;
    const defs = (generated.$defs ?? {}) as Record<string, unknown>;
    delete generated.$defs;
    delete generated.$schema;
    for (const [name, def] of Object.entries(defs)) components[prefix + name] = rewriteRefs(def, prefix);
    return rewriteRefs(generated, prefix) as JsonObject;
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', route.params],
      ['query', route.query],
    ] as const) {
      if (!schema) continue;
      const json = schemaOf(schema);
      const properties = (json.properties ?? {}) as Record<string, unknown>;
      const required = new Set((json.required ?? []) as string[]);
      for (const [name, property] of Object.entries(properties)) {
        parameters.push({ name, in: where, required: where === 'path' || required.has(name), schema: property });
      }
    }
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      ...(route.role !== 'public'
        ? { security: [{ bearer: [] }], 'x-role': route.role }
        : route.authenticate
          ? { security: [{ bearer: [] }], 'x-authenticated-as': route.authenticate.kind }
          : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      responses: {
        // A status that depends on the answer (201 created / 200 replaced) is documented as 2XX.
        [typeof route.status === 'function' ? '2XX' : String(route.status ?? 200)]: {
          description: 'success',
          ...(route.response ? { content: { 'application/json': { schema: schemaOf(route.response) } } } : {}),
        },
        default: {
          description: 'error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    };
    if (route.body)
      operation.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(route.body) } } };
    if (route.rawBody) {
      operation.requestBody = {
        required: true,
        description: route.rawBody.description,
        content: Object.fromEntries(
          route.rawBody.contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
        ),
      };
    }
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }
  components.Error = {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'details'],
        properties: {
          code: { type: 'string', description: 'stable code, e.g. AH_VALIDATION_FAILED' },
          message: { type: 'string' },
          details: { type: 'object', description: 'e.g. path: the JSON pointer of the offending value' },
        },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: components },
    paths,
  };
}

function rewriteRefs(value: unknown, prefix: string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, prefix));
  if (value === null || typeof value !== 'object') return value;
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] =
      key === '$ref' && typeof item === 'string' && item.startsWith('#/$defs/')
        ? `#/components/schemas/${prefix}${item.slice('#/$defs/'.length)}`
        : rewriteRefs(item, prefix);
  }
  return result;
}
