// @actionhost/sdk/error-catalogue: the tooling around a package's error table — the ERRORS.md it generates and the
// check its test runs. For tests and scripts only (it parses TypeScript); a package's code imports defineErrors.
export * from './catalogue.ts';
export * from './check.ts';
