// zod schemas of the API's own inputs (path parameters, queries, small bodies). Record bodies reuse the schemas
// of their concern (itsm, credentials, workflow), so each shape is declared exactly once.
import { z } from 'zod';
import { CapabilityApproval, CapabilityReview, SignatureStatus } from '@actionhost/registry';
import { ExecutionFilter, NodeId, TestConnectionSample } from '../workflow/index.ts';

export const NumericId = z.object({ id: z.coerce.number().int().positive() }).strict();
export const WorkflowIdParams = z.object({ id: z.string().min(1).max(100) }).strict();
export const NodeParams = z.object({ id: z.string().min(1).max(100), nodeId: NodeId }).strict();
export const ExecutionIdParams = z.object({ id: z.string().min(1).max(100) }).strict();
export const CredentialNameParams = z.object({ name: z.string().min(1).max(128) }).strict();

/** GET /api/executions: filters, page size, and the cursor of the previous page (its X-Next-Cursor header). */
export const ExecutionsQuery = ExecutionFilter;

/** POST /api/workflows/:id/activate: the body is optional; `version` goes back to an earlier published version. */
export const ActivateBody = z.object({ version: z.number().int().positive().optional() }).strict().default({});

/** Test Connection's body is optional: no body means the built-in sample request. */
export const TestConnectionBody = TestConnectionSample.default({});

/** Publishing takes no body, or an admin's approval of the capabilities of the versions it pins. */
export const PublishBody = z.object({ acceptCapabilities: z.boolean().optional() }).strict().default({});

export const Health = z.object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() });
export const Readiness = z.object({ status: z.literal('ready'), checks: z.record(z.string(), z.boolean()) });

/** An installed plugin version as the API shows it: what an admin needs to judge it, never the server's folder. */
export const PluginVersionSummary = z.object({
  name: z.string(),
  version: z.string(),
  integrity: z.string(),
  installedAt: z.string(),
  manifest: z.record(z.string(), z.unknown()),
  /** Its publisher signature against the trust store as it is now: trusted, untrusted or unsigned */
  signature: SignatureStatus,
  /** Who approved what it may reach, and when; null: a publish pinning it waits for an admin */
  approval: CapabilityApproval.nullable(),
});

/**
 * What an upload answers: the version it installed (or found installed with the same content), and its capability
 * review (approved or not, the difference against the approved, previous and pinned versions).
 */
export const PluginInstallSummary = z.object({
  name: z.string(),
  version: z.string(),
  integrity: z.string(),
  alreadyInstalled: z.boolean(),
  signature: SignatureStatus,
  capabilities: CapabilityReview,
});

/** `?acceptCapabilities=true`: the uploading admin approves what the version may reach. */
export const PluginUploadQuery = z
  .object({
    acceptCapabilities: z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .optional(),
  })
  .strict();

export const PluginVersionParams = z
  .object({ name: z.string().min(1).max(214), version: z.string().min(1).max(100) })
  .strict();

/** `?against=<version>`: compare with that installed version instead of the highest other approved one. */
export const PluginDifferenceQuery = z.object({ against: z.string().min(1).max(100).optional() }).strict();

export const TrustedKeyParams = z.object({ keyId: z.string().regex(/^[0-9a-f]{32}$/) }).strict();

/** A publisher key to trust: the .pub file's text (SPKI PEM) or "ed25519:<base64 of the 32 raw bytes>". */
export const TrustedKeyCreate = z
  .object({ publisher: z.string().trim().min(1).max(200), publicKey: z.string().min(1).max(4096) })
  .strict();
