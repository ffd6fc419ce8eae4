// Front door of packing: built plugin folder → deterministic .tgz + sha512 integrity.
export { packPlugin, integrityOf, tarballName, type PackOptions, type PackResult } from './pack.ts';
export { createTgz, createTar, type TarEntry } from './tar.ts';
export { PackErrors } from './errors.ts';
