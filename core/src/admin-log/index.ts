// The admin action log: who changed what and when (tokens, credentials, applications, plugins, workflows,
// settings), with a redacted before and after; append-only, paged for the API, JSON lines for a SIEM.
export { AdminLog, type AdminLogOptions } from './admin-log.ts';
export { secretsOf, redactForLog } from './redact.ts';
export {
  AdminAction,
  AdminActionCreate,
  AdminActionFilter,
  AdminActionQuery,
  AdminActionExportQuery,
  AdminActionPage,
  AdminActor,
  AdminOrigin,
} from './schemas.ts';
