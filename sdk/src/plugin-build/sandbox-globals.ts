// Globals of Node and the web that the sandbox's bare V8 context does not have. The build refuses a plugin that
// uses one (it would pass the build and fail at run time with a ReferenceError), saying what to use instead.
// esbuild's `define` does the scope analysis: it replaces only free references, never a local of the same name.
import type { BundlerMessage } from './errors.ts';

const WAIT = 'nothing to wait on: await the ctx calls; the host enforces limits.timeoutMs';
const HTTP = 'use ctx.http.request(...) (declare capabilities.http)';
const URLS = 'use parseUrl, parseQuery, buildQuery, withQuery from @actionhost/sdk';
const TEXT = 'use utf8Encode / utf8Decode from @actionhost/sdk';
const BASE64 = 'use encodeBase64, decodeBase64, bytesToBase64, base64ToBytes from @actionhost/sdk';

/** Name → what to use instead. */
export const MISSING_GLOBALS: Readonly<Record<string, string>> = {
  setTimeout: WAIT,
  setInterval: WAIT,
  setImmediate: WAIT,
  clearTimeout: WAIT,
  clearInterval: WAIT,
  clearImmediate: WAIT,
  queueMicrotask: 'use await or Promise.resolve().then(...)',
  structuredClone: 'copy JSON data with JSON.parse(JSON.stringify(value))',
  fetch: HTTP,
  XMLHttpRequest: HTTP,
  WebSocket: HTTP,
  Headers: HTTP,
  Request: HTTP,
  Response: HTTP,
  FormData: HTTP,
  Blob: 'keep data as strings or Uint8Array',
  AbortController: 'the host cancels a plugin at limits.timeoutMs; ctx.http.request takes timeoutMs',
  URL: URLS,
  URLSearchParams: URLS,
  TextEncoder: TEXT,
  TextDecoder: TEXT,
  Buffer: BASE64,
  btoa: BASE64,
  atob: BASE64,
  crypto: 'use ctx.invocation.id / idempotencyKey for unique ids; anything cryptographic belongs on the host',
  performance: 'use Date.now()',
  process: 'there is no process: configuration comes in as input, secrets as stored credentials',
  console: 'use ctx.log.info(...) and the other ctx.log levels',
  __dirname: 'a plugin has no files: ship data in its code or take it as input',
  __filename: 'a plugin has no files: ship data in its code or take it as input',
};

const MARKER = '__actionhost_missing_global_';
const MARKED = new RegExp(`(typeof\\s+)?${MARKER}(\\w+)`, 'g');

/** esbuild `define`s that turn each free reference (also as globalThis.<name>) into a marker found afterwards. */
export function missingGlobalDefines(): Record<string, string> {
  const defines: Record<string, string> = {};
  for (const name of Object.keys(MISSING_GLOBALS)) {
    defines[name] = `${MARKER}${name}`;
    defines[`globalThis.${name}`] = `${MARKER}${name}`;
  }
  return defines;
}

/** The module esbuild says a line of a non-minified bundle comes from (its `// path` comment above it). */
function moduleOf(lines: string[], index: number): string | undefined {
  for (let i = index; i >= 0; i--) {
    const comment = /^\s*\/\/ (\S+\.[cm]?[jt]sx?)$/.exec(lines[i]);
    if (comment) return comment[1];
  }
  return undefined;
}

/** Line and column (1-based line, 0-based column, as esbuild's) of the first use of `name` in a source text. */
function locate(
  source: string | undefined,
  name: string,
): { line: number; column: number; lineText: string } | undefined {
  const lines = source?.split('\n') ?? [];
  // `name` or `globalThis.name`, not `x.name`, `typeof name` or a longer identifier.
  const use = new RegExp(`(?<![\\w$]|typeof\\s)(?<!(?<!globalThis)\\.)${name.replaceAll('$', '\\$')}(?![\\w$])`);
  for (let index = 0; index < lines.length; index++) {
    const found = use.exec(lines[index]);
    if (found && !/^\s*(\/\/|\*)/.test(lines[index])) {
      return { line: index + 1, column: found.index, lineText: lines[index] };
    }
  }
  return undefined;
}

/**
 * Finds the uses of missing globals in the bundled script. `typeof setTimeout` is allowed (a library checking
 * what it runs on); the markers left there are turned back into the names, so the script reads as written.
 * `readSource` gives a module's text by the path esbuild names it with, to point at the line that uses it.
 */
export function checkMissingGlobals(
  bundled: string,
  readSource: (file: string) => string | undefined = () => undefined,
): { code: string; problems: BundlerMessage[] } {
  const problems: BundlerMessage[] = [];
  const seen = new Set<string>();
  const lines = bundled.split('\n');
  lines.forEach((line, index) => {
    for (const match of line.matchAll(MARKED)) {
      if (match[1]) continue;
      const name = match[2];
      const file = moduleOf(lines, index);
      const key = `${name}@${file ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const where = file ? locate(readSource(file), name) : undefined;
      problems.push({
        text: `the sandbox has no ${name} (${MISSING_GLOBALS[name]})`,
        ...(file ? { file } : {}),
        ...(where ?? { lineText: line.replaceAll(MARKER, '').trim() }),
      });
    }
  });
  return { code: bundled.replaceAll(MARKER, ''), problems };
}
