// The placeholder language of Input Mappings: `#field#` reads the source node's data, `#nodes.<id>.output.<path>#`
// an earlier node's output, `##` is a literal `#`. Values are built as data (never by pasting text into JSON), so a
// value with quotes or braces stays inside its string.
import type { Json } from '@actionhost/sdk';
import { WorkflowErrors } from './errors.ts';

export type Reference =
  /** `#subject#`, `#requester.email#`: a path into the source node's data. */
  | { kind: 'source'; path: string[]; text: string }
  /** `#nodes.lookup.output.items.0#` or `#nodes.lookup.path#`. */
  | { kind: 'node'; node: string; part: 'output' | 'path'; path: string[]; text: string };

export type Segment = { kind: 'text'; text: string } | { kind: 'ref'; ref: Reference };

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/;

/** Splits a string into literal text and references; a lone `#` that opens no valid placeholder is an error. */
export function parseTemplate(value: string, path = ''): Segment[] {
  const segments: Segment[] = [];
  let text = '';
  let index = 0;
  while (index < value.length) {
    const char = value[index];
    if (char !== '#') {
      text += char;
      index++;
      continue;
    }
    if (value[index + 1] === '#') {
      text += '#';
      index += 2;
      continue;
    }
    const close = value.indexOf('#', index + 1);
    const name = close === -1 ? '' : value.slice(index + 1, close);
    if (!NAME.test(name)) {
      throw WorkflowErrors.placeholderSyntax({ value, offset: index }, { path, offset: index });
    }
    if (text) segments.push({ kind: 'text', text });
    text = '';
    segments.push({ kind: 'ref', ref: parseReference(name) });
    index = close + 1;
  }
  if (text || segments.length === 0) segments.push({ kind: 'text', text });
  return segments;
}

function parseReference(name: string): Reference {
  const parts = name.split('.');
  if (parts[0] === 'nodes' && parts.length >= 3 && (parts[2] === 'output' || parts[2] === 'path')) {
    return { kind: 'node', node: parts[1], part: parts[2], path: parts.slice(3), text: name };
  }
  return { kind: 'source', path: parts, text: name };
}

/** Every reference inside a mapping value, with the JSON path (RFC 6901) of the string it sits in. */
export function collectReferences(value: Json, path: string): { ref: Reference; path: string }[] {
  const found: { ref: Reference; path: string }[] = [];
  walk(value, path, (text, at) => {
    for (const segment of parseTemplate(text, at))
      if (segment.kind === 'ref') found.push({ ref: segment.ref, path: at });
  });
  return found;
}

export function hasPlaceholder(value: Json): boolean {
  let found = false;
  walk(value, '', (text, at) => {
    if (parseTemplate(text, at).some((segment) => segment.kind === 'ref')) found = true;
  });
  return found;
}

function walk(value: Json, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, index) => walk(item, `${path}/${index}`, visit));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) walk(item, `${path}/${pointerEscape(key)}`, visit);
  }
}

export function pointerEscape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Builds the value of a mapping: a string that is exactly one placeholder takes the referenced value with its
 * JSON type; placeholders inside a longer string are stringified; arrays and objects are rebuilt item by item,
 * so whatever a referenced value contains can only ever become the content of one string.
 */
export function renderValue(value: Json, resolve: (ref: Reference, path: string) => Json | undefined, path = ''): Json {
  if (typeof value === 'string') {
    const segments = parseTemplate(value, path);
    if (segments.length === 1 && segments[0].kind === 'ref') return resolve(segments[0].ref, path) ?? null;
    return segments
      .map((segment) => (segment.kind === 'text' ? segment.text : stringify(resolve(segment.ref, path))))
      .join('');
  }
  if (Array.isArray(value)) return value.map((item, index) => renderValue(item, resolve, `${path}/${index}`));
  if (value !== null && typeof value === 'object') {
    const built: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value))
      defineKey(built, key, renderValue(item, resolve, `${path}/${pointerEscape(key)}`));
    return built;
  }
  return value;
}

/** Plain assignment of "__proto__" would set the prototype instead of a key: define it as data. */
export function defineKey(target: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function stringify(value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Reads a dotted path out of JSON data; numeric segments index arrays. Missing → undefined. */
export function readPath(data: Json | undefined, path: readonly string[]): Json | undefined {
  let current: Json | undefined = data;
  for (const key of path) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(key)) return undefined;
      current = current[Number(key)];
    } else {
      current = Object.hasOwn(current, key) ? current[key] : undefined;
    }
  }
  return current;
}
