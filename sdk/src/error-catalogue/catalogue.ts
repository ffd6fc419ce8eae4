// A package's error catalogue as its docs show it: the package's error table in titled sections, and the
// markdown file (ERRORS.md at the package root) generated from it. Pure: no file system, no imports at run time.
import type { ErrorCatalogue, ErrorSpec } from '../contract/errors.ts';

export type { ErrorCatalogue };

export const ERRORS_FILE = 'ERRORS.md';
export const CODE_PATTERN = /\bAH_[A-Z0-9_]+\b/g;

/** Every code the catalogue documents: its table's and the ones it handles. */
export function documentedCodes(catalogue: ErrorCatalogue): Set<string> {
  return new Set([...catalogueEntries(catalogue).map((entry) => entry.code), ...Object.keys(catalogue.handles ?? {})]);
}

/** Every entry of the catalogue, in section order. */
export function catalogueEntries(catalogue: ErrorCatalogue): { code: string; section: string; spec: ErrorSpec }[] {
  return catalogue.sections.flatMap((section) =>
    Object.entries(section.errors).map(([code, spec]) => ({ code, section: section.title, spec })),
  );
}

const cell = (text: string) => text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll('\n', ' ');
const template = (text: string) =>
  cell(text).replace(/\{([A-Za-z_$][\w$]*)\}/g, (_whole, name: string) => `<var>{${name}}</var>`);

/** The markdown a package's ERRORS.md holds: one table per section, generated (never edited by hand). */
export function renderErrorCatalogue(catalogue: ErrorCatalogue): string {
  const lines = [
    `# Errors of ${catalogue.package}`,
    '',
    '<!-- Generated from the error table by `npm run docs:errors`; do not edit by hand. -->',
    '',
    catalogue.intro.trim(),
    '',
    'In a message, <var>{name}</var> stands for a value the error fills in (most are also in `details`).',
  ];
  for (const section of catalogue.sections) {
    lines.push('', `## ${section.title}`, '');
    if (Object.keys(section.errors).length === 0) {
      lines.push('None.');
      continue;
    }
    lines.push('| code | status | message | cause and fix |', '| --- | --- | --- | --- |');
    for (const [code, spec] of Object.entries(section.errors)) {
      lines.push(`| \`${code}\` | ${spec.status} | ${template(spec.message)} | ${cell(spec.description)} |`);
    }
  }
  const handled = Object.entries(catalogue.handles ?? {});
  if (handled.length > 0) {
    lines.push('', '## Codes of other packages it acts on', '', '| code | what happens |', '| --- | --- |');
    for (const [code, what] of handled) lines.push(`| \`${code}\` | ${cell(what)} |`);
  }
  return lines.join('\n') + '\n';
}

/** What is wrong with the table itself: a bad code, a duplicate, an entry without status, template or description. */
export function tableProblems(catalogue: ErrorCatalogue): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { code, section, spec } of catalogueEntries(catalogue)) {
    if (!/^AH_[A-Z0-9_]+$/.test(code)) problems.push(`${code} (${section}): a code is AH_ and capitals, digits, _`);
    const earlier = seen.get(code);
    if (earlier !== undefined) problems.push(`${code} is in "${earlier}" and again in "${section}"`);
    seen.set(code, section);
    const { status, message, description } = (spec ?? {}) as Partial<ErrorSpec>;
    if (!Number.isInteger(status) || status! < 100 || status! > 599) problems.push(`${code}: no HTTP status`);
    if (typeof message !== 'string' || message.trim() === '') problems.push(`${code}: no message template`);
    else if (/[{}]/.test(message.replace(/\{[A-Za-z_$][\w$]*\}/g, ''))) {
      problems.push(`${code}: a brace in the template that is not a {parameter}`);
    }
    if (typeof description !== 'string' || description.trim() === '') problems.push(`${code}: no description`);
  }
  for (const [code, what] of Object.entries(catalogue.handles ?? {})) {
    if (seen.has(code)) problems.push(`${code} is in the table and in handles: it is either raised here or not`);
    if (typeof what !== 'string' || what.trim() === '') problems.push(`${code} (handled): no description`);
  }
  return problems;
}
