// The If Else node: all/any of `field operator value`. Text compares case-insensitively and trimmed, the way a
// service-desk user reads "Department equals IT"; numbers and booleans compare by their text form.
import type { Json } from '@actionhost/sdk';
import type { ConditionNode, ConditionRule } from './schema.ts';

export interface RuleResult {
  field: string;
  operator: string;
  result: boolean;
}

/**
 * Evaluates a condition node. `read` returns the value a rule's field names; `changed` says whether the
 * triggering event changed that field.
 */
export function evaluateCondition(
  node: ConditionNode,
  read: (field: string) => Json,
  changed: (field: string) => boolean,
): { result: boolean; rules: RuleResult[] } {
  const rules = node.rules.map((rule) => ({
    field: rule.field,
    operator: rule.operator,
    result: rule.operator === 'changed' ? changed(rule.field) : evaluateRule(rule, read(rule.field)),
  }));
  const result = node.match === 'all' ? rules.every((r) => r.result) : rules.some((r) => r.result);
  return { result, rules };
}

export function evaluateRule(rule: ConditionRule, actual: Json): boolean {
  const expected = rule.value;
  switch (rule.operator) {
    case 'is empty':
      return isEmpty(actual);
    case 'is not empty':
      return !isEmpty(actual);
    case 'equals':
      return equalsAny(actual, expected);
    case 'not equals':
      return !equalsAny(actual, expected);
    case 'contains':
      return contains(actual, expected);
    case 'not contains':
      return !contains(actual, expected);
    case 'starts with':
      return text(actual).startsWith(text(expected));
    case 'ends with':
      return text(actual).endsWith(text(expected));
    case 'in':
      return listOf(expected).some((item) => sameText(actual, item));
    case 'not in':
      return !listOf(expected).some((item) => sameText(actual, item));
    case 'changed':
      return false;
  }
}

function text(value: Json | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value).toLowerCase();
  return String(value).trim().toLowerCase();
}

function sameText(a: Json | undefined, b: Json | undefined): boolean {
  return text(a) === text(b);
}

function isEmpty(value: Json): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

/** A list-valued field (e.g. tags) equals a value when one of its items does. */
function equalsAny(actual: Json, expected: Json | undefined): boolean {
  if (Array.isArray(actual) && !Array.isArray(expected)) return actual.some((item) => sameText(item, expected));
  return sameText(actual, expected);
}

function contains(actual: Json, expected: Json | undefined): boolean {
  if (Array.isArray(actual)) return actual.some((item) => sameText(item, expected));
  return text(actual).includes(text(expected));
}

/** `in` takes a list, or comma-separated text as a form field would give it. */
function listOf(expected: Json | undefined): Json[] {
  if (Array.isArray(expected)) return expected;
  if (typeof expected === 'string') return expected.split(',').map((item) => item.trim());
  return expected === undefined ? [] : [expected];
}
