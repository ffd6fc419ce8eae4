// Every error the registry can raise: a stable code, the HTTP status it maps to, structured details.
// Tests assert on `code`; the CLI prints `error CODE: message`; the API serialises `toJSON()`.
import { ActionhostError } from '@actionhost/sdk';

export const RegistryErrorCodes = [
  'AH_TARBALL_INVALID',
  'AH_TARBALL_UNSAFE_ENTRY',
  'AH_TARBALL_TOO_LARGE',
  'AH_TARBALL_TOO_MANY_ENTRIES',
  'AH_INTEGRITY_MISMATCH',
  'AH_MANIFEST_INVALID',
  'AH_HOST_RANGE_UNSUPPORTED',
  'AH_ENTRY_MISSING',
  'AH_MAPPING_INVALID',
  'AH_VERSION_IMMUTABLE',
  'AH_VERSION_PINNED',
  'AH_PLUGIN_NOT_FOUND',
  'AH_VERSION_NOT_FOUND',
  'AH_VERSION_RANGE_INVALID',
  'AH_INSTALL_SOURCE_NOT_FOUND',
  'AH_REMOTE_UNAVAILABLE',
  'AH_PACKAGE_MISMATCH',
] as const;
export type RegistryErrorCode = (typeof RegistryErrorCodes)[number];

const error = (code: RegistryErrorCode, message: string, status: number, details: Record<string, unknown> = {}) =>
  new ActionhostError(code, message, status, details);

export const RegistryErrors = {
  sourceNotFound: (spec: string) =>
    error('AH_INSTALL_SOURCE_NOT_FOUND', `${spec} is neither a .tgz file nor a plugin folder`, 404, { spec }),
  tarballInvalid: (reason: string) =>
    error('AH_TARBALL_INVALID', `not a valid plugin tarball (.tgz): ${reason}`, 400, { reason }),
  unsafeEntry: (path: string, reason: string) =>
    error('AH_TARBALL_UNSAFE_ENTRY', `refused tarball entry "${path}": ${reason}`, 400, { path, reason }),
  tooLarge: (what: string, bytes: number, limit: number, path?: string) =>
    error('AH_TARBALL_TOO_LARGE', `${what} is larger than the limit of ${limit} bytes`, 400, {
      ...(path === undefined ? {} : { path }),
      bytes,
      limit,
    }),
  tooManyEntries: (limit: number) =>
    error('AH_TARBALL_TOO_MANY_ENTRIES', `the tarball holds more than ${limit} entries`, 400, { limit }),
  integrityMismatch: (expected: string, actual: string, details: Record<string, unknown> = {}) =>
    error('AH_INTEGRITY_MISMATCH', `integrity mismatch: expected ${expected}, got ${actual}`, 400, {
      expected,
      actual,
      ...details,
    }),
  /** A stored file no longer has the hash recorded at install: the store was changed behind the registry's back. */
  storedFileTampered: (plugin: string, path: string, reason: string) =>
    error('AH_INTEGRITY_MISMATCH', `${plugin}: stored file ${path} ${reason}; reinstall the version`, 500, {
      plugin,
      path,
      reason,
    }),
  /** `path` is a JSON path into the manifest, e.g. "plugin.json#/version". */
  manifestInvalid: (path: string, message: string, issues: unknown[] = []) =>
    error('AH_MANIFEST_INVALID', message, 400, { path, issues }),
  hostRangeUnsupported: (plugin: string, range: string, hostVersion: string) =>
    error('AH_HOST_RANGE_UNSUPPORTED', `${plugin} needs host ${range}, this host's plugin ABI is ${hostVersion}`, 400, {
      plugin,
      range,
      hostVersion,
    }),
  entryMissing: (plugin: string, entry: string, reason: string) =>
    error('AH_ENTRY_MISSING', `${plugin}: entry ${entry} ${reason}`, 400, { plugin, path: `package/${entry}`, reason }),
  mappingInvalid: (plugin: string, preset: string, file: string, reason: string) =>
    error('AH_MAPPING_INVALID', `${plugin}: mapping preset "${preset}" (${file}) ${reason}`, 400, {
      plugin,
      preset,
      path: `package/${file}`,
      reason,
    }),
  versionImmutable: (plugin: string, installed: string, offered: string) =>
    error(
      'AH_VERSION_IMMUTABLE',
      `${plugin} is already installed with different content; versions are immutable, publish a new version`,
      409,
      { plugin, installed, offered },
    ),
  versionPinned: (plugin: string, owners: string[]) =>
    error('AH_VERSION_PINNED', `${plugin} is pinned by ${owners.join(', ')}; use --force to remove it anyway`, 409, {
      plugin,
      owners,
    }),
  pluginNotFound: (name: string) =>
    error('AH_PLUGIN_NOT_FOUND', `no version of ${name} is installed`, 404, { plugin: name, name, installed: [] }),
  versionNotFound: (name: string, range: string, installed: string[]) =>
    error(
      'AH_VERSION_NOT_FOUND',
      `no installed version of ${name} matches ${range} (installed: ${installed.join(', ') || 'none'})`,
      404,
      { plugin: name, name, range, installed },
    ),
  rangeInvalid: (name: string, range: string) =>
    error('AH_VERSION_RANGE_INVALID', `"${range}" is not a semver version or range (for ${name})`, 400, {
      name,
      range,
    }),
  packageMismatch: (expected: string, actual: string, source: string) =>
    error('AH_PACKAGE_MISMATCH', `${source} delivered ${actual}, not the ${expected} it was asked for`, 400, {
      expected,
      actual,
      source,
    }),
  remoteUnavailable: (url: string, reason: string) =>
    error('AH_REMOTE_UNAVAILABLE', `the remote registry at ${url} failed: ${reason}`, 502, { url, reason }),
} as const;
