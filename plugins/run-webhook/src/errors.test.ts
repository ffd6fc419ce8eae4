// This plugin's error table stays in step with its sources and its ERRORS.md.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkErrorCatalogue } from '@actionhost/sdk/error-catalogue';
import { errorCatalogue } from './errors.ts';

const report = checkErrorCatalogue(errorCatalogue, join(import.meta.dirname, '..'));

describe('the error catalogue of @actionhost/run-webhook', () => {
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
});
