// Run Webhook (HTTP Request Actions): calls any REST API or webhook from a workflow through the host's
// http capability; 2xx takes the success path, 4xx/5xx (and no answer at all) the failure path.
import { definePlugin } from '@actionhost/sdk';
import { WebhookInput, WebhookOutput } from './schema.ts';
import { runWebhook, testConnection } from './webhook.ts';

export default definePlugin({
  title: 'Run Webhook',
  description:
    'Sends a GET, POST, PUT, PATCH or DELETE request with headers, a JSON body, No Auth / Basic Auth / a stored credential and an optional proxy; success on 2xx, failure on 4xx/5xx or when the endpoint cannot be reached.',
  category: 'http-request',
  input: WebhookInput,
  output: WebhookOutput,
  paths: ['success', 'failure'],
  capabilities: { http: { hosts: ['*'] } },
  limits: { timeoutMs: 65_000, memoryMb: 64 },
  mappings: {
    default: {
      'Request Type': 'POST',
      URL: 'https://example.com/webhook',
      'Credential Type': 'No Auth',
      'Request JSON': { id: '#internalId#', subject: '#subject#' },
    },
  },
  run: (input, ctx) => runWebhook(input, ctx),
  testConnection: (input, ctx) => testConnection(input, ctx),
});
