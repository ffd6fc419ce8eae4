// Run Webhook's input and output, with the seed's setting names as keys. Which fields a Credential Type needs
// is part of the schema (one branch per Credential Type), so a workflow that lacks them fails validation at
// publish time instead of at run time. Only the SDK build reads these: in the sandbox zod is an inert stub.
import { z } from 'zod';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const common = {
  'Request Type': z
    .enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
    .optional()
    .describe('HTTP method of the webhook; GET when not given'),
  URL: z
    .string()
    .max(8192)
    .regex(/^https?:\/\/\S+$/i, 'must be an absolute http:// or https:// URL')
    // format "uri" tells the workflow to encode placeholder values by where they land in the URL.
    .meta({ format: 'uri' })
    .describe(
      'Endpoint URL; placeholders such as #subject# are resolved by the workflow before the call, percent-encoded in the path and query',
    ),
  Headers: z
    .record(
      z.string().regex(HEADER_NAME, 'must be an HTTP header name'),
      z.string().regex(/^[^\r\n\u0000]*$/, 'must not contain CR, LF or NUL'),
    )
    .optional()
    .describe('Custom headers as key-value pairs (API keys, tokens, Content-Type)'),
  'Request JSON': z
    .json()
    .optional()
    .describe('JSON body, built as data; used for POST, PUT and PATCH, ignored (with a warning) for GET and DELETE'),
  'Proxy Server': z
    .string()
    .max(2048)
    .regex(/^(https?:\/\/\S+)?$/i, 'must be an http:// or https:// proxy URL')
    .optional()
    .describe('Forward proxy, e.g. http://proxy.example.com:3128; empty for a direct connection'),
  Timeout: z
    .number()
    .int()
    .min(1)
    .max(60_000)
    .optional()
    .describe('Milliseconds to wait for the answer; the host caps it (30 s by default) and at the node deadline'),
};

const NoAuth = z
  .object({
    ...common,
    'Credential Type': z.literal('No Auth').optional().describe('No Auth (default), Basic Auth or By Credentials'),
  })
  .strict();

const BasicAuth = z
  .object({
    ...common,
    'Credential Type': z.literal('Basic Auth'),
    Username: z
      .string()
      .min(1)
      .regex(/^[^:\r\n\u0000]*$/, 'must not contain ":" or line breaks'),
    // writeOnly: the workflow engine redacts it from execution records; it is never echoed in output.
    Password: z.string().max(4096).meta({ writeOnly: true }),
  })
  .strict();

const ByCredentials = z
  .object({
    ...common,
    'Credential Type': z.literal('By Credentials'),
    Credential: z.string().min(1).max(256).describe('Name of a credential from the API Credential page'),
  })
  .strict();

export const WebhookInput = z.discriminatedUnion('Credential Type', [NoAuth, BasicAuth, ByCredentials]);
export type WebhookInput = z.infer<typeof WebhookInput>;

export const WebhookOutput = z
  .object({
    /** HTTP status; 0 when no answer arrived (connect failure, timeout, denied by policy). */
    status: z.number().int().min(0).max(999),
    headers: z.record(z.string(), z.string()),
    /** Parsed JSON when the response is JSON, else its text ('' when empty, null when no answer). */
    body: z.json(),
    durationMs: z.number().min(0),
    /** The URL that answered, after redirects. */
    url: z.string(),
    /** Why there is no answer, or why the call could not be made. */
    error: z.object({ code: z.string(), message: z.string() }).strict().optional(),
    /** Test Connection: what was probed and what it means. */
    message: z.string().optional(),
  })
  .strict();
export type WebhookOutput = z.infer<typeof WebhookOutput>;
