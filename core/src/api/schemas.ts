// zod schemas of the API's own inputs (path parameters, queries, small bodies). Record bodies reuse the schemas
// of their concern (itsm, credentials, workflow), so each shape is declared exactly once.
import { z } from 'zod';
import { ExecutionFilter, NodeId, TestConnectionSample } from '../workflow/index.ts';

export const NumericId = z.object({ id: z.coerce.number().int().positive() }).strict();
export const WorkflowIdParams = z.object({ id: z.string().min(1).max(100) }).strict();
export const NodeParams = z.object({ id: z.string().min(1).max(100), nodeId: NodeId }).strict();
export const ExecutionIdParams = z.object({ id: z.string().min(1).max(100) }).strict();
export const CredentialNameParams = z.object({ name: z.string().min(1).max(128) }).strict();

/** GET /api/executions: filters, page size, and the cursor of the previous page (its X-Next-Cursor header). */
export const ExecutionsQuery = ExecutionFilter;

/** Test Connection's body is optional: no body means the built-in sample request. */
export const TestConnectionBody = TestConnectionSample.default({});

export const Health = z.object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() });
export const Readiness = z.object({ status: z.literal('ready'), checks: z.record(z.string(), z.boolean()) });
