// Every error the SDK build can raise, with a stable code. Tests assert on `code`; the CLI prints the message.
import { ActionhostError } from '../contract/index.ts';

export interface BundlerMessage {
  text: string;
  file?: string;
  line?: number;
  column?: number;
  lineText?: string;
}

export const BuildErrors = {
  /** esbuild refused the source, or the guest bundle would need something the sandbox does not have. */
  buildFailed: (dir: string, message: string, messages: BundlerMessage[] = [], extra: Record<string, unknown> = {}) =>
    new ActionhostError('AH_BUILD_FAILED', message, 400, { dir, messages, ...extra }),
  packageJsonInvalid: (file: string, message: string) =>
    new ActionhostError('AH_PACKAGE_JSON_INVALID', `${file}: ${message}`, 400, { path: file }),
  pluginSourceMissing: (file: string) =>
    new ActionhostError('AH_PLUGIN_SOURCE_MISSING', `no plugin source at ${file} (expected src/plugin.ts)`, 400, {
      path: file,
    }),
  /** src/plugin.ts does not default-export a definePlugin(...) result. */
  definitionInvalid: (file: string, message: string) =>
    new ActionhostError('AH_PLUGIN_DEFINITION_INVALID', `${file}: ${message}`, 400, { path: file }),
  /** A zod schema holds a type JSON Schema cannot express (Date, bigint, transform output, custom...). */
  schemaUnrepresentable: (which: 'input' | 'output', path: string, message: string) =>
    new ActionhostError(
      'AH_SCHEMA_UNREPRESENTABLE',
      `the ${which} schema cannot be written as JSON Schema at ${path || '/'}: ${message}. ` +
        'Use JSON types only (string, number, boolean, null, arrays, objects, enums, literals); ' +
        'plugins receive and return JSON, so keep dates as ISO strings.',
      400,
      { path: `/${which}${path}`, schema: which },
    ),
  schemaInvalid: (which: 'input' | 'output', message: string) =>
    new ActionhostError(
      'AH_SCHEMA_INVALID',
      `the generated ${which} JSON Schema is not valid draft 2020-12: ${message}`,
      400,
      { path: `/${which}`, schema: which },
    ),
  /** The manifest the build would write breaks the contract (bad name, version, category, paths...). */
  manifestInvalid: (plugin: string, issues: { path: string; message: string }[]) =>
    new ActionhostError(
      'AH_MANIFEST_INVALID',
      `plugin.json for ${plugin} would be invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      400,
      { plugin, path: `plugin.json#${issues[0]?.path ?? ''}`, issues },
    ),
} as const;
