// Errors of the itsm capability (the plugin's door to service-desk records).
import { ActionhostError } from '@actionhost/sdk';
import type { z } from 'zod';

export const ItsmCapabilityErrors = {
  /** The manifest lacks the scope this method needs. */
  denied: (plugin: string, method: string, scope: string) =>
    new ActionhostError(
      'AH_CAPABILITY_DENIED',
      `${plugin} may not call itsm.${method}: its manifest does not declare the itsm scope "${scope}"`,
      403,
      { plugin, capability: 'itsm', method, scope },
    ),
  /** A workflow step may touch only the request it runs for. */
  otherRequest: (plugin: string, method: string, requestId: number, boundTo: number) =>
    new ActionhostError(
      'AH_CAPABILITY_DENIED',
      `${plugin} runs for request ${boundTo} and may not call itsm.${method} on request ${requestId}`,
      403,
      { plugin, capability: 'itsm', method, requestId, boundTo, reason: 'other-request' },
    ),
  unknownMethod: (plugin: string, method: string) =>
    new ActionhostError('AH_CAPABILITY_METHOD_UNKNOWN', `itsm has no method "${method}"`, 400, {
      plugin,
      capability: 'itsm',
      method,
    }),
  argumentsInvalid: (plugin: string, method: string, error: z.ZodError) => {
    const issue = error.issues[0];
    const path = '/' + ['args', ...(issue?.path ?? [])].map(String).join('/');
    return new ActionhostError(
      'AH_CAPABILITY_ARGS_INVALID',
      `invalid arguments to itsm.${method}: ${path} ${issue?.message ?? 'invalid'}`,
      400,
      { plugin, capability: 'itsm', method, path },
    );
  },
} as const;
