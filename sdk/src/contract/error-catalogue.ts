// Every code @actionhost/sdk raises — the contract's own (manifest, host range) and those of build, pack and the
// actionhost-sdk CLI — with its status, message template and what to do about it. sdk/ERRORS.md is generated from it.
import { type ActionhostError, defineErrors, type ErrorCatalogue, type ErrorTable } from './errors.ts';

const contract = {
  AH_MANIFEST_INVALID: {
    status: 400,
    message: '{file}: {problem}',
    description:
      'plugin.json breaks the manifest schema (details.path points at the field, details.issues lists all); fix the definePlugin options or package.json and build again.',
  },
  AH_HOST_RANGE_UNSUPPORTED: {
    status: 400,
    message: "{plugin} needs host {range}, this host's plugin ABI is {hostVersion}",
    description:
      "The manifest's host range excludes this host's plugin ABI; install a version of the plugin built for it, or widen `host` if the plugin works with it.",
  },
} as const satisfies ErrorTable;

const build = {
  AH_BUILD_FAILED: {
    status: 400,
    message: '{step} failed: {reason}',
    description:
      'esbuild refused the source, or the sandbox script would need something the sandbox lacks (a Node built-in, require); details.messages has file, line and text.',
  },
  AH_PACKAGE_JSON_INVALID: {
    status: 400,
    message: '{file}: {problem}',
    description: "The plugin folder's package.json is missing, not JSON, or lacks name or version; fix it.",
  },
  AH_PLUGIN_SOURCE_MISSING: {
    status: 400,
    message: 'no plugin source at {file} (expected src/plugin.ts)',
    description: 'The build looks for src/plugin.ts in the plugin folder; create it or build the right folder.',
  },
  AH_PLUGIN_DEFINITION_INVALID: {
    status: 400,
    message: '{file}: {problem}',
    description:
      'src/plugin.ts must `export default definePlugin({ ... })` with zod input/output schemas and a run function; the message says which part is wrong.',
  },
  AH_SCHEMA_UNREPRESENTABLE: {
    status: 400,
    message:
      'the {schema} schema cannot be written as JSON Schema at {path}: {problem}. Use JSON types only (string, number, boolean, null, arrays, objects, enums, literals); plugins receive and return JSON, so keep dates as ISO strings.',
    description:
      'A zod schema uses a type JSON Schema cannot express (Date, bigint, transform, custom); use JSON types (details.path points at it).',
  },
  AH_SCHEMA_INVALID: {
    status: 400,
    message: 'the generated {schema} JSON Schema is not valid draft 2020-12: {problem}',
    description:
      'The JSON Schema generated from a zod schema does not compile; simplify the schema at the reported path.',
  },
} as const satisfies ErrorTable;

const pack = {
  AH_PACK_PATH_TOO_LONG: {
    status: 400,
    message: 'cannot store "{path}" in a tarball: path too long',
    description: 'A file path does not fit a tar header (ustar: 100 + 155 bytes); shorten it.',
  },
  AH_PACK_FILE_MISSING: {
    status: 400,
    message: '{file} is listed in plugin.json but missing from {dir} (rebuild the plugin)',
    description: 'plugin.json names an entry or mapping file the folder lacks; build the plugin again before packing.',
  },
} as const satisfies ErrorTable;

const signing = {
  AH_SIGNING_KEY_INVALID: {
    status: 400,
    message: 'cannot sign with {file}: {reason}',
    description:
      'The --sign key file (or ACTIONHOST_SIGNING_KEY, for the first-party plugins) is missing, not an ed25519 private key in PKCS#8 PEM (what `actionhost-sdk keygen` and `openssl genpkey -algorithm ed25519` write), or readable by other users (chmod 600 it).',
  },
  AH_PUBLIC_KEY_INVALID: {
    status: 400,
    message: 'not an ed25519 public key: {reason}',
    description:
      'A publisher key must be the .pub file `actionhost-sdk keygen` writes (SPKI PEM) or its one-line form `ed25519:<base64 of the 32-byte key>`.',
  },
  AH_KEYGEN_TARGET_EXISTS: {
    status: 400,
    message: '{file} exists; keygen never overwrites a key',
    description: 'Choose another --name or --out folder, or delete the old key pair if it is really no longer needed.',
  },
} as const satisfies ErrorTable;

