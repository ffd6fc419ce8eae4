// The README's settings table, generated from the settings table. `npm run docs:settings` runs this file to
// rewrite the section between the markers; settings.test.ts fails while the README differs from the schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HOST_SETTINGS } from './settings.ts';

export const SETTINGS_MARKERS = {
  start: '<!-- settings:start — generated from core/src/config/settings.ts by `npm run docs:settings` -->',
  end: '<!-- settings:end -->',
} as const;

export const README_FILE = fileURLToPath(new URL('../../../README.md', import.meta.url));

export function renderSettingsTable(): string {
  return HOST_SETTINGS.markdown();
}

/** `readme` with the text between the markers replaced by the generated table. */
export function replaceSettingsSection(readme: string): string {
  const start = readme.indexOf(SETTINGS_MARKERS.start);
  const end = readme.indexOf(SETTINGS_MARKERS.end);
  if (start < 0 || end < start) {
    throw new Error(
      `README.md has no settings section: add the lines\n${SETTINGS_MARKERS.start}\n${SETTINGS_MARKERS.end}`,
    );
  }
  return `${readme.slice(0, start + SETTINGS_MARKERS.start.length)}\n${renderSettingsTable()}\n${readme.slice(end)}`;
}

if (import.meta.main) {
  writeFileSync(README_FILE, replaceSettingsSection(readFileSync(README_FILE, 'utf8')));
  process.stderr.write(`updated the settings table in ${README_FILE}\n`);
}
