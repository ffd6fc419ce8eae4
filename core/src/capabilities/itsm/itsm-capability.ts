// The `itsm` capability: what `ctx.itsm.*` does on the host. Each method needs its scope in the plugin's
// manifest; arguments are untrusted JSON from the guest and are validated; results are the sdk ABI shapes.
import { z } from 'zod';
import type {
  ItsmConfigurationItem,
  ItsmRelation,
  ItsmRequest,
  ItsmScope,
  Json,
  PluginManifest,
} from '@actionhost/sdk';
import type { Capability, InvocationScope } from '../capability.ts';
import type { ItsmService, Request, ConfigurationItem } from '../../itsm/index.ts';
import { CiIdentifierField } from '../../itsm/index.ts';
import { ItsmCapabilityErrors } from './errors.ts';

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Per method: the scopes any one of which allows it, and its argument tuple. */
const METHODS = {
  getRequest: { scopes: ['requests:read'], args: z.tuple([id]) },
  findConfigurationItems: {
    scopes: ['cmdb:read'],
    args: z.tuple([z.object({ field: CiIdentifierField, value: z.string().trim().min(1).max(300) }).strict()]),
  },
  linkConfigurationItem: { scopes: ['relations:write'], args: z.tuple([id, id]) },
  listRelations: { scopes: ['relations:read', 'relations:write'], args: z.tuple([id]) },
} as const satisfies Record<string, { scopes: readonly ItsmScope[]; args: z.ZodType }>;

type MethodName = keyof typeof METHODS;

export interface ItsmCapabilityOptions {
  itsm: ItsmService;
}

export function toItsmRequest(request: Request): ItsmRequest {
  const {
    internalId,
    displayId,
    kind,
    subject,
    description,
    category,
    department,
    status,
    priority,
    requester,
    template,
    customFields,
  } = request;
  return {
    internalId,
    displayId,
    kind,
    subject,
    description,
    category,
    department,
    status,
    priority,
    requester,
    template,
    customFields,
  };
}

export function toItsmConfigurationItem(ci: ConfigurationItem): ItsmConfigurationItem {
  const { id: ciId, name, type, ipAddress, hostname, macAddress, serialNumber } = ci;
  return { id: ciId, name, type, ipAddress, hostname, macAddress, serialNumber };
}

const pluginIdOf = (scope: InvocationScope) => `${scope.plugin.name}@${scope.plugin.version}`;

export function createItsmCapability(options: ItsmCapabilityOptions): Capability {
  const { itsm } = options;
  return {
    name: 'itsm',
    declaredBy(manifest: PluginManifest): boolean {
      return (manifest.capabilities.itsm ?? []).length > 0;
    },
    async call(method: string, args: Json[], scope: InvocationScope): Promise<Json | undefined> {
      scope.signal.throwIfAborted();
      const plugin = pluginIdOf(scope);
      if (!Object.hasOwn(METHODS, method)) throw ItsmCapabilityErrors.unknownMethod(plugin, method);
      const rule = METHODS[method as MethodName];
      const granted: readonly string[] = scope.plugin.manifest.capabilities.itsm ?? [];
      if (!rule.scopes.some((needed) => granted.includes(needed)))
        throw ItsmCapabilityErrors.denied(plugin, method, rule.scopes[0]);
      const parsed = rule.args.safeParse(args);
      if (!parsed.success) throw ItsmCapabilityErrors.argumentsInvalid(plugin, method, parsed.error);
      const values = parsed.data as readonly unknown[];
      // In a workflow the step is bound to the request that triggered it: the request-scoped methods act on
      // that request only (outside a workflow — `actionhost invoke`, tests — there is no binding).
      const boundTo = scope.bindings.requestId;
      if (typeof boundTo === 'number' && method !== 'findConfigurationItems' && values[0] !== boundTo) {
        throw ItsmCapabilityErrors.otherRequest(plugin, method, values[0] as number, boundTo);
      }

      switch (method as MethodName) {
        case 'getRequest':
          return toItsmRequest(await itsm.getRequest(values[0] as number)) as unknown as Json;
        case 'findConfigurationItems': {
          const query = values[0] as { field: CiIdentifierField; value: string };
          return (await itsm.findConfigurationItems(query.field, query.value)).map(
            toItsmConfigurationItem,
          ) as unknown as Json;
        }
        case 'linkConfigurationItem': {
          const executionId = typeof scope.bindings.executionId === 'string' ? scope.bindings.executionId : undefined;
          const link = await itsm.linkConfigurationItem(values[0] as number, values[1] as number, plugin, {
            invocationId: scope.invocationId,
            ...(executionId ? { executionId } : {}),
          });
          const relation: ItsmRelation = {
            requestId: link.requestId,
            ciId: link.ciId,
            createdAt: link.createdAt,
            created: link.created,
          };
          return relation as unknown as Json;
        }
        case 'listRelations':
          return (await itsm.listRelations(values[0] as number)).map((relation): ItsmRelation => ({
            requestId: relation.requestId,
            ciId: relation.ciId,
            createdAt: relation.createdAt,
            created: false,
          })) as unknown as Json;
      }
    },
  };
}
