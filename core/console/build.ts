// Builds the console into dist/: one minified JS bundle and one CSS file (React Flow's stylesheet included, never
// injected at run time), both with content hashes in their names, and an index.html that loads them with no
// inline script or style, so the host can serve it under a strict Content-Security-Policy. `npm ci` runs this
// through the root package's `prepare` script.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const CONSOLE_ROOT = fileURLToPath(new URL('./', import.meta.url));

export interface ConsoleBuild {
  dir: string;
  script: string;
  stylesheet: string;
  bytes: { script: number; stylesheet: number };
}

export async function buildConsole(options: { outdir?: string } = {}): Promise<ConsoleBuild> {
  const dir = options.outdir ?? join(CONSOLE_ROOT, 'dist');
  // Built next to dist/ and swapped in, so a host serving the old build never sees a half-written folder.
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: [join(CONSOLE_ROOT, 'src', 'main.tsx')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022', 'chrome120', 'firefox120', 'safari17'],
    outdir: join(staging, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    splitting: true,
    assetNames: '[name]-[hash]',
    define: { 'process.env.NODE_ENV': '"production"' },
    jsx: 'automatic',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const script = outputs.find(([file, output]) => file.endsWith('.js') && output.entryPoint !== undefined);
  const stylesheet = outputs.find(([file]) => file.endsWith('.css'));
  if (!script || !stylesheet) throw new Error('the console build produced no script or no stylesheet');
  const scriptName = basename(script[0]);
  const stylesheetName = basename(stylesheet[0]);
  writeFileSync(
    join(staging, 'index.html'),
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>actionhost console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/${stylesheetName}">
<script type="module" src="/assets/${scriptName}"></script>
</head>
<body>
<div id="root"></div>
<noscript>The actionhost console needs JavaScript. The HTTP API is at /api (see /api/openapi.json).</noscript>
</body>
</html>
`,
  );
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return {
    dir,
    script: `assets/${scriptName}`,
    stylesheet: `assets/${stylesheetName}`,
    bytes: { script: script[1].bytes, stylesheet: stylesheet[1].bytes },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildConsole();
  process.stderr.write(
    `console: built ${built.script} (${built.bytes.script} bytes) and ${built.stylesheet} (${built.bytes.stylesheet} bytes) in ${built.dir}\n`,
  );
}
