// Every error the registry can raise: its table (code → HTTP status, message template, cause and fix), from which
// registry/ERRORS.md is generated, and the constructors its code calls. Tests assert on `code`; the CLI prints
// `error CODE: message`; the API and `registry serve` answer with `toJSON()`.
import { defineErrors, type ErrorCatalogue, type ErrorTable } from '@actionhost/sdk';

const install = {
  AH_INSTALL_SOURCE_NOT_FOUND: {
    status: 404,
    message: '{spec} is neither a .tgz file nor a plugin folder',
    description: 'install takes a .tgz path, a plugin folder (built and packed on the fly) or name@range with --from.',
  },
  AH_INTEGRITY_MISMATCH: {
    status: 400,
    message: 'integrity mismatch: {problem}',
    description:
      "The package's sha512 is not the one asked for (--integrity, the remote's advertised value), or (status 500) a stored file no longer has the hash recorded at install: reinstall that version.",
  },
  AH_PACKAGE_MISMATCH: {
    status: 400,
    message: '{source} delivered {actual}, not the {expected} it was asked for',
    description: 'A remote registry answered with another name@version than requested; check the remote.',
  },
  AH_VERSION_IMMUTABLE: {
    status: 409,
    message: '{plugin} is already installed with different content; versions are immutable, publish a new version',
    description: 'An installed name@version never changes; bump the version in package.json and build again.',
  },
} as const satisfies ErrorTable;

const signatures = {
  AH_SIGNATURE_INVALID: {
    status: 400,
    message: '{plugin}: the publisher signature is invalid: {reason}',
    description:
      'package/actionhost-signature.json is malformed or does not match the files (they changed after signing, or the signature was copied from another package); such a package is never installed, whatever the setting. Get the package again from its publisher.',
  },
  AH_SIGNATURE_MISSING: {
    status: 403,
    message: '{plugin} is not signed, and this host installs only packages signed by a trusted publisher',
    description:
      'ACTIONHOST_PLUGIN_SIGNATURES is `trusted`: ask the publisher for a signed package (`actionhost-sdk pack --sign`), or install it where the setting is `optional`.',
  },
  AH_SIGNATURE_UNTRUSTED: {
    status: 403,
    message: '{plugin} is signed by key {keyId}, which is not in the trust store',
    description:
      'ACTIONHOST_PLUGIN_SIGNATURES is `trusted` and no trusted publisher key made the signature: check the key id with the publisher, then `registry trust add <their .pub> --name <publisher>` (or POST /api/trusted-keys).',
  },
  AH_TRUSTED_KEY_NOT_FOUND: {
    status: 404,
    message: 'no trusted key has the id {keyId}',
    description: '`registry trust list` shows the ids of the trusted publisher keys.',
  },
} as const satisfies ErrorTable;

const tarball = {
  AH_TARBALL_INVALID: {
    status: 400,
    message: 'not a valid plugin tarball (.tgz): {reason}',
    description:
      'The bytes are not a gzip-compressed tar archive the reader accepts; pack the plugin with `actionhost-sdk pack`.',
  },
  AH_TARBALL_UNSAFE_ENTRY: {
    status: 400,
    message: 'refused tarball entry "{path}": {reason}',
    description:
      'An entry is a link, device or FIFO, leaves package/ (absolute, `..`, backslash), has control characters, or collides with another after normalisation; such a package is never installed.',
  },
  AH_TARBALL_TOO_LARGE: {
    status: 400,
    message: '{what} is larger than the limit of {limit} bytes',
    description:
      'A file (5 MiB), the whole package (20 MiB decompressed) or a download is over the cap; make the plugin smaller.',
  },
  AH_TARBALL_TOO_MANY_ENTRIES: {
    status: 400,
    message: 'the tarball holds more than {limit} entries',
    description: 'A package holds at most 500 files and folders; bundle the plugin (`actionhost-sdk build`).',
  },
} as const satisfies ErrorTable;

const packageChecks = {
  AH_MANIFEST_INVALID: {
    status: 400,
    message: 'invalid plugin.json: {problem}',
    description:
      "plugin.json is missing, not JSON or breaks the SDK's manifest schema; details.path points at the field (plugin.json#/version), details.issues lists all.",
  },
  AH_HOST_RANGE_UNSUPPORTED: {
    status: 400,
    message: "{plugin} needs host {range}, this host's plugin ABI is {hostVersion}",
    description: "The manifest's host range excludes this host's plugin ABI; install a version built for this host.",
  },
  AH_ENTRY_MISSING: {
    status: 400,
    message: '{plugin}: entry {entry} {reason}',
    description:
      "plugin.json's entry is not a file inside the package; build the plugin so that dist/plugin.js exists.",
  },
  AH_MAPPING_INVALID: {
    status: 400,
    message: '{plugin}: mapping preset "{preset}" ({file}) {reason}',
    description: 'A mapping preset named in plugin.json is missing or not a JSON object; fix the file under mappings/.',
  },
} as const satisfies ErrorTable;

