// The host's difference between two installed versions of a plugin (GET /api/plugins/:name/:version/difference,
// the same as `registry info --diff`) as rows a table shows: capabilities (http hosts, ldap, itsm scopes, others),
// limits, output paths, and input/output schema changes named by field rather than by JSON pointer.
import type { PluginDifference } from '@actionhost/core';

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface Change {
  section: 'Capabilities' | 'Limits' | 'Paths' | 'Input' | 'Output';
  item: string;
  kind: ChangeKind;
  before: string;
  after: string;
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function listRows(section: Change['section'], item: string, change: { added: string[]; removed: string[] }): Change[] {
  return [
    ...change.added.map((value) => ({
      section,
      item: `${item} ${value}`,
      kind: 'added' as const,
      before: '',
      after: value,
    })),
    ...change.removed.map((value) => ({
      section,
      item: `${item} ${value}`,
      kind: 'removed' as const,
      before: value,
      after: '',
    })),
  ];
}

const BRANCHES = new Set(['oneOf', 'anyOf', 'allOf']);
const unescape = (segment: string) => segment.replaceAll('~1', '/').replaceAll('~0', '~');

/**
 * A schema change's JSON pointer as a person names it: `/properties/Recipient/properties/email/format` is
 * "Recipient.email: format", `/required/Recipient` is "Recipient: required", `/properties/list/items/...` "list[]...";
 * the branches of oneOf/anyOf/allOf are looked through.
 */
export function fieldOf(pointer: string): string {
  const segments = pointer.split('/').slice(1).map(unescape);
  const field: string[] = [];
  const keyword: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    if (BRANCHES.has(segments[i]) && /^\d+$/.test(segments[i + 1] ?? '') && keyword.length === 0) {
      i++; // a branch of oneOf/anyOf/allOf: its fields are the plugin's fields all the same
    } else if (segments[i] === 'properties' && i + 1 < segments.length && keyword.length === 0) {
      field.push(segments[++i]);
    } else if (segments[i] === 'required' && i + 1 < segments.length && keyword.length === 0) {
      field.push(segments[++i]);
      keyword.push('required');
    } else if (segments[i] === 'items' && keyword.length === 0 && field.length > 0) {
      field[field.length - 1] += '[]';
    } else keyword.push(segments[i]);
  }
  const name = field.join('.') || '(the schema)';
  return keyword.length > 0 ? `${name}: ${keyword.join('/')}` : name;
}

/** Every change of the difference, capabilities first. */
export function differenceRows(difference: PluginDifference): Change[] {
  const { capabilities } = difference;
  const rows: Change[] = [];
  if (capabilities.http.from === null && capabilities.http.to !== null) {
    rows.push({ section: 'Capabilities', item: 'http', kind: 'added', before: '', after: 'declared' });
  }
  if (capabilities.http.from !== null && capabilities.http.to === null) {
    rows.push({ section: 'Capabilities', item: 'http', kind: 'removed', before: 'declared', after: '' });
  }
  rows.push(...listRows('Capabilities', 'http host', capabilities.http));
  if (capabilities.ldap.from !== capabilities.ldap.to) {
    const [before, after] = [capabilities.ldap.from ? 'declared' : '', capabilities.ldap.to ? 'declared' : ''];
    rows.push({ section: 'Capabilities', item: 'ldap', kind: after ? 'added' : 'removed', before, after });
  }
  rows.push(...listRows('Capabilities', 'itsm scope', capabilities.itsm));
  for (const other of capabilities.other) {
    const [before, after] = [text(other.from), text(other.to)];
    const kind: ChangeKind = !before ? 'added' : !after ? 'removed' : 'changed';
    rows.push({ section: 'Capabilities', item: other.capability, kind, before, after });
  }
  for (const limit of difference.limits) {
    const [before, after] = [text(limit.from), text(limit.to)];
    const kind: ChangeKind = !before ? 'added' : !after ? 'removed' : 'changed';
    rows.push({ section: 'Limits', item: limit.limit, kind, before, after });
  }
  rows.push(...listRows('Paths', 'path', difference.paths));
  for (const [section, changes] of [
    ['Input', difference.input],
    ['Output', difference.output],
  ] as const) {
    for (const change of changes) {
      rows.push({
        section,
        item: fieldOf(change.path),
        kind: change.change,
        before: text(change.from),
        after: text(change.to),
      });
    }
  }
  return rows;
}
