// `node core/src/sandbox/build-worker.ts` (run by the root `prepare` and `build` scripts): bundles the sandbox
// worker into one plain JavaScript file, so that a worker started from a checkout neither loads Node's TypeScript
// stripper nor resolves its modules one by one (about 24 MB less resident per worker). worker-handle.ts uses the
// bundle only while it is newer than every source it was made from, and worker.ts otherwise.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { WORKER_BUNDLE, WORKER_BUNDLE_INPUTS } from './worker-file.ts';

const CORE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function buildWorker(): Promise<{ file: string; bytes: number; inputs: string[] }> {
  const staging = `${WORKER_BUNDLE}.staging-${process.pid}`;
  mkdirSync(join(WORKER_BUNDLE, '..'), { recursive: true });
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // The native module stays a package import, resolved from core's node_modules.
    external: ['isolated-vm'],
    outfile: staging,
    absWorkingDir: CORE_ROOT,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  // Sources by path relative to core/, as the freshness check reads them.
  const inputs = Object.keys(result.metafile.inputs).map((input) => relative(CORE_ROOT, join(CORE_ROOT, input)));
  writeFileSync(WORKER_BUNDLE_INPUTS, `${JSON.stringify(inputs, null, 2)}\n`);
  // Written last and swapped in: a bundle newer than its inputs list is one that was completed.
  renameSync(staging, WORKER_BUNDLE);
  return { file: WORKER_BUNDLE, bytes: result.metafile.outputs[relative(CORE_ROOT, staging)]?.bytes ?? 0, inputs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await buildWorker();
  process.stderr.write(
    `sandbox worker: built ${relative(process.cwd(), built.file)} (${built.bytes} bytes from ${built.inputs.length} sources)\n`,
  );
}
