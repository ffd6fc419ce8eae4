// `npm run docs:errors`: writes ERRORS.md at the root of each package whose catalogue module is named on the command
// line (each exports `errorCatalogue`). Each package's catalogue test fails until this has been run after a change.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ERRORS_FILE, renderErrorCatalogue, type ErrorCatalogue } from './catalogue.ts';

function packageRootOf(file: string): string {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`no package.json above ${file}`);
}

const modules = process.argv.slice(2);
if (modules.length === 0) {
  process.stderr.write('usage: write-docs.ts <catalogue module>...\n');
  process.exit(2);
}
for (const module of modules) {
  const file = resolve(module);
  const { errorCatalogue } = (await import(pathToFileURL(file).href)) as { errorCatalogue?: ErrorCatalogue };
  if (!errorCatalogue) throw new Error(`${module} does not export errorCatalogue`);
  const target = join(packageRootOf(file), ERRORS_FILE);
  const text = renderErrorCatalogue(errorCatalogue);
  const before = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (before !== text) writeFileSync(target, text);
  process.stdout.write(`${relative(process.cwd(), target)}: ${before === text ? 'up to date' : 'written'}\n`);
}
