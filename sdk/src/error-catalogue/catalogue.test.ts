// The catalogue check fails for each thing it guards: an unknown code in the sources, an entry without status,
// template or description, a code in two sections, and an ERRORS.md that is missing, incomplete or stale.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorCatalogue, ErrorSpec } from '../contract/errors.ts';
import { checkErrorCatalogue, codesInSource, renderErrorCatalogue, tableProblems } from './index.ts';

const spec = (message: string): ErrorSpec => ({ status: 404, message, description: 'Install it first.' });
const catalogue = (extra: Partial<ErrorCatalogue> = {}): ErrorCatalogue => ({
  package: '@acme/pkg',
  intro: 'What @acme/pkg fails with.',
  sections: [{ title: 'Lookup', errors: { AH_ACME_NOT_FOUND: spec('no {thing} named "{name}"') } }],
  ...extra,
});

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A package folder with `files` under src/ and, unless null, ERRORS.md. */
function packageWith(files: Record<string, string>, docs: string | null): string {
  const root = mkdtempSync(join(tmpdir(), 'ah-catalogue-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, 'src', path, '..'), { recursive: true });
    writeFileSync(join(root, 'src', path), text);
  }
  if (docs !== null) writeFileSync(join(root, 'ERRORS.md'), docs);
  return root;
}

describe('checkErrorCatalogue', () => {
  it('passes a package whose codes are all in the table and whose ERRORS.md is current', () => {
    const root = packageWith(
      { 'lookup.ts': "throw E.AH_ACME_NOT_FOUND({ thing: 'x', name });\nconst code = 'AH_ACME_NOT_FOUND';\n" },
      renderErrorCatalogue(catalogue()),
    );
    expect(checkErrorCatalogue(catalogue(), root)).toEqual({
      codesMissingFromTable: [],
      tableProblems: [],
      codesMissingFromDocs: [],
      docsStale: false,
    });
  });

  it('names a code the sources throw that the table lacks, with its file and line', () => {
    const root = packageWith(
      { 'deep/throw.ts': "// AH_IN_A_COMMENT does not count\n\nthrow new ActionhostError('AH_ACME_GONE', 'gone');\n" },
      renderErrorCatalogue(catalogue()),
    );
    expect(checkErrorCatalogue(catalogue(), root).codesMissingFromTable).toEqual([
      `AH_ACME_GONE (${join('src', 'deep', 'throw.ts')}:3)`,
    ]);
  });

  it('reads codes inside template literals (guest code kept as a string), but not in tests or fixtures', () => {
    const root = packageWith(
      {
        'prelude.ts': 'export const SOURCE = String.raw`\n  return fail("AH_ACME_GUEST", "x");\n`;\n',
        'a.test.ts': "expect(code).toBe('AH_ACME_IN_TEST');\n",
        'b.fixtures.ts': "export const code = 'AH_ACME_IN_FIXTURE';\n",
        'fixtures/plugin/src/plugin.ts': "throw 'AH_ACME_IN_FIXTURE_FOLDER';\n",
      },
      renderErrorCatalogue(catalogue()),
    );
    expect(checkErrorCatalogue(catalogue(), root).codesMissingFromTable).toEqual(['AH_ACME_GUEST (src/prelude.ts:2)']);
  });

  it('counts codes the catalogue says it handles as known', () => {
    const handled = catalogue({ handles: { AH_HOST_CODE: 'the failure path' } });
    const root = packageWith({ 'a.ts': "if (code === 'AH_HOST_CODE') return;\n" }, renderErrorCatalogue(handled));
    expect(checkErrorCatalogue(handled, root).codesMissingFromTable).toEqual([]);
  });

  it('reports a missing ERRORS.md as every code undocumented', () => {
    const report = checkErrorCatalogue(catalogue(), packageWith({ 'a.ts': '' }, null));
    expect(report.codesMissingFromDocs).toEqual(['AH_ACME_NOT_FOUND']);
    expect(report.docsStale).toBe(true);
  });

  it('reports an ERRORS.md that lacks an entry, or differs in any way from what the table generates', () => {
    const current = renderErrorCatalogue(catalogue());
    const lacking = checkErrorCatalogue(
      catalogue(),
      packageWith({ 'a.ts': '' }, current.replace('`AH_ACME_NOT_FOUND`', '`X`')),
    );
    expect(lacking.codesMissingFromDocs).toEqual(['AH_ACME_NOT_FOUND']);
    const reworded = checkErrorCatalogue(
      catalogue(),
      packageWith({ 'a.ts': '' }, current.replace('Install it first.', 'Old.')),
    );
    expect(reworded).toMatchObject({ codesMissingFromDocs: [], docsStale: true });
  });
});

describe('tableProblems', () => {
  it('names an entry without status, template or description, a bad code and a stray brace', () => {
    const broken = catalogue({
      sections: [
        {
          title: 'Broken',
          errors: {
            AH_NO_STATUS: { message: 'x', description: 'y' } as unknown as ErrorSpec,
            AH_NO_TEMPLATE: { status: 400, message: ' ', description: 'y' },
            AH_NO_DESCRIPTION: { status: 400, message: 'x', description: '' },
            ah_lower: spec('x'),
            AH_BRACE: spec('returns { path, output }'),
          },
        },
      ],
    });
    expect(tableProblems(broken)).toEqual([
      'AH_NO_STATUS: no HTTP status',
      'AH_NO_TEMPLATE: no message template',
      'AH_NO_DESCRIPTION: no description',
      'ah_lower (Broken): a code is AH_ and capitals, digits, _',
      'AH_BRACE: a brace in the template that is not a {parameter}',
    ]);
  });

  it('names a code written in two sections, or both raised and handled', () => {
    const twice = catalogue({
      sections: [
        { title: 'One', errors: { AH_X: spec('x') } },
        { title: 'Two', errors: { AH_X: spec('x') } },
      ],
      handles: { AH_X: 'also handled' },
    });
    expect(tableProblems(twice)).toEqual([
      'AH_X is in "One" and again in "Two"',
      'AH_X is in the table and in handles: it is either raised here or not',
    ]);
  });
});

describe('codesInSource', () => {
  it('finds codes in string and template literals only, with their lines', () => {
    const text =
      "// 'AH_COMMENT'\nconst a = 'AH_ONE';\nconst b = `x ${a} AH_TWO`;\n/* AH_BLOCK */ const c = \"AH_THREE AH_FOUR\";\n";
    expect(codesInSource('x.ts', text)).toEqual([
      { code: 'AH_ONE', line: 2 },
      { code: 'AH_TWO', line: 3 },
      { code: 'AH_THREE', line: 4 },
      { code: 'AH_FOUR', line: 4 },
    ]);
  });
});
