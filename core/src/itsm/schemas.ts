// The shapes of service-desk records, declared once as zod schemas: API bodies, service inputs and results.
// Types are z.infer of these. `Request` and `ConfigurationItem` are supersets of ItsmRequest / ItsmConfigurationItem (sdk abi).
import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);
const timestamp = z.string().describe('ISO 8601 date-time');

export const RequestKind = z.enum(['incident', 'service-request']);
export type RequestKind = z.infer<typeof RequestKind>;

/** Who did something: a user ("user:alice"), a plugin ("@actionhost/ci-linking@1.0.0"), "system". */
export const Actor = text(300);
export type Actor = z.infer<typeof Actor>;

export const Requester = z
  .object({
    name: text(200),
    email: z.email().max(320),
    username: text(200),
  })
  .strict();
export type Requester = z.infer<typeof Requester>;

/** Custom fields hold any JSON: `{ ipAddress: "10.0.0.5" }`. Keys are field names. */
export const CustomFields = z.record(z.string().min(1).max(100), z.json());
export type CustomFields = z.infer<typeof CustomFields>;

export const RequestCreate = z
  .object({
    kind: RequestKind,
    subject: text(500),
    description: z.string().max(20_000).default(''),
    category: text(200).nullable().default(null),
    department: text(200).nullable().default(null),
    status: text(100).default('Open'),
    priority: text(100).default('Low'),
    requester: Requester.nullable().default(null),
    /** Service request template, e.g. "Employee On-boarding". */
    template: text(200).nullable().default(null),
    customFields: CustomFields.default({}),
  })
  .strict();
export type RequestCreate = z.input<typeof RequestCreate>;

/**
 * Fields to change. `customFields` is merged key by key: a key set to null is removed. The kind of a
 * request never changes.
 */
export const RequestPatch = z
  .object({
    subject: text(500),
    description: z.string().max(20_000),
    category: text(200).nullable(),
    department: text(200).nullable(),
    status: text(100),
    priority: text(100),
    requester: Requester.nullable(),
    template: text(200).nullable(),
    customFields: z.record(z.string().min(1).max(100), z.json().nullable()),
  })
  .partial()
  .strict();
export type RequestPatch = z.infer<typeof RequestPatch>;

export const Request = z.object({
  internalId: z.number().int().positive(),
  /** "INC-12", "SR-7": numbered per kind. */
  displayId: z.string(),
  kind: RequestKind,
  subject: z.string(),
  description: z.string(),
  category: z.string().nullable(),
  department: z.string().nullable(),
  status: z.string(),
  priority: z.string(),
  requester: Requester.nullable(),
  template: z.string().nullable(),
  customFields: CustomFields,
  createdAt: timestamp,
  updatedAt: timestamp,
  createdBy: z.string(),
});
export type Request = z.infer<typeof Request>;

export const RequestFilter = z
  .object({
    kind: RequestKind.optional(),
    status: z.string().optional(),
    category: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
export type RequestFilter = z.input<typeof RequestFilter>;

/** One changed field; custom fields are named "customFields.<key>". from/to are null when absent. */
export const FieldChange = z.object({ field: z.string(), from: z.json(), to: z.json() });
export type FieldChange = z.infer<typeof FieldChange>;

// --- Configuration Items -------------------------------------------------------------------------------

const macAddress = z
  .string()
  .trim()
  .refine((value) => macAddressKey(value) !== null, {
    message: 'must be a MAC address such as "aa:bb:cc:dd:ee:ff", "AA-BB-CC-DD-EE-FF" or "aabb.ccdd.eeff"',
  });

export const ConfigurationItemCreate = z
  .object({
    name: text(200),
    type: text(100).default('Hardware'),
    ipAddress: z.union([z.ipv4(), z.ipv6()]).nullable().default(null),
    hostname: z
      .string()
      .trim()
      .min(1)
      .max(253)
      .regex(/^[A-Za-z0-9_.-]+$/, 'must be a host name such as "web-01.corp.local"')
      .nullable()
      .default(null),
    macAddress: macAddress.nullable().default(null),
    serialNumber: text(200).nullable().default(null),
  })
  .strict();
export type ConfigurationItemCreate = z.input<typeof ConfigurationItemCreate>;

export const ConfigurationItem = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  type: z.string(),
  ipAddress: z.string().nullable(),
  hostname: z.string().nullable(),
  macAddress: z.string().nullable(),
  serialNumber: z.string().nullable(),
  createdAt: timestamp,
  createdBy: z.string(),
});
export type ConfigurationItem = z.infer<typeof ConfigurationItem>;

