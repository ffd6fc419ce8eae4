// The SDK build's errors, as its code calls them; codes, statuses and messages are the sdk's table's
// (contract/error-catalogue.ts). Tests assert on `code`; the CLI prints the message.
import { SdkErrors } from '../contract/index.ts';

export interface BundlerMessage {
  text: string;
  file?: string;
  line?: number;
  column?: number;
  lineText?: string;
}

export const BuildErrors = {
  /** esbuild refused the source, or the guest bundle would need something the sandbox does not have. */
  buildFailed: (
    dir: string,
    step: string,
    reason: string,
    messages: BundlerMessage[] = [],
    extra: Record<string, unknown> = {},
  ) => SdkErrors.AH_BUILD_FAILED({ step, reason }, { dir, messages, ...extra }),
  packageJsonInvalid: (file: string, problem: string) =>
    SdkErrors.AH_PACKAGE_JSON_INVALID({ file, problem }, { path: file }),
  pluginSourceMissing: (file: string) => SdkErrors.AH_PLUGIN_SOURCE_MISSING({ file }, { path: file }),
  /** src/plugin.ts does not default-export a definePlugin(...) result. */
  definitionInvalid: (file: string, problem: string) =>
    SdkErrors.AH_PLUGIN_DEFINITION_INVALID({ file, problem }, { path: file }),
  /** A zod schema holds a type JSON Schema cannot express (Date, bigint, transform output, custom...). */
  schemaUnrepresentable: (which: 'input' | 'output', path: string, problem: string) =>
    SdkErrors.AH_SCHEMA_UNREPRESENTABLE(
      { schema: which, path: path || '/', problem },
      { path: `/${which}${path}`, schema: which },
    ),
  schemaInvalid: (which: 'input' | 'output', problem: string) =>
    SdkErrors.AH_SCHEMA_INVALID({ schema: which, problem }, { path: `/${which}`, schema: which }),
  /** The manifest the build would write breaks the contract (bad name, version, category, paths...). */
  manifestInvalid: (plugin: string, issues: { path: string; message: string }[]) =>
    SdkErrors.AH_MANIFEST_INVALID(
      { file: `plugin.json for ${plugin}`, problem: issues.map((i) => `${i.path}: ${i.message}`).join('; ') },
      { plugin, path: `plugin.json#${issues[0]?.path ?? ''}`, issues },
    ),
} as const;