const lookup = {
  AH_PLUGIN_NOT_FOUND: {
    status: 404,
    message: 'no version of {name} is installed',
    description: 'Install the plugin first (`registry install`), or check the spelling of its name.',
  },
  AH_VERSION_NOT_FOUND: {
    status: 404,
    message: 'no installed version of {name} matches {range} (installed: {installed})',
    description:
      'The plugin is installed, but no version satisfies the range; install one that does or widen the range.',
  },
  AH_VERSION_RANGE_INVALID: {
    status: 400,
    message: '"{range}" is not a semver version or range (for {name})',
    description: 'Write a version (1.2.0) or a semver range (^1.2, ~1.2.3, >=1 <2).',
  },
  AH_VERSION_PINNED: {
    status: 409,
    message: '{plugin} is pinned by {owners}; use --force to remove it anyway',
    description:
      'A published workflow runs this exact version; publish the workflow against another version first, or force.',
  },
} as const satisfies ErrorTable;

const remote = {
  AH_REMOTE_UNAVAILABLE: {
    status: 502,
    message: 'the remote registry at {url} failed: {reason}',
    description:
      'The --from registry did not answer, answered with an HTTP error, or pointed to another origin; check the URL.',
  },
  AH_REMOTE_RESPONSE_TOO_LARGE: {
    status: 502,
    message: 'the {what} at {url} is larger than the limit of {limit} bytes',
    description:
      'A --from registry answered with more than this client reads (the version list is capped at 8 MiB, counted as it arrives, before any parsing); the remote is broken or hostile.',
  },
  AH_METHOD_NOT_ALLOWED: {
    status: 405,
    message: 'this registry is read-only',
    description: '`registry serve` answers GET and HEAD only; install with `registry install` on the host itself.',
  },
  AH_BAD_REQUEST: {
    status: 400,
    message: 'malformed percent-encoding in the path',
    description: 'The request path of `registry serve` is not valid percent-encoded UTF-8.',
  },
  AH_NOT_FOUND: {
    status: 404,
    message: 'no such path {path}',
    description: '`registry serve` answers /-/plugins, /<name> and /<name>/-/<version>.tgz only.',
  },
  AH_INTERNAL: {
    status: 500,
    message: 'internal error',
    description: '`registry serve` failed in a way it does not expect (a bug): the cause is not sent, see its stderr.',
  },
} as const satisfies ErrorTable;

const database = {
  AH_REGISTRY_DATABASE_UNAVAILABLE: {
    status: 503,
    message: 'the registry database at {url} cannot be used: {reason}',
    description:
      'The PostgreSQL database given by --database (or ACTIONHOST_DATABASE_URL) did not answer or refused the connection; check the URL, the password and that the server runs.',
  },
  AH_REGISTRY_SCHEMA_NEWER: {
    status: 500,
    message: 'the registry tables at {url} are at version {found}, newer than this registry knows ({known})',
    description:
      'A newer actionhost has migrated the shared database; run the same version on every host that uses it.',
  },
  AH_PACKAGE_TAMPERED: {
    status: 500,
    message: '{plugin}: the package kept in the database {reason}; nothing was extracted',
    description:
      'A host fetching a version another host installed found bytes that do not match the integrity (or the files) recorded at install: the database was changed behind the registry. Reinstall the version from its .tgz (`registry remove --force`, then `registry install`).',
  },
} as const satisfies ErrorTable;

const table = { ...install, ...signatures, ...tarball, ...packageChecks, ...lookup, ...remote, ...database };

export const errorCatalogue: ErrorCatalogue = {
  package: '@actionhost/registry',
  intro:
    'What `registry install`, `list`, `info`, `remove`, `verify` and `serve` (and `PluginStore` called from code) fail ' +
    'with. The CLI prints `error CODE: message` and exits 1; `registry serve` and the host API answer with the status ' +
    'below and `{ "code", "message", "details" }`. An install that fails leaves the data folder as it was.',
  sections: [
    { title: 'Install', errors: install },
    { title: 'Publisher signatures and the trust store', errors: signatures },
    { title: 'Tarball', errors: tarball },
    { title: 'Package checks', errors: packageChecks },
    { title: 'Lookup and remove', errors: lookup },
    { title: 'Remote registry (install --from, serve)', errors: remote },
    { title: 'Shared index (PostgreSQL)', errors: database },
  ],
};

const E = defineErrors(table);

export type RegistryErrorCode = keyof typeof table;
export const RegistryErrorCodes = Object.keys(table) as RegistryErrorCode[];

