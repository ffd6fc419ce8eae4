// Service-desk records: requests, configuration items, relations, audit trail and the change outbox.
export {
  ItsmService,
  type ItsmServiceOptions,
  type LinkContext,
  type LinkResult,
  type OutboxListener,
} from './service.ts';
export {
  RequestKind,
  Actor,
  Requester,
  CustomFields,
  RequestCreate,
  RequestPatch,
  Request,
  RequestFilter,
  FieldChange,
  ConfigurationItemCreate,
  ConfigurationItem,
  ConfigurationItemFilter,
  CiIdentifierField,
  CiIdentifierValue,
  Relation,
  AuditKind,
  AuditEntryCreate,
  AuditEntry,
  PluginExecutionAudit,
  OutboxEventType,
  OutboxEvent,
  macAddressKey,
  hostnameKey,
} from './schemas.ts';
export { ITSM_MIGRATIONS } from './migrations.ts';
export { ItsmErrors, parseOrThrow, jsonPointer } from './errors.ts';
export {
  RequestTemplateCreate,
  RequestTemplate,
  TemplateField,
  TemplateFieldType,
  REQUEST_FIELD_KEYS,
  EMPLOYEE_ONBOARDING_TEMPLATE,
} from './templates.ts';
export { redactSecretKeys, redactSecrets, truncate, REDACTED, OUTPUT_SUMMARY_MAX } from './audit.ts';
export { rebuildJson, jsonDepth, type JsonRebuild } from './json.ts';
