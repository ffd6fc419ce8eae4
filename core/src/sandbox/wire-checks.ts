// Checks the worker makes on guest-made JSON text before it leaves for the host: how deep it nests (a scan of the
// text, no parse, no recursion) and the shape of the log lines.
import type { InvocationLog } from '../capabilities/index.ts';
import { OUTPUT_DEPTH_LIMIT } from './limits.ts';

/** How deep arrays and objects nest in JSON text, counted without parsing; stops past `limit` (returns limit + 1). */
export function depthOfJson(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return limit + 1;
      }
    } else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}

const TOO_DEEP = '[log data nested too deep]';

/** The guest's log lines, at most `max`, with data nested deeper than the output limit replaced by a marker. */
export function sanitizeLogs(logsJson: string, max: number): InvocationLog[] {
  if (logsJson === '[]') return [];
  let logs: unknown;
  try {
    logs = JSON.parse(logsJson);
  } catch {
    return [];
  }
  if (!Array.isArray(logs)) return [];
  const deep = depthOfJson(logsJson, OUTPUT_DEPTH_LIMIT + 2) > OUTPUT_DEPTH_LIMIT + 2;
  return (logs as InvocationLog[])
    .slice(0, max)
    .map((line) =>
      deep && line.data !== undefined && depthOfJson(JSON.stringify(line.data), OUTPUT_DEPTH_LIMIT) > OUTPUT_DEPTH_LIMIT
        ? { ...line, data: TOO_DEEP }
        : line,
    );
}