export const RegistryErrors = {
  sourceNotFound: (spec: string) => E.AH_INSTALL_SOURCE_NOT_FOUND({ spec }, { spec }),
  tarballInvalid: (reason: string) => E.AH_TARBALL_INVALID({ reason }, { reason }),
  unsafeEntry: (path: string, reason: string) => E.AH_TARBALL_UNSAFE_ENTRY({ path, reason }, { path, reason }),
  tooLarge: (what: string, bytes: number, limit: number, path?: string) =>
    E.AH_TARBALL_TOO_LARGE({ what, limit }, { ...(path === undefined ? {} : { path }), bytes, limit }),
  tooManyEntries: (limit: number) => E.AH_TARBALL_TOO_MANY_ENTRIES({ limit }, { limit }),
  integrityMismatch: (expected: string, actual: string, details: Record<string, unknown> = {}) =>
    E.AH_INTEGRITY_MISMATCH({ problem: `expected ${expected}, got ${actual}` }, { expected, actual, ...details }),
  /** A stored file no longer has the hash recorded at install: the store was changed behind the registry's back. */
  storedFileTampered: (plugin: string, path: string, reason: string) =>
    E.AH_INTEGRITY_MISMATCH(
      { problem: `${plugin}: stored file ${path} ${reason}; reinstall the version` },
      { plugin, path, reason },
      { status: 500 },
    ),
  /** `path` is a JSON path into the manifest, e.g. "plugin.json#/version". */
  manifestInvalid: (path: string, problem: string, issues: unknown[] = []) =>
    E.AH_MANIFEST_INVALID({ problem }, { path, issues }),
  hostRangeUnsupported: (plugin: string, range: string, hostVersion: string) =>
    E.AH_HOST_RANGE_UNSUPPORTED({ plugin, range, hostVersion }, { plugin, range, hostVersion }),
  entryMissing: (plugin: string, entry: string, reason: string) =>
    E.AH_ENTRY_MISSING({ plugin, entry, reason }, { plugin, path: `package/${entry}`, reason }),
  mappingInvalid: (plugin: string, preset: string, file: string, reason: string) =>
    E.AH_MAPPING_INVALID({ plugin, preset, file, reason }, { plugin, preset, path: `package/${file}`, reason }),
  versionImmutable: (plugin: string, installed: string, offered: string) =>
    E.AH_VERSION_IMMUTABLE({ plugin }, { plugin, installed, offered }),
  signatureInvalid: (plugin: string, reason: string, keyId?: string) =>
    E.AH_SIGNATURE_INVALID({ plugin, reason }, { plugin, reason, ...(keyId === undefined ? {} : { keyId }) }),
  signatureMissing: (plugin: string) => E.AH_SIGNATURE_MISSING({ plugin }, { plugin, policy: 'trusted' }),
  signatureUntrusted: (plugin: string, keyId: string, publicKey: string) =>
    E.AH_SIGNATURE_UNTRUSTED({ plugin, keyId }, { plugin, keyId, publicKey, policy: 'trusted' }),
  trustedKeyNotFound: (keyId: string) => E.AH_TRUSTED_KEY_NOT_FOUND({ keyId }, { keyId }),
  versionPinned: (plugin: string, owners: string[]) =>
    E.AH_VERSION_PINNED({ plugin, owners: owners.join(', ') }, { plugin, owners }),
  pluginNotFound: (name: string) => E.AH_PLUGIN_NOT_FOUND({ name }, { plugin: name, name, installed: [] }),
  versionNotFound: (name: string, range: string, installed: string[]) =>
    E.AH_VERSION_NOT_FOUND(
      { name, range, installed: installed.join(', ') || 'none' },
      { plugin: name, name, range, installed },
    ),
  rangeInvalid: (name: string, range: string) => E.AH_VERSION_RANGE_INVALID({ name, range }, { name, range }),
  packageMismatch: (expected: string, actual: string, source: string) =>
    E.AH_PACKAGE_MISMATCH({ expected, actual, source }, { expected, actual, source }),
  remoteUnavailable: (url: string, reason: string) => E.AH_REMOTE_UNAVAILABLE({ url, reason }, { url, reason }),
  remoteTooLarge: (url: string, what: string, bytes: number, limit: number) =>
    E.AH_REMOTE_RESPONSE_TOO_LARGE({ url, what, limit }, { url, bytes, limit }),
  /** `registry serve`'s own refusals. */
  methodNotAllowed: () => E.AH_METHOD_NOT_ALLOWED(),
  pathMalformed: () => E.AH_BAD_REQUEST(),
  pathNotFound: (path: string) => E.AH_NOT_FOUND({ path }, { path }),
  internal: () => E.AH_INTERNAL(),
  databaseUnavailable: (url: string, reason: string) =>
    E.AH_REGISTRY_DATABASE_UNAVAILABLE({ url, reason }, { url, reason }),
  schemaNewer: (url: string, found: number, known: number) =>
    E.AH_REGISTRY_SCHEMA_NEWER({ url, found, known }, { url, found, known }),
  /** The bytes another host stored do not verify: refused before anything reaches the plugins folder. */
  packageTampered: (plugin: string, reason: string, details: Record<string, unknown> = {}) =>
    E.AH_PACKAGE_TAMPERED({ plugin, reason }, { plugin, reason, ...details }),
} as const;
