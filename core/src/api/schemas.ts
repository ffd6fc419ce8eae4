// zod schemas of the API's own inputs (path parameters, queries, small bodies). Record bodies reuse the schemas
// of their concern (itsm, credentials, workflow), so each shape is declared exactly once.
import { z } from 'zod';
import { ExecutionStatus, NodeId, TestConnectionSample } from '../workflow/index.ts';

export const NumericId = z.object({ id: z.coerce.number().int().positive() }).strict();
export const WorkflowIdParams = z.object({ id: z.string().min(1).max(100) }).strict();
export const NodeParams = z.object({ id: z.string().min(1).max(100), nodeId: NodeId }).strict();
export const ExecutionIdParams = z.object({ id: z.string().min(1).max(100) }).strict();
export const CredentialNameParams = z.object({ name: z.string().min(1).max(128) }).strict();

export const ExecutionsQuery = z
  .object({
    requestId: z.coerce.number().int().positive().optional(),
    workflowId: z.string().min(1).max(100).optional(),
    status: ExecutionStatus.optional(),
    /** Created at or after / before this time (ISO 8601). */
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    /** Skips this many of the newest first (paging). */
    offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();

/** Test Connection's body is optional: no body means the built-in sample request. */
export const TestConnectionBody = TestConnectionSample.default({});

export const Health = z.object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() });
export const Readiness = z.object({ status: z.literal('ready'), checks: z.record(z.string(), z.boolean()) });
