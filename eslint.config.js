// Lint for the whole workspace: typescript-eslint's type-aware rules (no floating or misused promises, no awaiting
// non-promises, type-only imports, exhaustive switches) and the dependency direction of DESIGN.md as rules:
// between packages (sdk and registry never reach core, nothing reaches a plugin) and inside core/src (a concern
// imports another only through its index.ts, and only in the direction of the layering table below).
import { dirname, join, relative, sep } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ROOT = import.meta.dirname;
const CORE_SRC = join(ROOT, 'core', 'src');

/**
 * Which concern of core/src may import which (DESIGN.md: `api, cli -> workflow -> sandbox, capabilities -> store`;
 * workflow reaches the sandbox only through its PluginRunner port, which host/ wires as SandboxPluginRunner).
 * A concern not listed here may import nothing of core/src; index.ts (the package's front door) may import all.
 * A key with a slash is a sub-concern: a folder inside a concern with its own front door (index.ts). From outside
 * its parent it is reached only through the parent's front door; inside the parent, sub-concerns and the
 * parent's own files import each other through their front doors, in the direction this table gives. Workflow is
 * two halves: execution (queue, engine, runs) builds on definition (schema, validation, publishing), never the
 * reverse; the workflow folder's own files (its front door, WorkflowService) sit on top of both.
 */
export const CORE_LAYERS = {
  // errors/ is the package's error table (core/ERRORS.md): the bottom layer, so that every concern, the worker
  // process included, raises catalogued codes without depending on another concern.
  errors: [],
  // secrets/ holds the redaction rules (which keys name a secret, every form a secret value takes): beside errors/
  // at the bottom, so sealing (workflow definition), redaction (executions, capabilities) and the Audit Trail
  // (itsm) all apply the same rule instead of three regexes that drift apart.
  secrets: [],
  config: ['errors'],
  store: ['errors', 'store/postgres', 'store/database'],
  // The Database interface both stores implement (issue 14): below both, so that neither depends on the other.
  'store/database': ['errors'],
  // The PostgreSQL store several hosts share (issue 14): beside the embedded one, reached through store/'s index.
  'store/postgres': ['errors', 'store/database'],
  credentials: ['errors', 'secrets', 'store'],
  itsm: ['errors', 'secrets', 'store'],
  // The admin action log redacts with the Audit Trail's rule (itsm) before it appends.
  'admin-log': ['errors', 'secrets', 'store', 'itsm'],
  // Retention deletes rows of the workflow and itsm tables with a few SQL statements of its own (one repository),
  // so it sits right above the store and depends on no concern's code.
  retention: ['errors', 'store'],
  // Backup copies the data folder's files (SQLite's own VACUUM INTO, the plugin folders) and reads the copies.
  backup: ['errors'],
  capabilities: ['errors', 'secrets', 'itsm', 'credentials', 'store'],
  sandbox: ['errors', 'capabilities'],
  'workflow/definition': ['errors', 'secrets', 'itsm', 'store'],
  'workflow/execution': ['errors', 'secrets', 'workflow/definition', 'capabilities', 'itsm', 'store'],
  // Export and import read definitions and publishing's ports; they run nothing.
  'workflow/transfer': ['errors', 'secrets', 'workflow/definition'],
  workflow: ['errors', 'workflow/definition', 'workflow/execution', 'workflow/transfer', 'store'],
  // connectors/: Integration Connectors — the host's hub that relays ldap operations to them, and the
  // `actionhost connector` process's client, which runs them with the ldap capability's executor.
  connectors: ['errors', 'capabilities', 'store'],
  applications: ['errors', 'capabilities', 'connectors', 'credentials', 'store', 'workflow'],
  api: [
    'errors',
    'admin-log',
    'retention',
    'applications',
    'connectors',
    'credentials',
    'itsm',
    'store',
    'workflow',
    'config',
  ],
  testing: ['errors', 'capabilities', 'credentials', 'itsm', 'sandbox', 'store'],
  host: [
    'errors',
    'admin-log',
    'backup',
    'retention',
    'api',
    'applications',
    'capabilities',
    'config',
    'connectors',
    'credentials',
    'itsm',
    'sandbox',
    'store',
    'workflow',
  ],
  cli: [
    'errors',
    'admin-log',
    'api',
    'backup',
    'config',
    'connectors',
    'credentials',
    'host',
    'retention',
    'store',
    'workflow',
  ],
};

const isTestFile = (file) => /\.(test|fixtures)\.ts$/.test(file);

/**
 * core/src/<concern>/... → concern, or the deepest sub-concern ('workflow/execution') that holds the file;
 * core/src/index.ts → '' (the front door); elsewhere → null.
 */
function concernOf(file) {
  const path = relative(CORE_SRC, file);
  if (path.startsWith('..')) return null;
  const folders = path.split(sep).slice(0, -1);
  if (folders.length === 0) return '';
  let concern = folders[0];
  for (const folder of folders.slice(1)) {
    if (!Object.hasOwn(CORE_LAYERS, `${concern}/${folder}`)) break;
    concern = `${concern}/${folder}`;
  }
  return concern;
}

/**
 * The unit `from` sees when it imports something of `to`: `to` itself when they share a parent (or `from` is
 * that parent), otherwise `to`'s ancestor just below what they share — from api, workflow/execution is `workflow`.
 */
