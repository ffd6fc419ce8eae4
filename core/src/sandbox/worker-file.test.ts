// The bundled worker runs only while it is as new as every source it was made from: an edited source (or one gone,
// or no bundle at all) makes the worker run from worker.ts, so a checkout never runs stale sandbox code.
import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshBundleOr } from './worker-file.ts';

let root: string;
let built: { bundle: string; inputs: string; root: string };
const SOURCE = '/checkout/core/src/sandbox/worker.ts';
const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ah-worker-file-'));
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, 'dist'));
  built = { bundle: join(root, 'dist', 'w.js'), inputs: join(root, 'dist', 'w.json'), root };
  for (const name of ['a.ts', 'b.ts']) {
    writeFileSync(join(root, 'src', name), '');
    at(join(root, 'src', name), 1_000);
  }
  writeFileSync(built.inputs, JSON.stringify(['src/a.ts', 'src/b.ts']));
  writeFileSync(built.bundle, '');
  at(built.bundle, 2_000);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the worker file', () => {
  it('is the bundle while it is newer than all its sources', () => {
    expect(freshBundleOr(SOURCE, built)).toBe(built.bundle);
  });

  it('is the source once one of the bundle’s sources changed after it was built', () => {
    at(join(root, 'src', 'b.ts'), 3_000);
    expect(freshBundleOr(SOURCE, built)).toBe(SOURCE);
  });

  it('is the source when a source is gone, the inputs list is unreadable, or there is no bundle', () => {
    rmSync(join(root, 'src', 'a.ts'));
    expect(freshBundleOr(SOURCE, built)).toBe(SOURCE);
    writeFileSync(join(root, 'src', 'a.ts'), '');
    at(join(root, 'src', 'a.ts'), 1_000);
    writeFileSync(built.inputs, 'not json');
    expect(freshBundleOr(SOURCE, built)).toBe(SOURCE);
    writeFileSync(built.inputs, JSON.stringify(['src/a.ts']));
    rmSync(built.bundle);
    expect(freshBundleOr(SOURCE, built)).toBe(SOURCE);
  });
});
