// Run Webhook's logic, plain ECMAScript for the sandbox: turn the node's settings into one host http request,
// and the answer (or the reason there is none) into an output path. 2xx → success; anything else → failure.
import type { HttpApi, HttpAuth, HttpMethod, HttpRequest, HttpResponse, LogApi } from '@actionhost/sdk';
import type { WebhookInput, WebhookOutput } from './schema.ts';

export interface WebhookContext {
  http: HttpApi;
  log: LogApi;
}
export type WebhookResult = { path: 'success' | 'failure'; output: WebhookOutput };

const BODY_METHODS = ['POST', 'PUT', 'PATCH'];

export function requestTypeOf(input: WebhookInput): Exclude<HttpMethod, 'HEAD'> {
  return input['Request Type'] ?? 'GET';
}

/** The host request for these settings, with `method` in place of the Request Type (Test Connection probes). */
export function buildRequest(input: WebhookInput, method: HttpMethod, withBody: boolean): HttpRequest {
  const request: HttpRequest = { method, url: input.URL.trim() };
  if (input.Headers && Object.keys(input.Headers).length > 0) request.headers = { ...input.Headers };
  const auth = authOf(input);
  if (auth) request.auth = auth;
  const proxy = input['Proxy Server']?.trim();
  if (proxy) request.proxy = proxy;
  if (input.Timeout !== undefined) request.timeoutMs = input.Timeout;
  if (withBody && input['Request JSON'] !== undefined) request.json = input['Request JSON'];
  return request;
}

function authOf(input: WebhookInput): HttpAuth | undefined {
  switch (input['Credential Type']) {
    case 'Basic Auth':
      return { type: 'basic', username: input.Username, password: input.Password };
    case 'By Credentials':
      return { type: 'credential', credential: input.Credential };
    default:
      return undefined;
  }
}

export async function runWebhook(input: WebhookInput, ctx: WebhookContext): Promise<WebhookResult> {
  const method = requestTypeOf(input);
  const sendsBody = BODY_METHODS.includes(method);
  if (!sendsBody && input['Request JSON'] !== undefined) {
    ctx.log.warn(`Request JSON is not applicable to ${method} requests and was not sent`, { requestType: method });
  }
  const outcome = await call(ctx, buildRequest(input, method, sendsBody));
  if ('error' in outcome) return { path: 'failure', output: outcome.error };
  const output = outputOf(outcome.response);
  const success = outcome.response.status >= 200 && outcome.response.status < 300;
  if (!success)
    ctx.log.warn(`webhook answered ${outcome.response.status}: taking the failure path`, {
      status: outcome.response.status,
    });
  return { path: success ? 'success' : 'failure', output };
}

/**
 * Test Connection never sends the configured body and never repeats a request that changes things: a GET
 * configuration is probed with GET; POST, PUT, PATCH and DELETE configurations with HEAD, falling back to GET
 * when the endpoint does not implement HEAD (405/501). Success means the endpoint answered below 400.
 */
export async function testConnection(input: WebhookInput, ctx: WebhookContext): Promise<WebhookResult> {
  const configured = requestTypeOf(input);
  let probe: HttpMethod = configured === 'GET' ? 'GET' : 'HEAD';
  let outcome = await call(ctx, buildRequest(input, probe, false));
  if (
    probe === 'HEAD' &&
    'response' in outcome &&
    (outcome.response.status === 405 || outcome.response.status === 501)
  ) {
    probe = 'GET';
    outcome = await call(ctx, buildRequest(input, probe, false));
  }
  if ('error' in outcome) {
    const output = { ...outcome.error, message: `could not reach the endpoint: ${outcome.error.error!.message}` };
    return { path: 'failure', output };
  }
  const { status } = outcome.response;
  const output = outputOf(outcome.response);
  if (status < 400) {
    output.message = `the endpoint answered ${status} to ${probe}${probe === configured ? '' : ` (the ${configured} itself was not sent)`}`;
    return { path: 'success', output };
  }
  output.message = `the endpoint answered ${status} to ${probe}: ${explain(status, probe, configured)}`;
  return { path: 'failure', output };
}

function explain(status: number, probe: HttpMethod, configured: HttpMethod): string {
  if (status === 401 || status === 403) return 'the credentials or headers were refused';
  if (status === 404) return 'nothing is at this URL';
  if (status === 405 && probe !== configured) {
    return `it accepts only other methods; Test Connection does not send a ${configured}, so the request could not be verified`;
  }
  if (status === 407) return 'the proxy requires authentication';
  if (status >= 500) return 'the server failed';
  return 'the request was rejected';
}

type CallOutcome = { response: HttpResponse } | { error: WebhookOutput };

async function call(ctx: WebhookContext, request: HttpRequest): Promise<CallOutcome> {
  const started = Date.now();
  try {
    return { response: await ctx.http.request(request) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // Anything the host refused or could not do comes with an AH_ code; anything else is a bug: let it throw.
    if (typeof code !== 'string') throw error;
    const raw = (error as { message?: unknown }).message;
    const message = typeof raw === 'string' ? raw : code;
    ctx.log.warn(`webhook request failed: ${code}`, { code });
    return {
      error: {
        status: 0,
        headers: {},
        body: null,
        durationMs: Date.now() - started,
        url: request.url,
        error: { code, message },
      },
    };
  }
}

function outputOf(response: HttpResponse): WebhookOutput {
  return {
    status: response.status,
    headers: response.headers,
    body: response.json !== undefined ? response.json : response.body,
    durationMs: response.durationMs,
    url: response.url,
  };
}
