// Applications (configured connections to external systems) and App Integrations (named, saved uses of an
// application's plugin): the zod schemas of their create bodies and of what the service and the API return.
import { X509Certificate } from 'node:crypto';
import semver from 'semver';
import { z } from 'zod';
import { DnSyntaxError, parseDn, type Json } from '@actionhost/sdk';
import { CredentialName } from '../credentials/index.ts';
import { ConnectorName } from '../connectors/index.ts';

/** One line of printable text: names end up in URLs, logs and the workflow editor's dropdowns. */
const Name = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^\x00-\x1f\x7f/]+$/, 'must not contain "/" or control characters')
  .regex(/^\S(?:.*\S)?$/, 'must not start or end with white space');

/** No CR/LF/NUL in anything that goes into an LDAP bind. */
const lineSafe = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\r\n\0]*$/, 'must not contain line breaks');

function isDn(value: string): boolean {
  try {
    return parseDn(value).length > 0;
  } catch (error) {
    if (error instanceof DnSyntaxError) return false;
    throw error;
  }
}

const DistinguishedName = lineSafe(2048).refine(isDn, 'must be a distinguished name, e.g. "DC=corp,DC=example"');

const LdapUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return false;
    }
    return (
      (url.protocol === 'ldaps:' || url.protocol === 'ldap:') &&
      url.hostname !== '' &&
      !url.username &&
      !url.password &&
      (url.pathname === '' || url.pathname === '/') &&
      !url.search &&
      !url.hash
    );
  }, 'must be ldaps://host[:port] or ldap://host[:port] (StartTLS), with nothing after the port');

/** PEM text of one or more certificates, each of which must parse (a typo shows here, not at the first bind). */
const PemCertificates = z
  .string()
  .max(65_536)
  .refine((value) => {
    const blocks = value.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
    if (!blocks) return false;
    try {
      for (const block of blocks) new X509Certificate(block);
    } catch {
      return false;
    }
    return true;
  }, 'must be PEM text of X.509 certificates ("-----BEGIN CERTIFICATE-----...")');

export const APPLICATION_TYPES = ['microsoft-active-directory'] as const;
export const ApplicationType = z.enum(APPLICATION_TYPES);
export type ApplicationType = z.infer<typeof ApplicationType>;

/** POST /api/applications. The bind password is not here: `credential` names a stored basic credential. */
export const ApplicationCreate = z
  .object({
    name: Name,
    type: ApplicationType,
    url: LdapUrl,
    /** A DN ("CN=svc-actionhost,CN=Users,DC=corp,DC=example") or a UPN ("svc-actionhost@corp.example"). */
    bindDn: lineSafe(1024).refine(
      (value) => isDn(value) || /^[^@\s]+@[^@\s]+$/.test(value),
      'must be a DN or a user principal name (user@domain)',
    ),
    credential: CredentialName,
    baseDn: DistinguishedName,
    domain: z
      .string()
      .max(253)
      .regex(
        /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
        'must be a DNS domain, e.g. "corp.example"',
      )
      .optional(),
    caCertificate: PemCertificates.optional(),
    /** Turning verification off is an explicit choice: the service logs it and the Application carries a warning. */
    tlsVerify: z.boolean().default(true),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /**
     * "via connector <name>": the Integration Connector that reaches this directory. The host then never connects
     * to `url` itself; the connector does, from next to the directory (`url` is as the connector sees it).
     */
    connector: ConnectorName.optional(),
  })
  .strict();
export type ApplicationCreate = z.infer<typeof ApplicationCreate>;
export type ApplicationCreateInput = z.input<typeof ApplicationCreate>;

export const ApplicationWarning = z.object({ code: z.string(), message: z.string() });
export type ApplicationWarning = z.infer<typeof ApplicationWarning>;

/** What the service and the API return: the settings, never the bind password. */
export const Application = z.object({
  id: z.string(),
  name: z.string(),
  type: ApplicationType,
  url: z.string(),
  bindDn: z.string(),
  credential: z.string(),
  baseDn: z.string(),
  domain: z.string().optional(),
  caCertificate: z.string().optional(),
  tlsVerify: z.boolean(),
  timeoutMs: z.number(),
  /** The Integration Connector the directory is reached through, when it is. */
  connector: z.string().optional(),
  /** E.g. AH_TLS_VERIFY_DISABLED: what an admin should know about this connection. */
  warnings: z.array(ApplicationWarning),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Application = z.infer<typeof Application>;

/** The actions of the Microsoft Active Directory plugin (its `Action` input). */
export const ACTIVE_DIRECTORY_ACTIONS = [
  'Create New User',
  'Update User Attribute',
  'Add to Group',
  'Remove from Group',
  'Enable User',
  'Disable User',
  'Reset Password',
  'Move User',
  'Delete User',
  'Get User',
  'Search Users',
] as const;
export const ActiveDirectoryAction = z.enum(ACTIVE_DIRECTORY_ACTIONS);
export type ActiveDirectoryAction = z.infer<typeof ActiveDirectoryAction>;

export const DEFAULT_AD_PLUGIN = '@actionhost/active-directory@^1.0.0';

/** Splits "name@range" (the "@" of a scope is not the separator); undefined when it is not one. */
export function splitPluginSpec(spec: string): { name: string; range: string } | undefined {
  const at = spec.lastIndexOf('@');
  const name = at > 0 ? spec.slice(0, at) : '';
  const range = at > 0 ? spec.slice(at + 1).trim() : '';
  if (!/^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/.test(name) || !range || semver.validRange(range) === null)
    return undefined;
  return { name, range };
}

type JsonValue = Json;
const JsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(JsonValue), z.record(z.string(), JsonValue)]),
);

/** POST /api/app-integrations. */
export const AppIntegrationCreate = z
  .object({
    name: Name,
    /** The Application's name. */
    application: Name,
    plugin: z
      .string()
      .max(300)
      .refine((spec) => splitPluginSpec(spec) !== undefined, 'must be "name@range" with a semver range')
      .default(DEFAULT_AD_PLUGIN),
    action: ActiveDirectoryAction,
    /**
     * Default Input Mappings; a workflow node's own mappings override or complete them. A literal `Password` (or any
     * secret-looking key) is sealed under the master key when saved, as in a workflow's Input Mappings.
     */
    mappings: z.record(z.string().min(1).max(200), JsonValue).default({}),
  })
  .strict()
  .superRefine((value, context) => {
    for (const [key, mapped] of Object.entries(value.mappings)) {
      if (key === 'Action' && mapped !== value.action) {
        context.addIssue({
          code: 'custom',
          path: ['mappings', key],
          message: 'must equal `action` (or be left out): the action is set by `action`',
        });
      }
    }
  });
export type AppIntegrationCreate = z.infer<typeof AppIntegrationCreate>;
export type AppIntegrationCreateInput = z.input<typeof AppIntegrationCreate>;

export const AppIntegration = z.object({
  id: z.string(),
  name: z.string(),
  /** The Application's name, and its id (what a published workflow pins). */
  application: z.string(),
  applicationId: z.string(),
  plugin: z.string(),
  action: ActiveDirectoryAction,
  mappings: z.record(z.string(), JsonValue),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AppIntegration = z.infer<typeof AppIntegration>;

/** POST /api/applications/:name/test-connection. */
export const ConnectionTestResult = z.object({
  ok: z.boolean(),
  baseDn: z.string(),
  durationMs: z.number(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>;
