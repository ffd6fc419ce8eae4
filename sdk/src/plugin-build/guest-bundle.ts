// Build step 2: the guest script the sandbox evaluates — one ES2022 classic script (IIFE), no imports, no
// require, no Node built-ins. zod becomes an inert stub and @actionhost/sdk its guest-safe entry.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { extname, join } from 'node:path';
import type * as esbuild from 'esbuild';
import { bundle, describeMessages, loadEsbuild, toBundlerMessages } from './bundler.ts';
import { BuildErrors, type BundlerMessage } from './errors.ts';
import { checkMissingGlobals, missingGlobalDefines } from './sandbox-globals.ts';
import { zodStubCoreSource, zodStubSource } from './zod-stub.ts';

// index.ts in a checkout, index.js in the published package: the same extension as this module.
const guestSdkEntry = join(import.meta.dirname, '..', 'guest', `index${extname(import.meta.filename)}`);
const nodeBuiltins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

// Named exports of the real zod entry points, so `import { object } from 'zod'` binds to the stub too.
const exportNamesCache = new Map<string, Promise<string[]>>();
function exportNamesOf(specifier: string): Promise<string[]> {
  let names = exportNamesCache.get(specifier);
  if (!names) {
    names = import(specifier).then(
      (m: object) => Object.keys(m),
      () => ['z'],
    );
    exportNamesCache.set(specifier, names);
  }
  return names;
}

// The guest SDK entry is bundled once into one ES module served under a virtual name: the plugin's bundle
// then names it "actionhost-sdk:@actionhost/sdk" instead of a path that depends on where the SDK is installed
// (so two checkouts build byte-identical scripts), and tree shaking still drops unused helpers.
let guestSdkSource: Promise<string> | undefined;
function guestSdk(): Promise<string> {
  guestSdkSource ??= loadEsbuild()
    .then((bundler) =>
      bundler.build({
        entryPoints: [guestSdkEntry],
        absWorkingDir: join(import.meta.dirname, '..', '..'),
        bundle: true,
        format: 'esm',
        platform: 'neutral',
        target: 'es2022',
        write: false,
        logLevel: 'silent',
      }),
    )
    .then((result) => result.outputFiles[0].text);
  guestSdkSource.catch(() => {
    guestSdkSource = undefined;
  });
  return guestSdkSource;
}

function guestResolution(): esbuild.Plugin {
  return {
    name: 'actionhost-guest',
    setup(build) {
      build.onResolve({ filter: /^zod(?:\/.*)?$/ }, (args) => ({ path: args.path, namespace: 'actionhost-zod-stub' }));
      build.onResolve({ filter: /^actionhost-zod-stub-core$/ }, () => ({
        path: 'core',
        namespace: 'actionhost-zod-stub-core',
      }));
      build.onLoad({ filter: /.*/, namespace: 'actionhost-zod-stub-core' }, () => ({
        contents: zodStubCoreSource(),
        loader: 'js',
      }));
      build.onLoad({ filter: /.*/, namespace: 'actionhost-zod-stub' }, async (args) => ({
        contents: zodStubSource('actionhost-zod-stub-core', await exportNamesOf(args.path)),
        loader: 'js',
      }));
      build.onResolve({ filter: /^@actionhost\/sdk(?:\/.*)?$/ }, () => ({
        path: '@actionhost/sdk',
        namespace: 'actionhost-sdk',
      }));
      build.onLoad({ filter: /.*/, namespace: 'actionhost-sdk' }, async () => ({
        contents: await guestSdk(),
        loader: 'js',
      }));
      build.onResolve({ filter: /.*/ }, (args) => {
        if (!nodeBuiltins.has(args.path) && !args.path.startsWith('node:')) return undefined;
        return {
          errors: [
            {
              text:
                `the sandbox has no Node built-ins: cannot import "${args.path}"` +
                " (use ctx.http / ctx.log / ctx.itsm / ctx.ldap and the SDK's pure helpers instead)",
            },
          ],
        };
      });
    },
  };
}

/** Bundles `<dir>/src/plugin.ts` into the guest script text. */
export async function bundleGuest(dir: string, signal?: AbortSignal): Promise<string> {
  const result = await bundle(
    dir,
    'bundling the sandbox script',
    {
      stdin: {
        contents: [
          "import definition from './src/plugin.ts';",
          'globalThis.plugin = {',
          '  run: definition.run,',
          '  testConnection: definition.testConnection,',
          '};',
        ].join('\n'),
        resolveDir: dir,
        sourcefile: 'actionhost-guest-entry.js',
        loader: 'js',
      },
      absWorkingDir: dir,
      bundle: true,
      format: 'iife',
      target: 'es2022',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions: [],
      minify: false,
      sourcemap: false,
      legalComments: 'inline',
      charset: 'utf8',
      // setTimeout, URL, Buffer, console...: free references become markers that checkMissingGlobals reports.
      define: { ...missingGlobalDefines(), 'process.env.NODE_ENV': '"production"' },
      // A computed import(x) cannot be bundled; lowering it turns it into require(x), which is refused below.
      supported: { 'dynamic-import': false },
      write: false,
      metafile: true,
      outfile: join(dir, 'dist', 'plugin.js'),
      plugins: [guestResolution()],
    },
    signal,
  );

  const problems: BundlerMessage[] = [];
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imported of output.imports) {
      problems.push({
        text: `the sandbox script would still ${imported.kind === 'require-call' ? 'require' : 'import'} "${imported.path}"`,
      });
    }
  }
  // esbuild keeps a runtime `require(...)` it cannot bundle (a computed name); there is no require in the sandbox.
  for (const warning of result.warnings) {
    if (/require|import\(|dynamic import/i.test(warning.text)) problems.push(...toBundlerMessages([warning]));
  }
  const { code, problems: missing } = checkMissingGlobals(
    result.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '',
    (file) => {
      try {
        return readFileSync(join(dir, file), 'utf8');
      } catch {
        return undefined;
      }
    },
  );
  if (/\bvar __require\s*=/.test(code))
    problems.push({ text: 'the sandbox script calls require(), which the sandbox does not have' });
  if (missing.length > 0) {
    throw BuildErrors.buildFailed(
      dir,
      'checking the sandbox script',
      `it uses what the sandbox does not have: ${describeMessages(missing)}`,
      missing,
    );
  }
  if (problems.length > 0) {
    throw BuildErrors.buildFailed(
      dir,
      'checking the sandbox script',
      `it is not self-contained: ${describeMessages(problems)}`,
      problems,
    );
  }
  return code;
}
