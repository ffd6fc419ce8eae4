// `actionhost-sdk init`: scaffolds a working plugin folder from sdk/templates/plugin (files ending in .tmpl,
// so the repository's own test runner and typechecker never pick the templates up).
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { CliErrors } from './errors.ts';

const templateRoot = join(import.meta.dirname, '..', '..', 'templates', 'plugin');
const sdkPackageFile = join(import.meta.dirname, '..', '..', 'package.json');
const npmName = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

/** Template path → scaffold path: drop ".tmpl"; "gitignore" becomes ".gitignore" (npm drops dotfiles from packages). */
function targetPath(templatePath: string): string {
  const path = templatePath.replace(/\.tmpl$/, '');
  return path === 'gitignore' ? '.gitignore' : path;
}

function titleFrom(name: string): string {
  const bare = name.replace(/^@[^/]+\//, '');
  return (
    bare
      .split(/[-_.]+/)
      .filter(Boolean)
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join(' ') || 'My Plugin'
  );
}

function defaultName(dir: string): string {
  const base = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return base || 'my-plugin';
}

async function sdkVersions(): Promise<Record<string, string>> {
  const pkg = JSON.parse(await readFile(sdkPackageFile, 'utf8')) as {
    version: string;
    dependencies?: Record<string, string>;
  };
  return {
    sdkVersion: pkg.version,
    zodRange: pkg.dependencies?.zod ?? '^4.0.0',
    // What the scaffold's tests and typecheck run with (the ranges this repository is tested with).
    vitestRange: '^5.1.1',
    typescriptRange: '^5.9.3',
    nodeTypesRange: '^24.0.0',
  };
}

export interface InitResult {
  dir: string;
  name: string;
  files: string[];
}

export async function initPlugin(dir: string, options: { name?: string } = {}): Promise<InitResult> {
  const root = resolve(dir);
  const existing = await readdir(root).catch(() => []);
  if (existing.length > 0) throw CliErrors.initTargetNotEmpty(root);
  const name = options.name ?? defaultName(root);
  if (!npmName.test(name) || name.length > 214) throw CliErrors.initNameInvalid(name);
  const values: Record<string, string> = { name, title: titleFrom(name), ...(await sdkVersions()) };

  const templates = (await readdir(templateRoot, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => relative(templateRoot, join(entry.parentPath, entry.name)))
    .sort();
  const files: string[] = [];
  for (const template of templates) {
    const text = await readFile(join(templateRoot, template), 'utf8');
    const filled = text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
    const target = join(root, targetPath(template));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, filled);
    files.push(relative(root, target));
  }
  return { dir: root, name, files };
}