function visibleUnit(from, to) {
  const fromParts = from.split('/');
  const toParts = to.split('/');
  let shared = 0;
  while (shared < fromParts.length && shared < toParts.length && fromParts[shared] === toParts[shared]) shared++;
  return toParts.slice(0, shared + 1).join('/');
}

const coreBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'core/src concerns import each other only through index.ts, in the layering direction' },
    schema: [],
    messages: {
      direction:
        '{{from}}/ may not import {{to}}/: dependencies point one way (CORE_LAYERS in eslint.config.js, DESIGN.md).',
      frontDoor: 'import {{to}}/index.ts, not {{target}}: other concerns use only its front door.',
    },
  },
  create(context) {
    const file = context.filename;
    const from = concernOf(file);
    if (from === null || from === '') return {};
    function check(node) {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = join(dirname(file), spec);
      const concern = concernOf(target);
      if (concern === null || concern === from) return;
      if (concern === '') return; // tests may use the package's front door
      const to = visibleUnit(from, concern);
      if (!(CORE_LAYERS[from] ?? []).includes(to) && !isTestFile(file)) {
        context.report({ node: node.source, messageId: 'direction', data: { from, to } });
        return;
      }
      const inside = relative(join(CORE_SRC, ...to.split('/')), target);
      const fixtureForTest = isTestFile(file) && target.endsWith('.fixtures.ts');
      if (inside !== 'index.ts' && !fixtureForTest) {
        context.report({ node: node.source, messageId: 'frontDoor', data: { to, target: relative(CORE_SRC, target) } });
      }
    }
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

const restricted = (patterns) => ['error', { patterns }];
const NO_CORE_SOURCES = {
  group: ['**/core/src', '**/core/src/**'],
  message: "Import @actionhost/core's public entry points (e.g. @actionhost/core/testing), never its sources.",
};
const NO_PLUGINS = {
  group: ['**/plugins/**', '@actionhost/run-webhook', '@actionhost/ci-linking', '@actionhost/active-directory'],
  message: 'Nothing depends on a plugin.',
};
const NO_CORE = {
  group: ['@actionhost/core', '@actionhost/core/*'],
  message: 'sdk and registry never depend on core (DESIGN.md).',
};
const NO_REGISTRY = {
  group: ['@actionhost/registry', '@actionhost/registry/*'],
  message: 'the sdk depends on no other package of ours.',
};
const NO_TEST_SOURCES = {
  regex: '^(\\.\\./)+test(/|$)',
  message: 'Shared test servers are imported by package name: @actionhost/test/support, @actionhost/test/ad.',
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.tsbuild/**',
      'data/**',
      '.vitest/**',
      'coverage/**',
      'sdk/templates/**',
      'sdk/src/testing/fixtures/**',
      '*/forbidden/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.ts'] }, tsconfigRootDir: ROOT },
    },
    plugins: { actionhost: { rules: { 'core-boundaries': coreBoundaries } } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'actionhost/core-boundaries': 'error',
      // An async function without await is how a method satisfies a Promise-returning port; not a defect.
      '@typescript-eslint/require-await': 'off',
      // Header, DN and name checks match control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['sdk/**'],
    rules: {
      'no-restricted-imports': restricted([NO_CORE_SOURCES, NO_CORE, NO_REGISTRY, NO_PLUGINS, NO_TEST_SOURCES]),
    },
  },
  {
    files: ['registry/**'],
    rules: { 'no-restricted-imports': restricted([NO_CORE_SOURCES, NO_CORE, NO_PLUGINS, NO_TEST_SOURCES]) },
  },
  { files: ['core/**'], rules: { 'no-restricted-imports': restricted([NO_PLUGINS, NO_TEST_SOURCES]) } },
  { files: ['plugins/**'], rules: { 'no-restricted-imports': restricted([NO_CORE_SOURCES, NO_TEST_SOURCES]) } },
  {
    // A plugin's own code depends on the sdk alone; only its tests use the harness and the shared test servers.
    files: ['plugins/*/src/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restricted([
        NO_CORE_SOURCES,
        NO_TEST_SOURCES,
        {
          group: ['@actionhost/core', '@actionhost/core/*', '@actionhost/registry', '@actionhost/test/*'],
          message: 'A plugin depends on @actionhost/sdk only (DESIGN.md); the harness is for its tests.',
        },
      ]),
    },
  },
  { files: ['test/**'], rules: { 'no-restricted-imports': restricted([NO_CORE_SOURCES]) } },
  {
    // The console renders text users typed into requests: it never turns data into HTML.
    files: ['core/console/src/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'The console never injects HTML from data: render it as text.',
        },
        {
          selector: 'MemberExpression[property.name=/^(innerHTML|outerHTML)$/]',
          message: 'The console never injects HTML from data: render it as text.',
        },
        {
          selector: "CallExpression[callee.property.name='insertAdjacentHTML']",
          message: 'The console never injects HTML from data: render it as text.',
        },
        {
          selector: "CallExpression[callee.property.name='write'][callee.object.name='document']",
          message: 'The console never injects HTML from data: render it as text.',
        },
      ],
    },
  },
  {
    // The guest-side prelude runs inside the isolate: it may import no host module at all.
    files: ['core/src/sandbox/prelude.ts'],
    rules: {
      'no-restricted-imports': restricted([{ group: ['*'], message: 'the prelude is guest code: no imports.' }]),
    },
  },
  {
    // Tests read JSON answers whose shape the assertion itself checks; typing every one adds nothing.
    files: ['**/*.test.ts', '**/*.fixtures.ts', 'test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
