// plugin.json: the manifest every plugin package carries. Declared once here as a zod schema; the registry
// validates tarballs with it, the SDK build writes it, the host reads limits and capabilities from it.
import { z } from 'zod';
import semver from 'semver';

/** The plugin ABI this host implements; a manifest's `host` range must include it. */
export const HOST_ABI_VERSION = '1.0.0';

const npmName = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

export const ItsmScope = z.enum([
  'requests:read',
  'requests:write',
  'cmdb:read',
  'cmdb:write',
  'relations:read',
  'relations:write',
  'audit:write',
]);
export type ItsmScope = z.infer<typeof ItsmScope>;

export const Capabilities = z
  .object({
    /** Outbound HTTP. `hosts` lists host patterns: "*", "api.example.com", "*.example.com", "127.0.0.1:8080". */
    http: z
      .object({ hosts: z.array(z.string().min(1)).min(1) })
      .strict()
      .optional(),
    /** LDAP operations against the directory of the Application the node runs with. */
    ldap: z.boolean().optional(),
    /** Service-desk records, by scope. */
    itsm: z.array(ItsmScope).optional(),
  })
  .strict();
export type Capabilities = z.infer<typeof Capabilities>;

export const Limits = z
  .object({
    timeoutMs: z.number().int().min(1).max(600_000).optional(),
    memoryMb: z.number().int().min(8).max(1024).optional(),
    maxOutputBytes: z.number().int().min(1).optional(),
    maxHostCalls: z.number().int().min(0).optional(),
  })
  .strict();
export type Limits = z.infer<typeof Limits>;

/**
 * How the host runs the plugin's invocations. By default an invocation runs in a context the previous one used,
 * reset in between (globals put back, built-ins frozen, the module evaluated afresh); `context: 'fresh'` asks for a
 * new context every time, which costs more and is needed only by a plugin that changes built-ins on purpose.
 */
export const SandboxOptions = z.object({ context: z.enum(['reused', 'fresh']).optional() }).strict();
export type SandboxOptions = z.infer<typeof SandboxOptions>;

const jsonSchemaObject = z.record(z.string(), z.unknown());

const relativeFile = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..') && !p.includes('\\') && !p.includes('\0'), {
    message: 'must be a relative path inside the package',
  });

export const PluginManifest = z
  .object({
    name: z.string().max(214).regex(npmName, 'must be an npm-style name, e.g. "@acme/run-webhook"'),
    version: z.string().refine((v) => semver.valid(v) === v, { message: 'must be a valid semver version' }),
    title: z.string().min(1).max(200),
    description: z.string().max(2000).default(''),
    category: z.enum(['http-request', 'plugin', 'app-integration']),
    host: z.string().refine((r) => semver.validRange(r) !== null, { message: 'must be a semver range' }),
    entry: relativeFile,
    input: jsonSchemaObject,
    output: jsonSchemaObject,
    paths: z
      .array(z.string().regex(/^[a-z][a-z0-9-]*$/))
      .min(1)
      .refine((p) => new Set(p).size === p.length, { message: 'must not repeat a path' }),
    capabilities: Capabilities.default({}),
    limits: Limits.default({}),
    sandbox: SandboxOptions.optional(),
    testConnection: z.boolean().default(false),
    mappings: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/), relativeFile).default({}),
  })
  .strict();
export type PluginManifest = z.infer<typeof PluginManifest>;
export type PluginManifestInput = z.input<typeof PluginManifest>;

/** The key a compiled plugin version is cached and pinned under. */
export function pluginId(name: string, version: string): string {
  return `${name}@${version}`;
}