export const CiIdentifierField = z.enum(['ipAddress', 'hostname', 'macAddress', 'serialNumber']);
export type CiIdentifierField = z.infer<typeof CiIdentifierField>;
/** A value to look a CI up by (an IP address, host name, MAC address or serial number). */
export const CiIdentifierValue = z.string().trim().min(1).max(300);

export const ConfigurationItemFilter = z
  .object({
    type: z.string().optional(),
    /** Substring of the name, case-insensitive. */
    name: z.string().optional(),
    /** One search box: a substring of the name, or exactly an IP address, host name, MAC address or serial number. */
    search: z.string().trim().min(1).max(300).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
export type ConfigurationItemFilter = z.input<typeof ConfigurationItemFilter>;

/** "AA-BB-CC-DD-EE-FF", "aa:bb:cc:dd:ee:ff", "aabb.ccdd.eeff" → "aabbccddeeff"; null when not a MAC address. */
export function macAddressKey(value: string): string | null {
  const trimmed = value.trim();
  if (
    !/^(?:[0-9A-Fa-f]{2}([:-]?)(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})$/.test(
      trimmed,
    )
  )
    return null;
  return trimmed.replace(/[^0-9A-Fa-f]/g, '').toLowerCase();
}

/** Host names compare case-insensitively and without a trailing dot. */
export function hostnameKey(value: string): string {
  return value.trim().replace(/\.$/, '').toLowerCase();
}

// --- Relations, audit trail, outbox ----------------------------------------------------------------------

/** A request ↔ CI link (the request's Relations tab), with the CI it points to. */
export const Relation = z.object({
  requestId: z.number().int().positive(),
  ciId: z.number().int().positive(),
  createdAt: timestamp,
  createdBy: z.string(),
  configurationItem: ConfigurationItem,
});
export type Relation = z.infer<typeof Relation>;

export const AuditKind = z.enum(['request.created', 'field.changed', 'relation.added', 'plugin.execution']);
export type AuditKind = z.infer<typeof AuditKind>;

/** What a plugin execution leaves on the request's Audit Trail. Inputs arrive with secrets already redacted. */
export const PluginExecutionAudit = z.object({
  workflow: z
    .object({ id: z.string(), name: z.string().optional(), version: z.number().int().optional() })
    .nullable()
    .default(null),
  node: z.object({ id: z.string(), title: z.string().optional() }).nullable().default(null),
  executionId: z.string().nullable().default(null),
  /** "name@version" */
  plugin: z.string().min(1),
  integrity: z.string().nullable().default(null),
  inputs: z.json().default({}),
  path: z.string().nullable().default(null),
  /** Truncated text of the output (see OUTPUT_SUMMARY_MAX). */
  outputSummary: z.string().nullable().default(null),
  durationMs: z.number().min(0).nullable().default(null),
  errorCode: z.string().nullable().default(null),
  errorMessage: z.string().nullable().default(null),
});
export type PluginExecutionAudit = z.infer<typeof PluginExecutionAudit>;

/** What a caller records; `data` is JSON, shaped per kind (plugin.execution is validated strictly). */
export const AuditEntryCreate = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('plugin.execution'), actor: Actor, data: PluginExecutionAudit }),
  z.object({
    kind: z.enum(['request.created', 'field.changed', 'relation.added']),
    actor: Actor,
    data: z.record(z.string(), z.json()),
  }),
]);
export type AuditEntryCreate = z.input<typeof AuditEntryCreate>;

export const AuditEntry = z.object({
  id: z.number().int().positive(),
  requestId: z.number().int().positive(),
  kind: AuditKind,
  /** who */
  actor: z.string(),
  /** when */
  at: timestamp,
  /** what */
  data: z.record(z.string(), z.json()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const OutboxEventType = z.enum(['request.created', 'request.updated']);
export type OutboxEventType = z.infer<typeof OutboxEventType>;

/** A change the workflow engine must react to, written in the same transaction as the change itself. */
export const OutboxEvent = z.object({
  id: z.number().int().positive(),
  type: OutboxEventType,
  requestId: z.number().int().positive(),
  /** Empty for request.created. */
  changes: z.array(FieldChange),
  actor: z.string(),
  createdAt: timestamp,
  claimedAt: timestamp.nullable(),
  processedAt: timestamp.nullable(),
});
export type OutboxEvent = z.infer<typeof OutboxEvent>;
