// The package.json a published package carries. In the checkout, exports and bins name TypeScript sources (Node
// runs them with type stripping); Node does not strip types under node_modules, so the published form names the
// JavaScript and .d.ts that `tsc -b` emits into <package>/dist, and drops what only the workspace uses.

export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  type?: string;
  exports?: Record<string, string>;
  bin?: Record<string, string>;
  files?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  // Other fields (description, type, engines, peerDependencies...) are carried over as they are.
}

export type PublishedExport = string | { types: string; default: string };

export interface PublishedPackageJson extends Omit<PackageJson, 'exports'> {
  exports?: Record<string, PublishedExport>;
}

const SOURCE_PATH = /^\.\/src\/(.+)\.(ts|js)$/;

function sourceParts(field: string, path: string): { base: string; extension: string } {
  const match = SOURCE_PATH.exec(path);
  if (!match) throw new Error(`${field}: "${path}" is not a file under ./src (./src/<path>.ts or .js)`);
  return { base: match[1], extension: match[2] };
}

/** "./src/x/index.ts" → { types: "./dist/x/index.d.ts", default: "./dist/x/index.js" }; a .js source → "./dist/x.js". */
export function publishedExport(path: string): PublishedExport {
  const { base, extension } = sourceParts('exports', path);
  if (extension === 'js') return `./dist/${base}.js`;
  return { types: `./dist/${base}.d.ts`, default: `./dist/${base}.js` };
}

/** A bin is a plain-JavaScript launcher; in the published package it sits in dist/ beside the compiled main.js. */
export function publishedBin(path: string): string {
  return `./dist/${sourceParts('bin', path).base}.js`;
}

function mapValues<T>(record: Record<string, string> | undefined, map: (value: string) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([key, value]) => [key, map(value)]));
}

export function publishedManifest(pkg: PackageJson): PublishedPackageJson {
  if (pkg.private) throw new Error(`${pkg.name} is private: it is not published`);
  if (!pkg.files?.length) throw new Error(`${pkg.name}: package.json needs "files" (what the tarball holds)`);
  // Scripts and devDependencies serve the workspace only; an installed package must not run or need them.
  const published: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(pkg)) {
    if (field === 'scripts' || field === 'devDependencies') continue;
    if (field === 'exports') published.exports = mapValues(pkg.exports, publishedExport);
    else if (field === 'bin') published.bin = mapValues(pkg.bin, publishedBin);
    else published[field] = value;
  }
  return published as unknown as PublishedPackageJson;
}
