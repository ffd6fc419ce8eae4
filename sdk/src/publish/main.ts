// `npm run pack:sdk` (after `tsc -b`): writes the installable tarballs of @actionhost/sdk, @actionhost/registry and
// @actionhost/core into dist/packages/ (or the folder given) and prints one path per line.
import { join, resolve } from 'node:path';
import { packPackages } from './pack-packages.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const outDir = resolve(process.argv[2] ?? join(root, 'dist', 'packages'));
for (const packed of await packPackages(root, outDir)) {
  process.stdout.write(`${packed.file}\n`);
}
