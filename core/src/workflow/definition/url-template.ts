// Placeholders in a URL are encoded by where they land, so a value is always data inside its part of the URL:
// in a path segment or a query or fragment it is percent-encoded (`/`, `?`, `&`, `#`, spaces and all), so
// `../../admin?x=` stays one segment; at the start of the URL (the whole URL, or a base URL) or in its host it is
// not encoded but checked: the result must be an absolute http(s) URL whose host is a host. The http capability
// then applies the manifest's host list and the egress policy to it like to any other URL.
import type { Json } from '@actionhost/sdk';
import { WorkflowErrors } from './errors.ts';
import type { Reference, Segment } from './placeholders.ts';

type Position = 'start' | 'authority' | 'path' | 'query' | 'fragment';

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const HOST_CHARACTERS = /^[A-Za-z0-9._~:[\]-]+$/;
// JSON Schema formats that say "this string is a URL".
const URL_FORMATS = new Set(['uri', 'iri', 'uri-reference', 'iri-reference', 'url']);

/** Whether a property schema marks its string as a URL (`format: "uri"`, as zod's z.url() writes it). */
export function isUrlSchema(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  const format = (schema as { format?: unknown }).format;
  return typeof format === 'string' && URL_FORMATS.has(format);
}

/** Builds the URL from a parsed template; `resolve` reads each placeholder. */
export function renderUrl(
  segments: readonly Segment[],
  resolve: (ref: Reference) => Json | undefined,
  path: string,
): Json {
  const invalid = (ref: Reference, position: string, problem: string) =>
    WorkflowErrors.placeholderValueInvalid(
      { placeholder: `#${ref.text}#`, position, problem },
      { path, placeholder: ref.text, position },
    );
  if (segments.length === 1 && segments[0].kind === 'ref') {
    const ref = segments[0].ref;
    const value = resolve(ref);
    if (typeof value !== 'string') throw invalid(ref, 'the whole URL', 'is no text');
    const problem = urlProblem(value);
    if (problem) throw invalid(ref, 'the whole URL', problem);
    return value;
  }
  let out = '';
  let inPath = false;
  const refs: Reference[] = [];
  for (const segment of segments) {
    if (segment.kind === 'text') {
      out += segment.text;
      continue;
    }
    const { ref } = segment;
    refs.push(ref);
    const text = stringify(resolve(ref));
    const position = positionIn(out);
    switch (position) {
      case 'start':
        if (urlProblem(text)) throw invalid(ref, 'the start of the URL', urlProblem(text)!);
        out += text;
        break;
      case 'authority':
        if (!HOST_CHARACTERS.test(text)) throw invalid(ref, 'the host', 'is not a host name, address or port');
        out += text;
        break;
      case 'path':
        inPath = true;
        out += encodeURIComponent(text);
        break;
      case 'query':
      case 'fragment':
        out += encodeURIComponent(text);
        break;
    }
  }
  const first = refs[0];
  if (first) {
    const problem = urlProblem(out);
    if (problem) throw invalid(first, 'the URL', problem);
    // A value that fills a whole segment with "." or ".." (encoded or not) would be taken as a step up the path.
    if (inPath && rawPath(out).split('/').some(isDotSegment)) {
      throw invalid(first, 'a path segment', 'would make a "." or ".." segment that changes the path');
    }
  }
  return out;
}

/** Where a placeholder lands, judged from everything before it. */
function positionIn(before: string): Position {
  if (before === '') return 'start';
  const scheme = SCHEME.exec(before);
  if (!scheme) return 'authority'; // inside the scheme: only host-like text can keep the URL a URL
  const rest = before.slice(scheme[0].length);
  if (!/[/?#]/.test(rest)) return 'authority';
  if (rest.includes('#')) return 'fragment';
  if (rest.includes('?')) return 'query';
  return 'path';
}

function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `has the scheme ${url.protocol}, not http or https`;
  if (!url.hostname) return 'has no host';
  if (url.username || url.password) return 'carries a username or password';
  return undefined;
}

/** The path of a URL exactly as written (between the authority and any query or fragment). */
function rawPath(text: string): string {
  const scheme = SCHEME.exec(text)!;
  const rest = text.slice(scheme[0].length);
  const start = rest.search(/[/?#]/);
  if (start === -1 || rest[start] !== '/') return '/';
  const end = rest.slice(start).search(/[?#]/);
  return end === -1 ? rest.slice(start) : rest.slice(start, start + end);
}

function isDotSegment(segment: string): boolean {
  const plain = segment.replace(/%2e/gi, '.');
  return plain === '.' || plain === '..';
}

function stringify(value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