const cli = {
  AH_INIT_TARGET_NOT_EMPTY: {
    status: 400,
    message: '{dir} exists and is not empty; pick a new folder',
    description: '`actionhost-sdk init` writes a new plugin only into a missing or empty folder.',
  },
  AH_INIT_NAME_INVALID: {
    status: 400,
    message: '"{name}" is not an npm-style package name (e.g. @acme/greeter)',
    description: 'A plugin name is an npm package name: lower case, optionally scoped (@acme/greeter).',
  },
  AH_NO_PLUGINS: {
    status: 400,
    message: 'no plugin folders (with src/plugin.ts) under {dir}',
    description: '`build-all` found no folder with src/plugin.ts under the given folder; point it at plugins/.',
  },
  AH_VITEST_MISSING: {
    status: 400,
    message: 'cannot find node_modules/.bin/vitest above {dir}; install vitest as a devDependency',
    description: '`actionhost-sdk test` runs the plugin tests with vitest; add vitest to the devDependencies.',
  },
  AH_TESTS_MISSING: {
    status: 400,
    message: 'no test folder at {dir}',
    description: '`actionhost-sdk test` runs the tests of the plugin folder; write some (init scaffolds one).',
  },
} as const satisfies ErrorTable;

const commandLine = {
  AH_CONFIG_INVALID: {
    status: 400,
    message: '{problems}',
    description:
      'A flag or ACTIONHOST_* variable has a value the settings schema refuses; the message names the setting, where the value came from and how to fix it (details.problems lists each).',
  },
  AH_DATA_NOT_FOUND: {
    status: 404,
    message: '{dataDir} holds no actionhost data (no {file}): {fix}',
    description:
      'A command that only reads was pointed (--data or ACTIONHOST_DATA) at a folder without a store, most often a mistyped path; nothing was created there.',
  },
  AH_PORT_IN_USE: {
    status: 409,
    message: 'cannot listen on {host}:{port}: the port is in use; {fix}',
    description: 'Another process listens on that address; stop it or choose another --port.',
  },
  AH_INTERNAL: {
    status: 500,
    message: '{cause}',
    description:
      'Something failed that is not one of the errors above (a bug, or the system refusing a write such as a closed terminal); the message says what. Report it with the command line that caused it.',
  },
  AH_NODE_TOO_OLD: {
    status: 400,
    message: 'actionhost needs Node.js 24 or newer (this is {version}); {fix}',
    description:
      'The command was run with an older Node.js (raised by the plain-JavaScript launcher of each bin); run it through npx or npm scripts, which use the Node 24 that npm ci installs, or install Node 24.',
  },
} as const satisfies ErrorTable;

/** The sdk's error table, in the sections its ERRORS.md shows. */
export const sdkErrorSections = [
  { title: 'Plugin contract', errors: contract },
  { title: 'Build (actionhost-sdk build)', errors: build },
  { title: 'Pack (actionhost-sdk pack)', errors: pack },
  { title: 'Publisher signatures (actionhost-sdk keygen, pack --sign)', errors: signing },
  { title: 'actionhost-sdk CLI', errors: cli },
  { title: 'Every command line (actionhost, registry, actionhost-sdk)', errors: commandLine },
] as const;

export const SdkErrors = defineErrors({ ...contract, ...build, ...pack, ...signing, ...cli, ...commandLine });

/** Contract-level constructors (manifest and ABI), kept for callers of the contract. */
export const ContractErrors = {
  manifestInvalid: (message: string, path?: string): ActionhostError =>
    SdkErrors.AH_MANIFEST_INVALID({ file: 'plugin.json', problem: message }, path ? { path } : {}),
  hostRangeUnsupported: (plugin: string, range: string, hostVersion: string): ActionhostError =>
    SdkErrors.AH_HOST_RANGE_UNSUPPORTED({ plugin, range, hostVersion }, { plugin, range, hostVersion }),
} as const;

export const errorCatalogue: ErrorCatalogue = {
  package: '@actionhost/sdk',
  intro:
    'What `actionhost-sdk build`, `pack`, `keygen`, `init` and `test` (and the same functions called from code) fail with, as an ' +
    '`ActionhostError` with these codes. The CLI prints `error CODE: message` and exits 1.',
  sections: sdkErrorSections,
};
