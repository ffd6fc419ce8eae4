// Which file a sandbox worker process runs: in a checkout, the bundle `prepare` built (build-worker.ts) while it is
// newer than every source it was made from, else worker.ts itself (type stripping); in the published package,
// worker.js (built JavaScript: Node does not strip types under node_modules).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CORE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WORKER_BUNDLE = join(CORE_ROOT, 'dist', 'sandbox-worker.js');
/** The sources the bundle was made from, relative to core/ (written by build-worker.ts). */
export const WORKER_BUNDLE_INPUTS = join(CORE_ROOT, 'dist', 'sandbox-worker.inputs.json');

let chosen: string | undefined;

/** The worker's entry file, worked out once per process. */
export function workerFile(): string {
  chosen ??= import.meta.url.endsWith('.ts')
    ? freshBundleOr(fileURLToPath(new URL('./worker.ts', import.meta.url)), {
        bundle: WORKER_BUNDLE,
        inputs: WORKER_BUNDLE_INPUTS,
        root: CORE_ROOT,
      })
    : fileURLToPath(new URL('./worker.js', import.meta.url));
  return chosen;
}

/** `bundle` when it exists and is at least as new as every source its inputs list names, else `source`. */
export function freshBundleOr(source: string, built: { bundle: string; inputs: string; root: string }): string {
  try {
    const made = statSync(built.bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(built.inputs, 'utf8')) as unknown;
    if (!Array.isArray(inputs) || inputs.length === 0) return source;
    for (const input of inputs) {
      if (typeof input !== 'string' || statSync(join(built.root, input)).mtimeMs > made) return source;
    }
    return built.bundle;
  } catch {
    // No bundle (prepare did not run), or a source it was made from is gone: the sources are what runs.
    return source;
  }
}
