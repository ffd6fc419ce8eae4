// The `http` capability: `ctx.http.request(...)` in a plugin lands here. Order of checks: arguments, manifest host
// list (target and proxy), the credential's binding; then per hop the name is resolved within the invocation's
// bounds and the egress policy picks the checked address connected to (every address, when a proxy connects);
// redirects are followed by hand so each hop is checked again and credentials stay home.
import {
  isActionhostError,
  type ActionhostError,
  type HttpRequest,
  type HttpResponse,
  type Json,
} from '@actionhost/sdk';
import type { Capability, InvocationScope } from '../capability.ts';
import { attachAuth, redactText } from './auth.ts';
import { bindingAllows } from './credential-binding.ts';
import { createEgressPolicy, type EgressPolicy } from './egress.ts';
import { HttpErrors } from './errors.ts';
import { flattenHeaders, readCapped, send, toHttpResponse } from './exchange.ts';
import { hostAllowed } from './host-policy.ts';
import { HTTP_DEFAULTS, type CredentialResolver, type HttpCapabilityOptions } from './options.ts';
import { firstHop, redirectHop, REDIRECT_STATUSES, type Hop } from './outgoing.ts';
import { proxyForLog, urlForLog } from './request-log.ts';
import { NameResolver } from './resolver.ts';
import { parseHttpRequest, parseProxyUrl, parseTargetUrl } from './request-schema.ts';
import { Transport } from './transport.ts';

interface Environment {
  policy: EgressPolicy;
  resolver: NameResolver;
  /** Proxies the operator approved (origins): usable whatever a manifest says, and the only ones a credential goes through. */
  approvedProxies: ReadonlySet<string>;
  transport: Transport;
  credentials: CredentialResolver | undefined;
  maxResponseBytes: number;
  maxRequestBytes: number;
  defaultTimeoutMs: number;
  maxRedirects: number;
}

export function createHttpCapability(options: HttpCapabilityOptions = {}): Capability {
  const policy = createEgressPolicy(options.egress?.allowPrivate);
  const resolver = new NameResolver(options.dns);
  const environment: Environment = {
    policy,
    resolver,
    approvedProxies: new Set((options.approvedProxies ?? []).map(proxyOrigin)),
    transport: new Transport(policy),
    credentials: options.credentials,
    maxResponseBytes: options.maxResponseBytes ?? HTTP_DEFAULTS.maxResponseBytes,
    maxRequestBytes: options.maxRequestBytes ?? HTTP_DEFAULTS.maxRequestBytes,
    defaultTimeoutMs: options.defaultTimeoutMs ?? HTTP_DEFAULTS.defaultTimeoutMs,
    maxRedirects: options.maxRedirects ?? HTTP_DEFAULTS.maxRedirects,
  };
  return {
    name: 'http',
    declaredBy: (manifest) => manifest.capabilities?.http !== undefined,
    async call(method, args, scope) {
      if (method !== 'request') throw HttpErrors.methodUnknown({ method }, { method });
      const response = await performRequest(parseHttpRequest(args), scope, environment);
      return response as unknown as Json;
    },
    close: async () => {
      resolver.close();
      await environment.transport.close();
    },
  };
}

async function performRequest(request: HttpRequest, scope: InvocationScope, env: Environment): Promise<HttpResponse> {
  const started = performance.now();
  const url = parseTargetUrl(request.url);
  const plugin = `${scope.plugin.name}@${scope.plugin.version}`;
  const patterns = scope.plugin.manifest.capabilities?.http?.hosts;
  if (!hostAllowed(patterns, url)) {
    throw HttpErrors.hostDenied({ target: url.host, plugin }, { host: url.host, plugin });
  }
  const proxy = request.proxy !== undefined ? parseProxyUrl(request.proxy) : undefined;
  // A proxy is a destination: one the operator approved, or one the manifest's host list names.
  const approvedProxy = proxy !== undefined && env.approvedProxies.has(proxyOrigin(proxy.href));
  if (proxy && !approvedProxy && !hostAllowed(patterns, proxy)) {
    throw HttpErrors.proxyDenied({ proxy: proxyForLog(proxy), plugin }, { proxy: proxyForLog(proxy), plugin });
  }
  const timer = startTimer(request.timeoutMs, env.defaultTimeoutMs, scope);
  let hop: Hop | undefined;
  let redirects = 0;
  let secrets: readonly string[] = [];
  const elapsed = () => Math.round(performance.now() - started);
  const logLine = (target: URL) => `${request.method} ${redactText(urlForLog(target), secrets)}`;
  try {
    const auth = await attachAuth(
      request.auth,
      env.credentials,
      { plugin: scope.plugin.name, url, ...(proxy ? { proxy: { url: proxy, approved: approvedProxy } } : {}) },
      timer.signal,
    );
    secrets = auth.secrets;
    hop = firstHop(request, url, auth, scope.idempotencyKey, env.maxRequestBytes);
    // Names are resolved here, within the invocation's bounds (resolver.ts), and checked before any connection.
    const resolve = (host: string) => env.resolver.resolve(host, scope, timer.signal);
    const dispatcher = proxy
      ? env.transport.viaProxy(proxy, env.policy.pick(proxy.hostname, await resolve(proxy.hostname), approvedProxy))
      : env.transport.direct();
    for (;;) {
      let address: string | undefined;
      // Through a proxy the proxy connects, not us: every address the target resolves to must be allowed.
      if (proxy) env.policy.assertAll(hop.url.hostname, await resolve(hop.url.hostname));
      else address = env.policy.pick(hop.url.hostname, await resolve(hop.url.hostname));
      const response = await send(dispatcher, hop, timer.signal, address);
      const location = response.headers.location;
      if (
        REDIRECT_STATUSES.has(response.statusCode) &&
        request.followRedirects !== false &&
        typeof location === 'string'
      ) {
        await response.body.dump().catch(() => undefined);
        if (redirects >= env.maxRedirects) {
          throw HttpErrors.tooManyRedirects({ limit: env.maxRedirects }, { limit: env.maxRedirects });
        }
        const next = redirectTarget(location, hop.url);
        if (!hostAllowed(patterns, next)) {
          throw HttpErrors.hostDenied(
            { target: `the redirect to ${next.host}`, plugin },
            { host: next.host, plugin, redirect: true },
          );
        }
        // Leaving the origin, or the URLs the credential is bound to, leaves the credential behind.
        const leavesBinding =
          auth.binding !== undefined && !bindingAllows(auth.binding, next, scope.plugin.name).allowed;
        hop = redirectHop(hop, response.statusCode, next, url.origin, Object.keys(auth.headers), leavesBinding);
        redirects += 1;
        continue;
      }
      const text = await readCapped(response, env.maxResponseBytes, hop.method);
      const result = toHttpResponse(
        response.statusCode,
        flattenHeaders(response.headers),
        text,
        hop.url,
        elapsed(),
        secrets,
      );
      scope.log('info', `http ${logLine(hop.url)} -> ${result.status} (${result.durationMs} ms)`, {
        method: request.method,
        url: redactText(urlForLog(hop.url), secrets),
        status: result.status,
        durationMs: result.durationMs,
        redirects,
        ...(proxy ? { proxy: proxyForLog(proxy) } : {}),
      });
      return result;
    }
  } catch (error) {
    const target = hop?.url ?? url;
    const failure = toHttpError(error, timer, target, proxy);
    scope.log('warn', `http ${logLine(target)} failed: ${failure.code} (${elapsed()} ms)`, {
      method: request.method,
      url: redactText(urlForLog(target), secrets),
      code: failure.code,
      durationMs: elapsed(),
      redirects,
    });
    throw failure;
  } finally {
    timer.dispose();
  }
}

