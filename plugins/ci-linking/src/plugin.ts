// "ITSM Plugin - Linking of CI to Incident Requests": reads the request, takes its unique identifier from its
// custom fields, finds the one Configuration Item with that identifier and links it (the Relations tab).
import { z } from 'zod';
import { definePlugin } from '@actionhost/sdk';
import { IDENTIFIER_TYPE_PATTERN, identifierFrom, identifierRule } from './identifier.ts';

const IdentifierTypeName = z.enum(['ip address', 'hostname', 'mac address', 'serial number']);

const Success = z
  .object({
    requestId: z.number().int(),
    identifierType: IdentifierTypeName,
    identifier: z.string(),
    /** CIs this run linked. */
    linkedCiIds: z.array(z.number().int()),
    /** CIs that were linked already (a second run changes nothing). */
    alreadyLinkedCiIds: z.array(z.number().int()),
  })
  .strict();

const Failure = z
  .object({
    reason: z.enum(['no-identifier', 'no-match', 'ambiguous', 'request-not-found']),
    message: z.string(),
    requestId: z.number().int(),
    identifierType: IdentifierTypeName,
    identifier: z.string().nullable(),
    /** The CIs that matched, when more than one did. */
    matchedCiIds: z.array(z.number().int()),
  })
  .strict();

export default definePlugin({
  title: 'ITSM Plugin - Linking of CI to Incident Requests',
  description:
    "Links the Configuration Item whose IP address, host name, MAC address or serial number matches the request's own to the request.",
  category: 'plugin',
  input: z
    .object({
      'Request.Id': z
        .union([
          z.number().int().positive(),
          z.string().regex(/^\s*[1-9][0-9]*\s*$/, 'must be a request id such as "42"'),
        ])
        .describe("The request's internal id; map it to #internalId#"),
      'Unique Identifier Type': z
        .string()
        .regex(new RegExp(IDENTIFIER_TYPE_PATTERN))
        .describe('ip address, hostname, mac address or serial number'),
    })
    .strict(),
  output: z.union([Success, Failure]),
  paths: ['success', 'failure'],
  capabilities: { itsm: ['requests:read', 'cmdb:read', 'relations:write'] },
  limits: { timeoutMs: 10_000, memoryMb: 64 },
  mappings: { default: { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' } },

  async run(input, ctx) {
    const requestId = Number(String(input['Request.Id']).trim());
    // The input schema admits only the four types and their spellings, so a rule always exists.
    const rule = identifierRule(input['Unique Identifier Type'])!;
    const fail = (
      reason: z.infer<typeof Failure>['reason'],
      message: string,
      identifier: string | null = null,
      matchedCiIds: number[] = [],
    ) => {
      ctx.log.warn(message, { reason, requestId });
      return {
        path: 'failure' as const,
        output: { reason, message, requestId, identifierType: rule.type, identifier, matchedCiIds },
      };
    };

    let customFields;
    try {
      customFields = (await ctx.itsm.getRequest(requestId)).customFields;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'AH_REQUEST_NOT_FOUND')
        return fail('request-not-found', `request ${requestId} does not exist`);
      throw error;
    }

    const identifier = identifierFrom(customFields, rule);
    if (identifier === null)
      return fail('no-identifier', `request ${requestId} has no ${rule.type} in its custom fields`);

    const matches = await ctx.itsm.findConfigurationItems({ field: rule.ciField, value: identifier });
    if (matches.length === 0)
      return fail('no-match', `no configuration item has ${rule.type} ${identifier}`, identifier);
    if (matches.length > 1) {
      return fail(
        'ambiguous',
        `${matches.length} configuration items have ${rule.type} ${identifier}; link one by hand`,
        identifier,
        matches.map((ci) => ci.id),
      );
    }

    const linkedCiIds: number[] = [];
    const alreadyLinkedCiIds: number[] = [];
    for (const ci of matches) {
      const relation = await ctx.itsm.linkConfigurationItem(requestId, ci.id);
      (relation.created ? linkedCiIds : alreadyLinkedCiIds).push(ci.id);
    }
    ctx.log.info(`linked request ${requestId} to configuration item ${matches[0].id}`, {
      requestId,
      identifier,
      linkedCiIds,
      alreadyLinkedCiIds,
    });
    return {
      path: 'success' as const,
      output: { requestId, identifierType: rule.type, identifier, linkedCiIds, alreadyLinkedCiIds },
    };
  },
});
