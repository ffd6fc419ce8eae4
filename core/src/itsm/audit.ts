// The request's Audit Trail: append-only rows of who/what/when, plus the redaction applied before a
// plugin execution is written (secrets must never reach the trail).
import type { DatabaseSync } from 'node:sqlite';
import type { Json } from '@actionhost/sdk';
import type { AuditEntry, AuditKind } from './schemas.ts';
import { parseJsonColumn } from '../store/index.ts';
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

export function insertAudit(
  db: DatabaseSync,
  requestId: number,
  kind: AuditKind,
  actor: string,
  at: string,
  data: Json,
): AuditEntry {
  const result = db
    .prepare('INSERT INTO itsm_audit (request_id, kind, actor, at, data) VALUES (?, ?, ?, ?, ?)')
    .run(requestId, kind, actor, at, JSON.stringify(data));
  return { id: Number(result.lastInsertRowid), requestId, kind, actor, at, data: data as AuditEntry['data'] };
}

export function selectAudit(db: DatabaseSync, requestId: number): AuditEntry[] {
  const rows = db.prepare('SELECT * FROM itsm_audit WHERE request_id = ? ORDER BY id').all(requestId) as Record<
    string,
    unknown
  >[];
  return rows.map((row) => ({
    id: Number(row.id),
    requestId: Number(row.request_id),
    kind: row.kind as AuditKind,
    actor: String(row.actor),
    at: String(row.at),
    data: parseJsonColumn(row.data, {}),
  }));
}