/** A proxy named by the operator or a plugin, compared by scheme, host and port (its login aside). */
function proxyOrigin(raw: string): string {
  try {
    const url = new URL(raw.includes('://') ? raw : `http://${raw}`);
    return `${url.protocol}//${url.hostname.replace(/\.$/, '').toLowerCase()}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return raw;
  }
}

function redirectTarget(location: string, base: URL): URL {
  let next: URL;
  try {
    next = new URL(location, base);
  } catch {
    throw HttpErrors.redirectInvalid({ reason: 'its Location is not a valid URL' }, { from: base.host });
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw HttpErrors.redirectInvalid({ reason: `it leads to a ${next.protocol} URL` }, { from: base.host });
  }
  if (next.username || next.password) {
    throw HttpErrors.redirectInvalid({ reason: 'its URL carries userinfo' }, { from: base.host });
  }
  next.hash = '';
  return next;
}

interface RequestTimer {
  signal: AbortSignal;
  budgetMs: number;
  reason: 'timeout' | 'deadline' | 'cancelled' | undefined;
  dispose(): void;
}

// The budget is min(plugin's timeout, host default, time left in the invocation). A slice of the time left is
// kept back so that, when the deadline is what binds, the plugin still gets AH_HTTP_TIMEOUT in time to take
// its failure path instead of being killed mid-await by the sandbox.
function startTimer(requested: number | undefined, fallback: number, scope: InvocationScope): RequestTimer {
  const controller = new AbortController();
  const left = scope.deadline - Date.now();
  const reserve = Math.min(500, Math.floor(Math.max(left, 0) * 0.1));
  const wanted = Math.min(requested ?? fallback, fallback);
  const budgetMs = Math.max(0, Math.min(wanted, left - reserve));
  const timer: RequestTimer = {
    signal: controller.signal,
    budgetMs,
    reason: undefined,
    dispose: () => {
      clearTimeout(handle);
      scope.signal.removeEventListener('abort', onCancel);
    },
  };
  const handle = setTimeout(() => {
    timer.reason = wanted <= left - reserve ? 'timeout' : 'deadline';
    controller.abort();
  }, budgetMs);
  const onCancel = () => {
    timer.reason = 'cancelled';
    controller.abort();
  };
  if (scope.signal.aborted) onCancel();
  else scope.signal.addEventListener('abort', onCancel, { once: true });
  return timer;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function toHttpError(error: unknown, timer: RequestTimer, target: URL, proxy: URL | undefined): ActionhostError {
  if (isActionhostError(error)) return error;
  const via = proxy ? { proxy: proxyForLog(proxy) } : {};
  const code = causeCode(error);
  if (timer.reason || TIMEOUT_CODES.has(code)) {
    const reason = timer.reason ?? 'timeout';
    const what =
      reason === 'cancelled' ? 'the invocation was cancelled' : `no complete answer within ${timer.budgetMs} ms`;
    return HttpErrors.timeout(
      { host: target.host, reason: what },
      { host: target.host, reason, timeoutMs: timer.budgetMs, ...via },
    );
  }
  const through = proxy ? ` through proxy ${proxyForLog(proxy)}` : '';
  return HttpErrors.connectFailed(
    { target: `${target.host}${through}`, cause: code },
    {
      host: target.host,
      cause: code,
      ...via,
    },
  );
}

function causeCode(error: unknown): string {
  const candidates: unknown[] = [error, (error as { cause?: unknown })?.cause];
  if (error instanceof AggregateError) candidates.push(...(error.errors as unknown[]));
  for (const candidate of candidates) {
    const code = (candidate as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && code) return code;
  }
  return error instanceof Error ? error.name : 'UNKNOWN';
}
