// The request's Audit Trail: append-only rows of who/what/when, plus the redaction applied before a
// plugin execution is written (secrets must never reach the trail).
import type { Json } from '@actionhost/sdk';
import { AuditEntryCreate, type AuditEntry, type AuditKind } from './schemas.ts';
import { parseJsonColumn, queryAll, queryOne, type Queryable } from '../store/index.ts';
import { parseOrThrow } from './errors.ts';
import { REDACTED, expandSecrets, isSecretKey, scrubText } from '../secrets/index.ts';
import { rebuildJson } from './json.ts';

export { REDACTED };
/** Longest output summary / error message kept on the trail; longer text is cut with a marker. */
export const OUTPUT_SUMMARY_MAX = 2000;

/** Replaces values under secret-looking keys (AD `Password`, `token`, `apiKey`, ...: secrets/'s rule), at any depth (walked without recursion: see rebuildJson). */
export function redactSecretKeys(value: Json): Json {
  return rebuildJson(value, null, {
    replace: (key, inner) =>
      typeof key === 'string' && isSecretKey(key) && inner !== null && inner !== '' ? REDACTED : undefined,
  });
}

/** Replaces every form of any of the secret strings (e.g. from `secretValues(credential)`), at any depth. */
export function redactSecrets(value: Json, secrets: readonly string[]): Json {
  const needles = expandSecrets(secrets);
  if (needles.length === 0) return value;
  const scrub = (text: string) => scrubText(text, needles, REDACTED);
  return rebuildJson(value, null, { text: scrub, key: scrub });
}

export function truncate(text: string, max = OUTPUT_SUMMARY_MAX): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

export async function insertAudit(
  tx: Queryable,
  requestId: number,
  kind: AuditKind,
  actor: string,
  at: string,
  data: Json,
): Promise<AuditEntry> {
  const row = await queryOne(
    tx,
    'INSERT INTO itsm_audit (request_id, kind, actor, at, data) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [requestId, kind, actor, at, JSON.stringify(data)],
  );
  return { id: Number(row!.id), requestId, kind, actor, at, data: data as AuditEntry['data'] };
}

/**
 * An entry as `recordAudit` writes it. For `plugin.execution`, inputs under secret-looking keys are redacted and the
 * output summary truncated, whatever the caller did; `secrets` are replaced wherever they occur in the entry.
 */
export function auditEntryOf(
  entry: AuditEntryCreate,
  secrets: readonly string[],
): { kind: AuditKind; actor: string; data: Json } {
  const parsed = parseOrThrow(AuditEntryCreate, entry, 'audit entry');
  let data: Json;
  if (parsed.kind === 'plugin.execution') {
    // Already checked against PluginExecutionAudit by the union above: no second parse.
    const execution = parsed.data;
    data = {
      ...execution,
      inputs: redactSecretKeys(execution.inputs),
      outputSummary: execution.outputSummary === null ? null : truncate(execution.outputSummary),
      errorMessage: execution.errorMessage === null ? null : truncate(execution.errorMessage),
    };
  } else {
    data = parsed.data;
  }
  return { kind: parsed.kind, actor: parsed.actor, data: redactSecrets(data, secrets) };
}

/**
 * Appends an entry to an existing request, in one statement (no row when the request is missing). The engine's
 * SQLite repository runs the same statement synchronously, inside the transaction of the step it describes.
 */
export const APPEND_AUDIT = `INSERT INTO itsm_audit (request_id, kind, actor, at, data)
  SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM itsm_requests WHERE internal_id = $1) RETURNING id`;

export async function selectAudit(db: Queryable, requestId: number): Promise<AuditEntry[]> {
  const rows = await queryAll(db, 'SELECT * FROM itsm_audit WHERE request_id = $1 ORDER BY id', [requestId]);
  return rows.map((row) => ({
    id: Number(row.id),
    requestId: Number(row.request_id),
    kind: row.kind as AuditKind,
    actor: String(row.actor),
    at: String(row.at),
    data: parseJsonColumn(row.data, {}),
  }));
}
