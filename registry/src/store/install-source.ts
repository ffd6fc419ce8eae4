// Turns an install spec into tarball bytes: a .tgz file as is, a plugin folder built and packed in a
// temp folder (deleted afterwards), or bytes handed in by a caller (an upload, a remote registry).
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildPlugin, createTgz, packPlugin, type TarEntry } from '@actionhost/sdk';
import { packagePath } from './package-check.ts';
import { RegistryErrors } from '../errors.ts';

export type InstallSpec = string | { tarball: Uint8Array; source?: string };

export interface InstallSource {
  bytes: Uint8Array;
  /** What to call it in messages: a path or the caller's `source` */
  label: string;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

// A built folder without sources: pack what its plugin.json names, as is. packPlugin would try to rebuild
// it when package.json is newer than plugin.json, which cannot work without src/. A file that is missing or
// outside the folder is left out, so the install checks report it (AH_ENTRY_MISSING, AH_MAPPING_INVALID).
async function packBuiltFolder(dir: string): Promise<Uint8Array> {
  const manifestText = await readFile(join(dir, 'plugin.json'), 'utf8');
  let manifest: { entry?: unknown; mappings?: unknown } = {};
  try {
    manifest = JSON.parse(manifestText) as typeof manifest;
  } catch {
    // the install reports the manifest as invalid
  }
  const listed = [
    manifest.entry,
    ...Object.values(
      typeof manifest.mappings === 'object' && manifest.mappings ? (manifest.mappings as Record<string, unknown>) : {},
    ),
  ];
  const files = new Set(['plugin.json', 'README.md']);
  for (const file of listed) {
    const path = typeof file === 'string' ? packagePath(file) : undefined;
    if (path !== undefined) files.add(path);
  }
  const entries: TarEntry[] = [];
  for (const file of files) {
    if (!(await isFile(join(dir, ...file.split('/'))))) continue;
    entries.push({ path: `package/${file}`, data: new Uint8Array(await readFile(join(dir, ...file.split('/')))) });
  }
  return createTgz(entries);
}

async function packFolder(
  dir: string,
  signal: AbortSignal | undefined,
  onProgress?: (message: string) => void,
): Promise<Uint8Array> {
  if (!(await isFile(join(dir, 'src', 'plugin.ts')))) {
    if (!(await isFile(join(dir, 'plugin.json')))) throw RegistryErrors.sourceNotFound(dir);
    onProgress?.(`packing the built plugin in ${dir}`);
    return packBuiltFolder(dir);
  }
  onProgress?.(`building ${dir}`);
  await buildPlugin(dir, { signal });
  const outDir = await mkdtemp(join(tmpdir(), 'actionhost-registry-pack-'));
  try {
    onProgress?.(`packing ${dir}`);
    const packed = await packPlugin(dir, { outDir, signal });
    return new Uint8Array(await readFile(packed.file));
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

export async function readInstallSource(
  spec: InstallSpec,
  options: { signal?: AbortSignal; onProgress?: (message: string) => void; maxBytes?: number } = {},
): Promise<InstallSource> {
  if (typeof spec !== 'string') return { bytes: spec.tarball, label: spec.source ?? 'uploaded tarball' };
  const path = resolve(spec);
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) return { bytes: await packFolder(path, options.signal, options.onProgress), label: spec };
  if (info?.isFile()) {
    if (options.maxBytes !== undefined && info.size > options.maxBytes) {
      throw RegistryErrors.tooLarge(`the tarball ${spec}`, info.size, options.maxBytes, spec);
    }
    options.onProgress?.(`reading ${spec}`);
    return { bytes: new Uint8Array(await readFile(path, { signal: options.signal })), label: spec };
  }
  throw RegistryErrors.sourceNotFound(spec);
}
