// What every actionhost executable runs first. Plain JavaScript that any Node since 12 reads, so that an older
// Node on PATH (running a bin outside npm, where node_modules/.bin is not first) says which Node is needed and how
// to get it, instead of failing on the TypeScript entry with ERR_UNKNOWN_FILE_EXTENSION.
/* global process, URL */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REQUIRED_MAJOR = 24;

/**
 * main.ts in a checkout; in the published package (built by `npm run pack:sdk`) the launcher sits in dist/ beside
 * the compiled main.js, since Node does not strip types from files under node_modules.
 * @param {URL} entry
 */
function runnable(entry) {
  const compiled = new URL(entry.href.replace(/\.ts$/, '.js'));
  return existsSync(fileURLToPath(compiled)) ? compiled : entry;
}

/**
 * Imports `entry` (the program's main.ts) when this Node can run it; otherwise explains and exits 1.
 * @param {string} program the command's name, e.g. "actionhost"
 * @param {URL} entry the TypeScript entry point (main.ts)
 */
export function launch(program, entry) {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= REQUIRED_MAJOR) return import(runnable(entry).href);
  process.stderr.write(
    'error AH_NODE_TOO_OLD: ' +
      program +
      ' needs Node.js ' +
      REQUIRED_MAJOR +
      ' or newer; this is Node.js ' +
      process.versions.node +
      ' (' +
      process.execPath +
      ').\n' +
      'In a checkout on Linux x64, `npm ci` puts Node ' +
      REQUIRED_MAJOR +
      ' in node_modules/.bin, which npm scripts and npx use: run `npx ' +
      program +
      ' ...` (or `npm start`). Elsewhere install Node.js ' +
      REQUIRED_MAJOR +
      ' (https://nodejs.org, or `nvm install ' +
      REQUIRED_MAJOR +
      '`).\n',
  );
  process.exitCode = 1;
  return Promise.resolve();
}
