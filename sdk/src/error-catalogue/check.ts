// The completeness check of a package's error catalogue, for its test: every AH_ code written in a string literal
// of the package's sources (tests and fixtures aside) is in the table, every entry is whole, and ERRORS.md is
// what the table generates now. Reads files and parses TypeScript: test and tooling code only, never at run time.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { CODE_PATTERN, ERRORS_FILE, documentedCodes, renderErrorCatalogue, tableProblems } from './catalogue.ts';
import type { ErrorCatalogue } from './catalogue.ts';

export interface CatalogueReport {
  /** Codes the sources use that the table lacks, each with the first file:line using it. */
  codesMissingFromTable: string[];
  /** Entries without a valid code, status, template or description, and codes in two sections. */
  tableProblems: string[];
  /** Table codes that ERRORS.md does not mention (ERRORS.md missing: all of them). */
  codesMissingFromDocs: string[];
  /** ERRORS.md differs from what the table generates now. */
  docsStale: boolean;
}

const isTestSource = (path: string) =>
  /\.(test|fixtures)\.ts$/.test(path) || path.split(sep).includes('fixtures') || path.endsWith('.d.ts');

/** The non-test .ts files under `dir`. */
export function packageSources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts') && !path.split(sep).includes('node_modules') && !isTestSource(path))
    .map((path) => join(dir, path))
    .sort();
}

const LITERAL_KINDS = new Set([
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
]);

/** Every AH_ code inside a string or template literal of a TypeScript source (comments do not count), with its line. */
export function codesInSource(file: string, text: string): { code: string; line: number }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: { code: string; line: number }[] = [];
  const visit = (node: ts.Node) => {
    if (LITERAL_KINDS.has(node.kind)) {
      const start = node.getStart(source);
      const raw = text.slice(start, node.getEnd());
      for (const match of (node as ts.LiteralLikeNode).text.matchAll(CODE_PATTERN)) {
        // the line of the code itself where the raw text holds it (a long template literal spans many lines)
        const offset = raw.indexOf(match[0]);
        found.push({
          code: match[0],
          line: source.getLineAndCharacterOfPosition(start + Math.max(offset, 0)).line + 1,
        });
      }
    }
    node.forEachChild(visit);
  };
  visit(source);
  return found;
}

/** Checks `catalogue` against the package at `packageRoot` (its sources under src/, its ERRORS.md). */
export function checkErrorCatalogue(catalogue: ErrorCatalogue, packageRoot: string): CatalogueReport {
  const known = documentedCodes(catalogue);
  const missing = new Map<string, string>();
  for (const file of packageSources(join(packageRoot, 'src'))) {
    for (const { code, line } of codesInSource(file, readFileSync(file, 'utf8'))) {
      if (!known.has(code) && !missing.has(code)) missing.set(code, `${relative(packageRoot, file)}:${line}`);
    }
  }
  let docs: string | undefined;
  try {
    docs = readFileSync(join(packageRoot, ERRORS_FILE), 'utf8');
  } catch {
    docs = undefined;
  }
  return {
    codesMissingFromTable: [...missing].map(([code, where]) => `${code} (${where})`).sort(),
    tableProblems: tableProblems(catalogue),
    codesMissingFromDocs: [...known].filter((code) => !docs?.includes(`\`${code}\``)),
    docsStale: docs !== renderErrorCatalogue(catalogue),
  };
}
