// Errors of the itsm capability (the plugin's door to service-desk records); codes from core's error table.
import type { z } from 'zod';
import { CoreErrors } from '../../errors/index.ts';

export const ItsmCapabilityErrors = {
  /** The manifest lacks the scope this method needs. */
  denied: (plugin: string, method: string, scope: string) =>
    CoreErrors.AH_CAPABILITY_DENIED(
      { capability: 'itsm', method, reason: `${plugin} does not declare the itsm scope "${scope}"` },
      { plugin, capability: 'itsm', method, scope },
    ),
  /** A workflow step may touch only the request it runs for. */
  otherRequest: (plugin: string, method: string, requestId: number, boundTo: number) =>
    CoreErrors.AH_CAPABILITY_DENIED(
      { capability: 'itsm', method, reason: `${plugin} runs for request ${boundTo}, not request ${requestId}` },
      { plugin, capability: 'itsm', method, requestId, boundTo, reason: 'other-request' },
    ),
  unknownMethod: (plugin: string, method: string) =>
    CoreErrors.AH_CAPABILITY_METHOD_UNKNOWN({ capability: 'itsm', method }, { plugin, capability: 'itsm', method }),
  argumentsInvalid: (plugin: string, method: string, error: z.ZodError) => {
    const issue = error.issues[0];
    const path = '/' + ['args', ...(issue?.path ?? [])].map(String).join('/');
    return CoreErrors.AH_CAPABILITY_ARGS_INVALID(
      { capability: 'itsm', method, path, problem: issue?.message ?? 'invalid' },
      { plugin, capability: 'itsm', method, path },
    );
  },
} as const;
