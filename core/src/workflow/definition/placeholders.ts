// The placeholder language of Input Mappings: every string is a template in which `#field#` reads the source node's
// data, `#nodes.<id>.output.<path>#` an earlier node's output, `##` is a literal `#`, and any other `#` is an error —
// in every field, secret or not. `{ "$literal": text }` is text as typed (value-forms.ts). Rendering is render.ts.
import type { Json } from '@actionhost/sdk';
import { WorkflowErrors } from './errors.ts';
import { valueFormOf } from './value-forms.ts';

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
      // The value itself stays out of the error: it may be a password typed into a secret field.
      throw WorkflowErrors.placeholderSyntax({ offset: index }, { path, offset: index });
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

/** Visits every template string of a mapping value: literal and sealed values hold none, public ones hold one. */
function walk(value: Json, path: string, visit: (text: string, path: string) => void): void {
  const form = valueFormOf(value);
  if (form) {
    if (form.kind === 'public') visit(form.template, `${path}/$public`);
    return;
  }
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, index) => walk(item, `${path}/${index}`, visit));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) walk(item, `${path}/${pointerEscape(key)}`, visit);
  }
}

export function pointerEscape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Plain assignment of "__proto__" would set the prototype instead of a key: define it as data. */
export function defineKey(target: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
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
