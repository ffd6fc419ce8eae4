// The log door: a plugin's `ctx.log.*` calls (collected inside the isolate) and the capabilities' own lines for
// an invocation (InvocationScope.log) come back as these entries, in time order. Steps and Test Connection keep them.
import type { LogLevel } from '@actionhost/sdk';
import { z } from 'zod';

/** One line logged during an invocation. */
export const InvocationLog = z.object({
  level: z.enum(['debug', 'info', 'warn', 'error']) satisfies z.ZodType<LogLevel>,
  message: z.string(),
  data: z.json().optional(),
  /** ISO 8601 time of the call. */
  at: z.string(),
});
export type InvocationLog = z.infer<typeof InvocationLog>;
