// The ABI between a plugin (guest, inside the isolate) and the host: what `run` returns and what `ctx` offers.
// Only JSON crosses the boundary, so every type here is plain data.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface PluginResult<Output = unknown, Path extends string = string> {
  path: Path;
  output: Output;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

/** How the host authenticates an outgoing request. A named credential's secret never enters the sandbox. */
export type HttpAuth =
  { type: 'none' } | { type: 'basic'; username: string; password: string } | { type: 'credential'; credential: string };

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** A JSON body: serialised by the host, Content-Type set to application/json unless given. */
  json?: Json;
  /** A raw text body (ignored when `json` is given). */
  body?: string;
  auth?: HttpAuth;
  /** Forward proxy URL, e.g. "http://127.0.0.1:3128". */
  proxy?: string;
  timeoutMs?: number;
  /** Follow redirects to the same origin only (default true); never carries credentials elsewhere. */
  followRedirects?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** Response body as text (capped by the host). */
  body: string;
  /** Parsed body when the response is JSON, else undefined. */
  json?: Json;
  durationMs: number;
  /** The URL finally answered, after redirects. */
  url: string;
}

export interface HttpApi {
  request(request: HttpRequest): Promise<HttpResponse>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export interface LogApi {
  debug(message: string, data?: Json): void;
  info(message: string, data?: Json): void;
  warn(message: string, data?: Json): void;
  error(message: string, data?: Json): void;
}

export type LdapScope = 'base' | 'one' | 'sub';
export interface LdapEntry {
  dn: string;
  attributes: Record<string, string[]>;
}
export interface LdapChange {
  operation: 'add' | 'delete' | 'replace';
  attribute: string;
  values: string[];
}
/** Directory operations, run by the host against the node's Application (bind identity and TLS are the host's). */
export interface LdapApi {
  /** The Application's base DN and domain facts, so a plugin can build DNs under it. */
  info(): Promise<{ baseDn: string; url: string; domain?: string }>;
  search(query: {
    base: string;
    scope?: LdapScope;
    filter: string;
    attributes?: string[];
    sizeLimit?: number;
  }): Promise<LdapEntry[]>;
  add(entry: { dn: string; attributes: Record<string, string | string[]> }): Promise<void>;
  modify(dn: string, changes: LdapChange[]): Promise<void>;
  /** Sets `unicodePwd` (quoted UTF-16LE, TLS only); the password travels as input, never logged. */
  setPassword(dn: string, password: string): Promise<void>;
  /**
   * Sets a strong password the host generates (TLS only). The plugin never sees it: the host keeps it sealed for
   * an admin to retrieve once (POST /api/initial-passwords/:id/retrieve), and answers with its id.
   */
  setGeneratedPassword(dn: string): Promise<{ passwordId: string }>;
  rename(dn: string, newRdn: string, newParent?: string): Promise<void>;
  delete(dn: string): Promise<void>;
}

export interface ItsmRequest {
  internalId: number;
  displayId: string;
  kind: 'incident' | 'service-request';
  subject: string;
  description: string;
  category: string | null;
  department: string | null;
  status: string;
  priority: string;
  requester: { name: string; email: string; username: string } | null;
  template: string | null;
  customFields: Record<string, Json>;
}
export interface ItsmConfigurationItem {
  id: number;
  name: string;
  type: string;
  ipAddress: string | null;
  hostname: string | null;
  macAddress: string | null;
  serialNumber: string | null;
}
export type CiIdentifierField = 'ipAddress' | 'hostname' | 'macAddress' | 'serialNumber';
export interface ItsmRelation {
  requestId: number;
  ciId: number;
  createdAt: string;
  created: boolean;
}

/** Service-desk records; each method needs its scope in the manifest (`requests:read`, `cmdb:read`, ...). */
export interface ItsmApi {
  getRequest(internalId: number): Promise<ItsmRequest>;
  findConfigurationItems(query: { field: CiIdentifierField; value: string }): Promise<ItsmConfigurationItem[]>;
  linkConfigurationItem(requestId: number, ciId: number): Promise<ItsmRelation>;
  listRelations(requestId: number): Promise<ItsmRelation[]>;
}

export interface InvocationInfo {
  id: string;
  /** Stable per (execution, node, logical attempt): the same on a retry of the same attempt. */
  idempotencyKey: string;
  plugin: string;
}

/** What the host hands a plugin. A capability the manifest did not declare is absent. */
export interface PluginContext {
  http?: HttpApi;
  ldap?: LdapApi;
  itsm?: ItsmApi;
  log: LogApi;
  invocation: InvocationInfo;
}

/** Capability name → the methods the guest prelude exposes. The host implements exactly these. */
export const CAPABILITY_METHODS = {
  http: ['request'],
  ldap: ['info', 'search', 'add', 'modify', 'setPassword', 'setGeneratedPassword', 'rename', 'delete'],
  itsm: ['getRequest', 'findConfigurationItems', 'linkConfigurationItem', 'listRelations'],
  log: ['debug', 'info', 'warn', 'error'],
} as const satisfies Record<string, readonly string[]>;
export type CapabilityName = keyof typeof CAPABILITY_METHODS;
