// Which file `actionhost` (and so `npm start`) runs: core/dist/host.js, the bundle `prepare` built (build-host.ts),
// while it is at least as new as every source its inputs list names; else main.ts, so that an edited source always
// runs as written. Plain JavaScript: checking must not load the TypeScript stripper the bundle spares.
/* global URL */
import { readFileSync, statSync } from 'node:fs';

const CORE_ROOT = new URL('../../', import.meta.url);

/**
 * The sandbox worker makes the same choice for its own bundle (sandbox/worker-file.ts).
 * @param {URL} source what runs when the bundle is not fresh
 * @param {{ bundle: URL, inputs: URL, root: URL }} built the bundle, its inputs list, what the inputs are relative to
 * @returns {URL}
 */
export function freshBundleOr(source, built) {
  try {
    const made = statSync(built.bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(built.inputs, 'utf8'));
    if (!Array.isArray(inputs) || inputs.length === 0) return source;
    for (const input of inputs) {
      if (typeof input !== 'string' || statSync(new URL(input, built.root)).mtimeMs > made) return source;
    }
    return built.bundle;
  } catch {
    // No bundle (prepare did not run), or a source it was made from is gone: the sources are what runs.
    return source;
  }
}

/** @returns {URL} */
export function hostEntry() {
  return freshBundleOr(new URL('./main.ts', import.meta.url), {
    bundle: new URL('dist/host.js', CORE_ROOT),
    inputs: new URL('dist/host.inputs.json', CORE_ROOT),
    root: CORE_ROOT,
  });
}
