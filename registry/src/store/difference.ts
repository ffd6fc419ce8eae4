// What one version of a plugin may do and declares that another does not: capabilities (http hosts, ldap, itsm
// scopes, any capability this code does not know yet), limits, output paths and input/output schema changes. What it
// may reach beyond the other is `widened`: the list an admin approves. Host patterns compare conservatively — a new
// pattern is covered only when an old one certainly matches everything it matches.
import { isIP } from 'node:net';
import { z } from 'zod';
import type { PluginManifest } from '@actionhost/sdk';

export const SchemaChange = z.object({
  /** JSON pointer into the schema, e.g. /properties/URL/type */
  path: z.string(),
  change: z.enum(['added', 'removed', 'changed']),
  from: z.unknown().optional(),
  to: z.unknown().optional(),
});
export type SchemaChange = z.infer<typeof SchemaChange>;

const ListChange = z.object({
  from: z.array(z.string()).nullable(),
  to: z.array(z.string()).nullable(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
});

export const PluginDifference = z.object({
  name: z.string(),
  /** The version compared against; null when there is none (everything `to` may do is new) */
  from: z.string().nullable(),
  to: z.string(),
  /** What `to` may reach that `from` may not, e.g. "http: *", "ldap", "itsm: requests:write"; empty: nothing widens */
  widened: z.array(z.string()),
  capabilities: z.object({
    http: ListChange,
    ldap: z.object({ from: z.boolean(), to: z.boolean() }),
    itsm: ListChange,
    /** Capabilities this host version does not describe in detail, compared as JSON */
    other: z.array(z.object({ capability: z.string(), from: z.unknown(), to: z.unknown() })),
  }),
  limits: z.array(z.object({ limit: z.string(), from: z.number().nullable(), to: z.number().nullable() })),
  paths: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
  input: z.array(SchemaChange),
  output: z.array(SchemaChange),
});
export type PluginDifference = z.infer<typeof PluginDifference>;

export interface ComparedVersion {
  version: string;
  manifest: PluginManifest;
}

const KNOWN_CAPABILITIES = new Set(['http', 'ldap', 'itsm']);
/** Schema walks stop here and report the rest as one change: manifests are plugin data, bounded before use. */
const MAX_SCHEMA_DEPTH = 16;
const MAX_SCHEMA_CHANGES = 200;

/** Structural equality of JSON values, with an explicit stack (no recursion on plugin data). */
export function sameJson(a: unknown, b: unknown): boolean {
  const stack: [unknown, unknown][] = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    const xKeys = Object.keys(x);
    const yKeys = Object.keys(y);
    if (xKeys.length !== yKeys.length) return false;
    for (const key of xKeys) {
      if (!Object.hasOwn(y, key)) return false;
      stack.push([(x as Record<string, unknown>)[key], (y as Record<string, unknown>)[key]]);
    }
  }
  return true;
}

function splitPort(pattern: string): { host: string; port?: string } {
  const bracketed = /^(\[[^\]]+\])(?::(\d+))?$/.exec(pattern);
  if (bracketed) return { host: bracketed[1], port: bracketed[2] };
  if (isIP(pattern) === 6) return { host: pattern };
  const withPort = /^(.*):(\d+)$/.exec(pattern);
  return withPort ? { host: withPort[1], port: withPort[2] } : { host: pattern };
}

/** Whether every address `wider` allows is certainly allowed by `narrower`'s pattern `old`. */
function hostCovered(old: string, pattern: string): boolean {
  const o = splitPort(old.trim().toLowerCase());
  const n = splitPort(pattern.trim().toLowerCase());
  if (o.host === '*' && o.port === undefined) return true;
  if (o.port !== undefined && o.port !== n.port) return false;
  if (o.host === '*' || o.host === n.host) return true;
  if (o.host.startsWith('*.')) {
    const suffix = o.host.slice(1);
    return n.host.endsWith(suffix) && n.host.length > suffix.length;
  }
  return false;
}

function listChange(from: readonly string[] | null, to: readonly string[] | null): z.infer<typeof ListChange> {
  const before = new Set(from ?? []);
  const after = new Set(to ?? []);
  return {
    from: from === null ? null : [...from],
    to: to === null ? null : [...to],
    added: [...after].filter((item) => !before.has(item)),
    removed: [...before].filter((item) => !after.has(item)),
  };
}

const pointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Changes between two JSON Schemas: per property (added, removed, changed), per required name, per keyword. */
export function schemaChanges(from: unknown, to: unknown): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const stack: [unknown, unknown, string, number][] = [[from, to, '', 0]];
  while (stack.length > 0 && changes.length < MAX_SCHEMA_CHANGES) {
    const [a, b, path, depth] = stack.pop()!;
    if (sameJson(a, b)) continue;
    if (!isObject(a) || !isObject(b) || depth >= MAX_SCHEMA_DEPTH) {
      changes.push({ path: path || '/', change: 'changed', from: a, to: b });
      continue;
    }
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().reverse()) {
      const at = `${path}/${pointer(key)}`;
      // A schema without `properties` or `required` has none: compare property by property, name by name.
      const empty = key === 'required' ? [] : key === 'properties' ? {} : undefined;
      const [x, y] = [a[key] ?? empty, b[key] ?? empty];
      if (key === 'required' && Array.isArray(x) && Array.isArray(y)) {
        for (const name of y.filter((item) => !x.includes(item)))
          changes.push({ path: `${at}/${String(name)}`, change: 'added' });
        for (const name of x.filter((item) => !y.includes(item)))
          changes.push({ path: `${at}/${String(name)}`, change: 'removed' });
      } else if (x === undefined) changes.push({ path: at, change: 'added', to: y });
      else if (y === undefined) changes.push({ path: at, change: 'removed', from: x });
      else stack.push([x, y, at, depth + 1]);
    }
  }
  return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

/** The difference between two versions of one plugin; `from` null compares against nothing. */
export function pluginDifference(name: string, from: ComparedVersion | null, to: ComparedVersion): PluginDifference {
  const before = from?.manifest.capabilities ?? {};
  const after = to.manifest.capabilities;
  const http = listChange(before.http?.hosts ?? null, after.http?.hosts ?? null);
  const itsm = listChange(before.itsm ?? [], after.itsm ?? []);
  const other = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((key) => !KNOWN_CAPABILITIES.has(key))
    .map((capability) => ({
      capability,
      from: (before as Record<string, unknown>)[capability] ?? null,
      to: (after as Record<string, unknown>)[capability] ?? null,
    }))
    .filter((change) => !sameJson(change.from, change.to));

  const widened = [
    ...(after.http?.hosts ?? [])
      .filter((pattern) => !(before.http?.hosts ?? []).some((old) => hostCovered(old, pattern)))
      .map((pattern) => `http: ${pattern}`),
    ...(after.ldap === true && before.ldap !== true ? ['ldap'] : []),
    ...itsm.added.map((scope) => `itsm: ${scope}`),
    ...other.filter((change) => change.to !== null && change.to !== false).map((change) => change.capability),
  ];

  const limitsBefore = (from?.manifest.limits ?? {}) as Record<string, number | undefined>;
  const limitsAfter = (to.manifest.limits ?? {}) as Record<string, number | undefined>;
  const limits = [...new Set([...Object.keys(limitsBefore), ...Object.keys(limitsAfter)])]
    .sort()
    .map((limit) => ({ limit, from: limitsBefore[limit] ?? null, to: limitsAfter[limit] ?? null }))
    .filter((change) => change.from !== change.to);

  const paths = listChange(from?.manifest.paths ?? [], to.manifest.paths);
  return {
    name,
    from: from?.version ?? null,
    to: to.version,
    widened,
    capabilities: {
      http,
      ldap: { from: before.ldap === true, to: after.ldap === true },
      itsm,
      other,
    },
    limits,
    paths: { added: paths.added, removed: paths.removed },
    input: schemaChanges(from?.manifest.input ?? {}, to.manifest.input),
    output: schemaChanges(from?.manifest.output ?? {}, to.manifest.output),
  };
}

/** The lines a person reads: what widens first, then the other changes. */
export function describeDifference(difference: PluginDifference): string[] {
  const { capabilities } = difference;
  const lines = [
    `${difference.name}: ${difference.from ?? '(nothing installed)'} → ${difference.to}`,
    `  widens:        ${difference.widened.join('; ') || 'nothing'}`,
  ];
  if (difference.from === null) return lines; // against nothing, every declaration is new: the widening says it all
  const list = (change: { added: string[]; removed: string[] }) =>
    [...change.added.map((item) => `+${item}`), ...change.removed.map((item) => `-${item}`)].join(' ');
  if (capabilities.http.added.length + capabilities.http.removed.length > 0)
    lines.push(`  http hosts:    ${list(capabilities.http)}`);
  if (capabilities.ldap.from !== capabilities.ldap.to)
    lines.push(`  ldap:          ${capabilities.ldap.from} → ${capabilities.ldap.to}`);
  if (capabilities.itsm.added.length + capabilities.itsm.removed.length > 0)
    lines.push(`  itsm scopes:   ${list(capabilities.itsm)}`);
  for (const change of capabilities.other)
    lines.push(`  ${change.capability}:  ${JSON.stringify(change.from)} → ${JSON.stringify(change.to)}`);
  for (const change of difference.limits)
    lines.push(`  limit ${change.limit}: ${change.from ?? 'default'} → ${change.to ?? 'default'}`);
  if (difference.paths.added.length + difference.paths.removed.length > 0)
    lines.push(`  paths:         ${list(difference.paths)}`);
  for (const [schema, changes] of [
    ['input', difference.input],
    ['output', difference.output],
  ] as const) {
    for (const change of changes) lines.push(`  ${schema} schema: ${change.change} ${change.path}`);
  }
  return lines;
}
