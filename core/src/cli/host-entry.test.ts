// `actionhost` runs the host's bundle only while it is as new as every source it was made from (an edited source, one
// gone, or no bundle at all runs main.ts), and the bundle prepare built runs the same command line as the sources.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

type Choose = (source: URL, built: { bundle: URL; inputs: URL; root: URL }) => URL;
// A plain JavaScript module (it must not load the TypeScript stripper), typed here by hand.
const { freshBundleOr } = (await import(new URL('./host-entry.js', import.meta.url).href)) as {
  freshBundleOr: Choose;
};

let root: string;
let built: { bundle: URL; inputs: URL; root: URL };
const SOURCE = new URL('file:///checkout/core/src/cli/main.ts');
const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ah-host-entry-'));
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, 'dist'));
  built = {
    bundle: pathToFileURL(join(root, 'dist', 'host.js')),
    inputs: pathToFileURL(join(root, 'dist', 'host.inputs.json')),
    root: pathToFileURL(`${root}/`),
  };
  for (const name of ['a.ts', 'b.ts']) {
    writeFileSync(join(root, 'src', name), '');
    at(join(root, 'src', name), 1_000);
  }
  writeFileSync(built.inputs, JSON.stringify(['src/a.ts', 'src/b.ts']));
  writeFileSync(built.bundle, '');
  at(fileURLToPath(built.bundle), 2_000);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the host entry', () => {
  it('is the bundle while it is newer than all its sources', () => {
    expect(freshBundleOr(SOURCE, built).href).toBe(built.bundle.href);
  });

  it('is main.ts once one of the bundle’s sources changed after it was built', () => {
    at(join(root, 'src', 'b.ts'), 3_000);
    expect(freshBundleOr(SOURCE, built).href).toBe(SOURCE.href);
  });

  it('is main.ts when a source is gone, the inputs list is unreadable, or there is no bundle', () => {
    rmSync(join(root, 'src', 'a.ts'));
    expect(freshBundleOr(SOURCE, built).href).toBe(SOURCE.href);
    writeFileSync(join(root, 'src', 'a.ts'), '');
    at(join(root, 'src', 'a.ts'), 1_000);
    writeFileSync(built.inputs, 'not json');
    expect(freshBundleOr(SOURCE, built).href).toBe(SOURCE.href);
    writeFileSync(built.inputs, JSON.stringify(['src/a.ts']));
    rmSync(built.bundle);
    expect(freshBundleOr(SOURCE, built).href).toBe(SOURCE.href);
  });
});

describe('the bundle prepare built (core/dist/host.js)', () => {
  const bundle = fileURLToPath(new URL('../../dist/host.js', import.meta.url));

  it('exists after npm ci and answers as the command line does, with the version of core/package.json', () => {
    expect(existsSync(bundle)).toBe(true);
    const version = (entry: string) => execFileSync(process.execPath, [entry, '--version'], { encoding: 'utf8' });
    expect(version(bundle)).toBe(version(fileURLToPath(new URL('./main.ts', import.meta.url))));
  });
});
