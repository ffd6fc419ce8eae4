// Checks the contents of a plugin tarball against the contract before anything is written: manifest schema,
// host ABI range, entry script, mapping presets. Works on the in-memory contents read by the tarball concern.
import { posix } from 'node:path';
import semver from 'semver';
import { HOST_ABI_VERSION, PluginManifest, pluginId } from '@actionhost/sdk';
import { RegistryErrors } from '../errors.ts';
import type { PackageContents } from '../tarball/index.ts';

export interface CheckedPackage {
  manifest: PluginManifest;
  mappings: Record<string, Record<string, unknown>>;
}

/** "dist/./plugin.js" → "dist/plugin.js"; undefined when the path leaves the package. */
export function packagePath(relative: string): string | undefined {
  const normalized = posix.normalize(relative);
  if (normalized.startsWith('../') || normalized === '..' || normalized.startsWith('/') || normalized === '.')
    return undefined;
  return normalized.replace(/\/$/, '');
}

function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((key) => `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

export function parseManifest(text: string): PluginManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw RegistryErrors.manifestInvalid('plugin.json', `not valid JSON: ${(error as Error).message}`);
  }
  const parsed = PluginManifest.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: `plugin.json#${jsonPointer(issue.path)}`,
      message: issue.message,
    }));
    const first = issues[0];
    throw RegistryErrors.manifestInvalid(
      first.path,
      issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
      issues,
    );
  }
  return parsed.data;
}

export function checkPackage(contents: PackageContents): CheckedPackage {
  const manifest = parseManifest(contents.files.get('plugin.json')!.toString('utf8'));
  const id = pluginId(manifest.name, manifest.version);
  if (!semver.satisfies(HOST_ABI_VERSION, manifest.host, { includePrerelease: true })) {
    throw RegistryErrors.hostRangeUnsupported(id, manifest.host, HOST_ABI_VERSION);
  }

  const folders = new Set(contents.entries.filter((entry) => entry.kind === 'directory').map((entry) => entry.path));
  const entry = packagePath(manifest.entry);
  if (entry === undefined) throw RegistryErrors.entryMissing(id, manifest.entry, 'is outside the package');
  if (!contents.files.has(entry)) {
    throw RegistryErrors.entryMissing(
      id,
      manifest.entry,
      folders.has(entry) ? 'is a folder, not a file' : 'is not in the package',
    );
  }

  const mappings: Record<string, Record<string, unknown>> = {};
  for (const [preset, file] of Object.entries(manifest.mappings)) {
    const path = packagePath(file);
    const data = path === undefined ? undefined : contents.files.get(path);
    if (data === undefined) throw RegistryErrors.mappingInvalid(id, preset, file, 'is not in the package');
    let value: unknown;
    try {
      value = JSON.parse(data.toString('utf8'));
    } catch (error) {
      throw RegistryErrors.mappingInvalid(id, preset, file, `is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw RegistryErrors.mappingInvalid(id, preset, file, 'is not a JSON object');
    }
    mappings[preset] = value as Record<string, unknown>;
  }
  return { manifest, mappings };
}
