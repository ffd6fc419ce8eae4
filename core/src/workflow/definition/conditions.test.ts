// If Else rules: every operator, case-insensitive text, all/any groups, "changed" against the event.
import { describe, expect, it } from 'vitest';
import type { Json } from '@actionhost/sdk';
import { evaluateCondition, evaluateRule } from './conditions.ts';
import type { ConditionNode, ConditionRule } from './schema.ts';

const rule = (operator: ConditionRule['operator'], value?: ConditionRule['value']): ConditionRule => ({
  field: 'f',
  operator,
  value,
});

describe('condition operators', () => {
  it.each([
    ['contains', 'New Employee On-boarding for Ann', 'employee on-boarding', true],
    ['contains', 'Printer', 'scanner', false],
    ['not contains', 'Printer', 'scanner', true],
    ['equals', 'IT', 'it', true],
    ['equals', ' IT ', 'IT', true],
    ['equals', 5, '5', true],
    ['not equals', 'IT', 'HR', true],
    ['starts with', 'Employee On-boarding', 'employee', true],
    ['starts with', 'Re: Employee', 'employee', false],
    ['ends with', 'server-01.corp.local', '.CORP.LOCAL', true],
    ['in', 'Hardware', ['software', 'hardware'], true],
    ['in', 'Hardware', 'Software, Hardware', true],
    ['in', 'Network', ['software', 'hardware'], false],
    ['not in', 'Network', ['software', 'hardware'], true],
    ['contains', ['vip', 'urgent'], 'VIP', true],
  ] as [ConditionRule['operator'], Json, ConditionRule['value'], boolean][])(
    '%s: %j vs %j → %s',
    (operator, actual, value, expected) => {
      expect(evaluateRule(rule(operator, value), actual)).toBe(expected);
    },
  );

  it.each([
    [null, true],
    ['', true],
    ['  ', true],
    [[], true],
    [{}, true],
    ['x', false],
    [0, false],
    [false, false],
  ] as [Json, boolean][])('is empty: %j → %s', (actual, expected) => {
    expect(evaluateRule(rule('is empty'), actual)).toBe(expected);
    expect(evaluateRule(rule('is not empty'), actual)).toBe(!expected);
  });

  it('combines rules with all and any, and reads "changed" from the event', () => {
    const node = (match: 'all' | 'any'): ConditionNode => ({
      id: 'c',
      kind: 'condition',
      match,
      next: {},
      rules: [
        { field: 'subject', operator: 'contains', value: 'on-boarding' },
        { field: 'category', operator: 'changed' },
      ],
    });
    const read = (field: string): Json => (field === 'subject' ? 'Employee On-boarding' : 'Hardware');
    expect(evaluateCondition(node('all'), read, () => false).result).toBe(false);
    expect(evaluateCondition(node('any'), read, () => false).result).toBe(true);
    expect(evaluateCondition(node('all'), read, (field) => field === 'category').result).toBe(true);
  });
});
