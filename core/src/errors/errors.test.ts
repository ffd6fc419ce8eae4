// Core's error table stays in step with core's sources (prelude and worker included) and core/ERRORS.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkErrorCatalogue, codesInSource, packageSources } from '@actionhost/sdk/error-catalogue';
import { errorCatalogue } from './index.ts';

const root = join(import.meta.dirname, '../..');
const report = checkErrorCatalogue(errorCatalogue, root);

describe('the error catalogue of @actionhost/core', () => {
  it('holds every AH_ code written in the package sources', () => {
    expect(report.codesMissingFromTable).toEqual([]);
  });

  it('gives every code an HTTP status, a message template and a description', () => {
    expect(report.tableProblems).toEqual([]);
  });

  it('is what ERRORS.md lists, as the table generates it now (npm run docs:errors)', () => {
    expect(report.codesMissingFromDocs).toEqual([]);
    expect(report.docsStale, 'ERRORS.md is stale: run npm run docs:errors').toBe(false);
  });

  it('reads the guest prelude (its codes are plain strings) and the sandbox worker among the sources', () => {
    const sources = packageSources(join(root, 'src'));
    const prelude = join(root, 'src', 'sandbox', 'prelude.ts');
    expect(sources).toEqual(expect.arrayContaining([prelude, join(root, 'src', 'sandbox', 'worker.ts')]));
    expect(codesInSource(prelude, readFileSync(prelude, 'utf8')).map((found) => found.code)).toEqual(
      expect.arrayContaining(['AH_PLUGIN_INVALID', 'AH_ENTRY_UNSUPPORTED', 'AH_OUTPUT_INVALID', 'AH_PLUGIN_THREW']),
    );
  });
});
