// `node core/src/cli/build-host.ts` (run by the root `prepare` and `build` scripts): bundles the host's command line
// into one plain JavaScript file, core/dist/host.js, which actionhost.js (and so `npm start`) runs while it is newer
// than every source it was made from: no TypeScript stripper and ~1 100 fewer modules resident in a running host.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const CORE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKSPACE_ROOT = join(CORE_ROOT, '..');
export const HOST_BUNDLE = join(CORE_ROOT, 'dist', 'host.js');
/** The sources the bundle was made from, relative to core/ (read by actionhost.js's freshness check). */
export const HOST_BUNDLE_INPUTS = join(CORE_ROOT, 'dist', 'host.inputs.json');

/**
 * Our sources find their files (package.json, the console's build, first-party plugins, the sandbox worker) relative
 * to their own URL. In the bundle each keeps that URL: `import.meta.url` becomes the source file's URL, worked out
 * from the bundle's own at run time, so the checkout can move and every module still sees the path it was written
 * against (worker-file.ts, seeing a .ts URL, still picks the worker's bundle or its sources).
 */
const ownUrls: Plugin = {
  name: 'own-import-meta',
  setup(onBuild) {
    onBuild.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta') || args.path.includes('/node_modules/')) return undefined;
      const fromBundle = relative(dirname(HOST_BUNDLE), args.path).split('\\').join('/');
      const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url)`;
      const contents = source
        .replaceAll('import.meta.url', `${url}.href`)
        .replaceAll('import.meta.filename', `__fileURLToPath(${url})`)
        .replaceAll('import.meta.dirname', `__dirname_of(__fileURLToPath(${url}))`)
        // Only the bundle's entry is a main module, and it is not one of ours.
        .replaceAll('import.meta.main', 'false');
      return { contents, loader: 'ts' };
    });
  },
};

export async function buildHost(): Promise<{ file: string; bytes: number; inputs: string[] }> {
  const staging = `${HOST_BUNDLE}.staging-${process.pid}`;
  mkdirSync(dirname(HOST_BUNDLE), { recursive: true });
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./main.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // Native modules stay package imports; esbuild is loaded only to build a stale first-party plugin, and pg's
    // native binding is optional (pg asks for it only when told to).
    external: ['isolated-vm', 'esbuild', 'pg-native'],
    // The CommonJS packages bundled (fastify, pino, pg, ...) call require() for Node's own modules.
    banner: {
      js: [
        "import { createRequire as __createRequire } from 'node:module';",
        "import { fileURLToPath as __fileURLToPath } from 'node:url';",
        "import { dirname as __dirname_of } from 'node:path';",
        'const require = __createRequire(import.meta.url);',
      ].join('\n'),
    },
    plugins: [ownUrls],
    // Whitespace and syntax only (names stay, so stack traces and error names read as in the sources): idle RSS
    // ~99 instead of ~110 MB, three runs each (V8 keeps every script's source, and parses less of it).
    minifyWhitespace: true,
    minifySyntax: true,
    outfile: staging,
    absWorkingDir: CORE_ROOT,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  // Our own sources by path relative to core/, as the freshness check reads them (packages change only with npm ci,
  // which runs prepare again).
  const inputs = Object.keys(result.metafile.inputs)
    .map((input) => join(CORE_ROOT, input))
    .filter((input) => !input.includes('/node_modules/') && input.startsWith(WORKSPACE_ROOT))
    .map((input) => relative(CORE_ROOT, input));
  writeFileSync(HOST_BUNDLE_INPUTS, `${JSON.stringify(inputs, null, 2)}\n`);
  // Written last and swapped in: a bundle newer than its inputs list is one that was completed.
  renameSync(staging, HOST_BUNDLE);
  return { file: HOST_BUNDLE, bytes: result.metafile.outputs[relative(CORE_ROOT, staging)]?.bytes ?? 0, inputs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await buildHost();
  process.stderr.write(
    `host: built ${relative(process.cwd(), built.file)} (${built.bytes} bytes from ${built.inputs.length} sources; ` +
      `${pathToFileURL(built.file).href})\n`,
  );
}
