// Which published workflows an ITSM event fires: request created (optionally of one kind), or request updated
// with a change of one field, from any value or a given one, to any value or a given one.
import type { Json } from '@actionhost/sdk';
import { isRequestField, type Trigger } from '../definition/index.ts';
import type { RequestEvent } from './ports.ts';

export function triggerMatches(trigger: Trigger, event: RequestEvent, request: Record<string, Json>): boolean {
  if (trigger.event !== event.type) return false;
  if (trigger.kind !== undefined && request.kind !== trigger.kind) return false;
  if (trigger.event === 'request.created') return true;
  const field = changeFieldName(trigger.field);
  const change = (event.changes ?? []).find((candidate) => changeFieldName(candidate.field) === field);
  if (!change) return false;
  if (trigger.from !== undefined && !sameValue(change.from, trigger.from)) return false;
  if (trigger.to !== undefined && !sameValue(change.to, trigger.to)) return false;
  return true;
}

/** The outbox names custom fields "customFields.<key>"; a trigger may name them plainly ("ipAddress"). */
export function changeFieldName(field: string): string {
  const head = field.split('.')[0];
  return isRequestField(head) ? field : `customFields.${field}`;
}

/** null in a trigger means "was/became empty"; text compares case-insensitively, as the service desk shows it. */
function sameValue(actual: Json, expected: string | null): boolean {
  const empty = actual === null || actual === undefined || (typeof actual === 'string' && actual.trim() === '');
  if (expected === null) return empty;
  if (empty) return expected.trim() === '';
  const text = typeof actual === 'object' ? JSON.stringify(actual) : String(actual);
  return text.trim().toLowerCase() === expected.trim().toLowerCase();
}
