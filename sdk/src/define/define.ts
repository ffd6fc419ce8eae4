// definePlugin: the one call a plugin author writes. At build time the SDK reads the returned definition to
// write plugin.json (JSON Schemas from the zod schemas); in the sandbox only `run`/`testConnection` are used.
import type { z } from 'zod';
import type {
  Capabilities,
  Limits,
  SandboxOptions,
  PluginResult,
  PluginContext,
  HttpApi,
  LdapApi,
  ItsmApi,
} from '../contract/index.ts';

type Category = 'http-request' | 'plugin' | 'app-integration';

/** ctx with the declared capabilities present (non-optional), the others absent. */
export type ContextFor<C extends Capabilities> = Omit<PluginContext, 'http' | 'ldap' | 'itsm'> &
  (C extends { http: object } ? { http: HttpApi } : unknown) &
  (C extends { ldap: true } ? { ldap: LdapApi } : unknown) &
  (C extends { itsm: readonly unknown[] } ? { itsm: ItsmApi } : unknown);

export interface PluginDefinition<
  Input extends z.ZodType = z.ZodType,
  Output extends z.ZodType = z.ZodType,
  Path extends string = string,
  C extends Capabilities = Capabilities,
> {
  title: string;
  description?: string;
  category: Category;
  /** Host ABI range; defaults to "^1.0.0". */
  host?: string;
  input: Input;
  output: Output;
  /** Output paths an action node can wire; defaults to ["success", "failure"]. */
  paths?: readonly Path[];
  capabilities?: C;
  limits?: Limits;
  /** `{ context: 'fresh' }`: a new sandbox context for every invocation instead of a reused, reset one. */
  sandbox?: SandboxOptions;
  /** Named input-mapping presets, written to mappings/<name>.json. */
  mappings?: Record<string, Record<string, unknown>>;
  run(
    input: z.output<Input>,
    ctx: ContextFor<C>,
  ): Promise<PluginResult<z.output<Output>, Path>> | PluginResult<z.output<Output>, Path>;
  testConnection?(
    input: z.output<Input>,
    ctx: ContextFor<C>,
  ): Promise<PluginResult<unknown, Path>> | PluginResult<unknown, Path>;
}

export function definePlugin<
  Input extends z.ZodType,
  Output extends z.ZodType,
  const Path extends string = 'success' | 'failure',
  const C extends Capabilities = Record<never, never>,
>(definition: PluginDefinition<Input, Output, Path, C>): PluginDefinition<Input, Output, Path, C> {
  return definition;
}
