// Configuration of the http capability and the credential-resolver seam the credential store implements.
// A CredentialSecret stays on the host: it is attached to the outgoing request and never returned to a guest.
import type { ResolverOptions } from './resolver.ts';

export interface HttpCapabilityOptions {
  egress?: {
    /**
     * Private/loopback destinations this host may reach: IP addresses ('127.0.0.1'), CIDRs ('10.0.0.0/8',
     * 'fd00::/8') or host names ('intranet.example.com': the private addresses that name resolves to).
     * Link-local, cloud metadata, unspecified and multicast addresses are denied whatever this says.
     */
    allowPrivate?: string[];
  };
  credentials?: CredentialResolver;
  /** Name resolution: DNS servers (default: /etc/resolv.conf's), lookups per invocation at once, timeouts. */
  dns?: ResolverOptions;
  /**
   * Forward proxies the operator approved ('http://proxy.example.com:3128'): a plugin may use them whatever its host
   * list says, and only through them does a stored credential travel. Any other proxy must be in the manifest's
   * host list (host:port) and carries no stored credential.
   */
  approvedProxies?: string[];
  /** Cap on a response body; default 5 MiB. */
  maxResponseBytes?: number;
  /** Cap on a request body; default 5 MiB. */
  maxRequestBytes?: number;
  /** Per-request timeout when the plugin asks for none (or more); default 30 s. */
  defaultTimeoutMs?: number;
  /** Redirects followed per request; default 5. */
  maxRedirects?: number;
}

/**
 * What an admin approved a credential for: URL prefixes it may be sent to (`https://api.example.com/v1/`,
 * `https://*.example.com`) and the plugins that may ask for it (empty: any). No URL: never attached.
 */
export interface CredentialUse {
  urls: readonly string[];
  plugins: readonly string[];
}

export type CredentialSecret = (
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'api-key'; header: string; value: string }
) & {
  /** Absent: the credential is attached to no request (refused with AH_CREDENTIAL_NOT_ALLOWED). */
  binding?: CredentialUse;
};

/** Looks up a stored credential by name. Throws AH_CREDENTIAL_NOT_FOUND (or returns undefined) when unknown. */
export interface CredentialResolver {
  resolve(name: string, signal?: AbortSignal): Promise<CredentialSecret>;
}

export const HTTP_DEFAULTS = {
  maxResponseBytes: 5 * 1024 * 1024,
  maxRequestBytes: 5 * 1024 * 1024,
  defaultTimeoutMs: 30_000,
  maxRedirects: 5,
} as const;
