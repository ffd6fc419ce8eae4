// Retention for admins over HTTP: the policy in force, the last background round, the database's space, and on
// request (it counts, which takes a while on a large database) what a round would delete now.
import { z } from 'zod';
import type { RetentionPruner } from '../../retention/index.ts';
import type { RouteTable } from '../route.ts';

const Counts = z.object({
  succeededExecutions: z.number(),
  failedExecutions: z.number(),
  excessExecutions: z.number(),
  steps: z.number(),
  auditEntries: z.number(),
  excessAuditEntries: z.number(),
  processedEvents: z.number(),
});

export const RetentionStatus = z.object({
  policy: z.object({
    succeededDays: z.number(),
    failedDays: z.number(),
    maxExecutions: z.number(),
    auditDays: z.number(),
    maxAuditEntries: z.number(),
  }),
  lastRound: Counts.extend({
    batches: z.number(),
    reclaimedPages: z.number(),
    startedAt: z.string(),
    durationMs: z.number(),
  }).nullable(),
  space: z.object({ pageSize: z.number(), pages: z.number(), freePages: z.number(), incremental: z.boolean() }),
  /** With ?preview=true: what a round would delete now. */
  due: Counts.optional(),
});

export function registerRetentionRoutes(table: RouteTable, retention: RetentionPruner): void {
  table.add({
    method: 'GET',
    url: '/api/retention',
    role: 'admin',
    tag: 'operations',
    summary:
      'Retention: the policy (settings), the last background pruning round, the database space; ?preview=true adds what a round would delete now (a dry run)',
    query: z.object({ preview: z.enum(['true', 'false']).optional() }).strict(),
    response: RetentionStatus,
    handler: async ({ query }) => ({
      policy: retention.policy,
      lastRound: retention.lastReport,
      space: await retention.space(),
      ...(query.preview === 'true' ? { due: await retention.preview() } : {}),
    }),
  });
}
