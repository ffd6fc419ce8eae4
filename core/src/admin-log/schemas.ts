// The admin action log's shapes, declared once: who changed what and when, with a redacted before and after.
// The API answers with them, the JSON-lines export writes them, and the OpenAPI document is generated from them.
import { z } from 'zod';

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
const JsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(JsonValue), z.record(z.string(), JsonValue)]),
);

/** Who made the change: an API token (with its role), a person at the command line, or the host itself. */
export const AdminActor = z.object({
  type: z.enum(['token', 'cli', 'host']),
  /** The token's id; absent for the command line and the host. */
  id: z.string().optional(),
  /** The token's name, or the operating-system user at the command line. */
  name: z.string(),
  role: z.string().optional(),
});
export type AdminActor = z.infer<typeof AdminActor>;

/** Where the change came in: the API route (with the answer's status and the caller's address) or a command. */
export const AdminOrigin = z.object({
  method: z.string().optional(),
  route: z.string().optional(),
  status: z.number().int().optional(),
  ip: z.string().optional(),
  command: z.string().optional(),
});
export type AdminOrigin = z.infer<typeof AdminOrigin>;

/** One change, as it is appended. `before` and `after` are redacted by the log itself before they are stored. */
export const AdminActionCreate = z.object({
  actor: AdminActor,
  /** `<target>.<verb>`, e.g. credential.create, workflow.publish, plugin.remove. */
  action: z.string().min(1).max(200),
  target: z.object({ type: z.string().min(1).max(100), id: z.string().max(500).nullable() }),
  before: JsonValue.nullable(),
  after: JsonValue.nullable(),
  origin: AdminOrigin,
});
export type AdminActionCreate = z.infer<typeof AdminActionCreate>;

export const AdminAction = AdminActionCreate.extend({
  /** Increases with every entry: the export's cursor (`after=<id>`). */
  id: z.number().int(),
  at: z.string(),
});
export type AdminAction = z.infer<typeof AdminAction>;

/** Filters of the list and the export; every one optional, combined with AND. */
export const AdminActionFilter = z
  .object({
    /** The actor's name (a token's name, a command-line user). */
    actor: z.string().min(1).max(200).optional(),
    /** An action (`workflow.publish`) or every action of a target type (`workflow.`). */
    action: z.string().min(1).max(200).optional(),
    targetType: z.string().min(1).max(100).optional(),
    targetId: z.string().min(1).max(500).optional(),
    /** At or after / before this time (ISO 8601). */
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type AdminActionFilter = z.infer<typeof AdminActionFilter>;

/** GET /api/admin-log: newest first, paged by cursor (`before` = the last id of the previous page). */
export const AdminActionQuery = AdminActionFilter.extend({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  before: z.coerce.number().int().min(1).optional(),
}).strict();
export type AdminActionQuery = z.infer<typeof AdminActionQuery>;

export const AdminActionPage = z.object({
  entries: z.array(AdminAction),
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: z.number().int().nullable(),
});
export type AdminActionPage = z.infer<typeof AdminActionPage>;

/** GET /api/admin-log/export: oldest first from `after` (exclusive), so a SIEM can resume where it stopped. */
export const AdminActionExportQuery = AdminActionFilter.extend({
  after: z.coerce.number().int().min(0).optional(),
}).strict();
export type AdminActionExportQuery = z.infer<typeof AdminActionExportQuery>;
