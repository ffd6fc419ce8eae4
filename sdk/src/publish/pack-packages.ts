// Stages and packs the workspace's publishable packages (every one not marked private: @actionhost/sdk,
// @actionhost/registry, @actionhost/core) as the tarballs a plugin author installs. Each is staged from what
// `tsc -b` emitted into <package>/dist, its launchers and the other entries of its `files`, under the
// package.json that names the built JavaScript (manifest.ts), then packed with `npm pack`.
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { publishedManifest, type PackageJson, type PublishedPackageJson } from './manifest.ts';

const run = promisify(execFile);

export interface PackedPackage {
  name: string;
  version: string;
  /** Absolute path of the .tgz. */
  file: string;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

/** The workspace folders named by the root package.json (globs of one trailing "*" only, as this one uses). */
export async function workspaceFolders(root: string): Promise<string[]> {
  const { workspaces = [] } = await readJson<{ workspaces?: string[] }>(join(root, 'package.json'));
  const folders: string[] = [];
  for (const pattern of workspaces) {
    if (!pattern.endsWith('/*')) {
      folders.push(join(root, pattern));
      continue;
    }
    const parent = join(root, pattern.slice(0, -2));
    for (const entry of (await readdir(parent, { withFileTypes: true })).filter((e) => e.isDirectory()))
      folders.push(join(parent, entry.name));
  }
  return folders;
}

// A file tsc emitted whose source is gone would otherwise be shipped: dist/ is never cleaned by `tsc -b`.
const EMITTED = /\.(?:d\.ts\.map|d\.ts|js\.map|js)$/;

async function copyBuilt(packageDir: string, stageDir: string): Promise<number> {
  const dist = join(packageDir, 'dist');
  if (!(await exists(dist))) throw new Error(`${dist} is missing: run \`tsc -b\` first`);
  let copied = 0;
  for (const entry of await readdir(dist, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !EMITTED.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    const path = relative(dist, file);
    const source = join(packageDir, 'src', path.replace(EMITTED, '.ts'));
    if (!(await exists(source))) continue;
    await mkdir(dirname(join(stageDir, 'dist', path)), { recursive: true });
    await cp(file, join(stageDir, 'dist', path));
    copied++;
  }
  // Plain-JavaScript sources (the bins' launchers) are not emitted by tsc: they go beside the compiled files.
  for (const entry of await readdir(join(packageDir, 'src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const path = relative(join(packageDir, 'src'), join(entry.parentPath, entry.name));
    await mkdir(dirname(join(stageDir, 'dist', path)), { recursive: true });
    await cp(join(entry.parentPath, entry.name), join(stageDir, 'dist', path));
    copied++;
  }
  return copied;
}

function targetsOf(manifest: PublishedPackageJson): string[] {
  const targets = Object.values(manifest.bin ?? {});
  for (const target of Object.values(manifest.exports ?? {})) {
    if (typeof target === 'string') targets.push(target);
    else targets.push(target.types, target.default);
  }
  return targets;
}

/** Stages one package into `stageDir` and returns its published package.json. */
export async function stagePackage(packageDir: string, stageDir: string): Promise<PublishedPackageJson> {
  const manifest = publishedManifest(await readJson<PackageJson>(join(packageDir, 'package.json')));
  await rm(stageDir, { recursive: true, force: true });
  await mkdir(stageDir, { recursive: true });
  await copyBuilt(packageDir, stageDir);
  for (const entry of manifest.files ?? []) {
    if (entry.startsWith('!') || entry === 'dist') continue;
    const from = join(packageDir, entry);
    if (await exists(from)) await cp(from, join(stageDir, entry), { recursive: true });
  }
  await writeFile(join(stageDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const target of targetsOf(manifest)) {
    if (!(await exists(join(stageDir, target))))
      throw new Error(`${manifest.name}: ${target} (named by package.json) was not built`);
  }
  return manifest;
}

/** Packs every publishable workspace package into `outDir`; returns the tarballs. */
export async function packPackages(root: string, outDir: string): Promise<PackedPackage[]> {
  await mkdir(outDir, { recursive: true });
  const packed: PackedPackage[] = [];
  for (const folder of await workspaceFolders(root)) {
    const pkg = await readJson<PackageJson>(join(folder, 'package.json'));
    if (pkg.private) continue;
    const stageDir = join(outDir, '.stage', relative(root, folder));
    const manifest = await stagePackage(folder, stageDir);
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', outDir], {
      cwd: stageDir,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [result] = JSON.parse(stdout) as { filename: string }[];
    packed.push({ name: manifest.name, version: manifest.version, file: join(outDir, result.filename) });
  }
  await rm(join(outDir, '.stage'), { recursive: true, force: true });
  return packed;
}
