// The directory connection an ldap call runs against: an Application (configured elsewhere, resolved per call)
// and the checks that make its settings safe to connect with.
import { createHash } from 'node:crypto';
import { parseDn, DnSyntaxError, type Json, type Rdn } from '@actionhost/sdk';
import { LdapErrors } from './errors.ts';

export interface LdapApplication {
  id: string;
  /** `ldaps://host[:port]`, or `ldap://host[:port]`, which is then upgraded with StartTLS. */
  url: string;
  bindDn: string;
  /** Resolved from the Application's stored credential; used for the bind only, never shown to a plugin. */
  bindPassword: string;
  /** Every DN an operation touches must be at or below this DN. */
  baseDn: string;
  /** PEM of the CA (or the server's self-signed certificate) the server's certificate is verified against. */
  caCertificate?: string;
  /** Verify the server certificate (default true). false is an explicit choice, logged on every connection. */
  tlsVerify: boolean;
  /** Per-operation and connect timeout, ms (default 10 000). */
  timeoutMs?: number;
  /** DNS domain of the directory (for userPrincipalName), e.g. "example.local"; derived from baseDn when absent. */
  domain?: string;
  /**
   * Only for `ldap://`: false keeps the connection in clear text (no StartTLS) — an explicit, logged choice that
   * makes setPassword refuse to run. Default true. (Addition to the shape; see the README.)
   */
  startTls?: boolean;
  /**
   * The Integration Connector that reaches this directory ("via connector <name>"): the host never connects to
   * it itself, the connector runs the operations next to the directory.
   */
  connector?: string;
}

/** One ldap operation as it travels to a connector: the Application goes along, bind password included. */
export interface RelayedOperation {
  method: string;
  args: Json[];
  application: Omit<LdapApplication, 'connector'>;
}

/** Carries operations to Integration Connectors (the connectors concern's hub). */
export interface LdapRelay {
  /** Runs the operation on `connector`; rejects with its AH_LDAP_* error, or AH_CONNECTOR_* when it cannot. */
  call(connector: string, operation: RelayedOperation, signal: AbortSignal): Promise<Json>;
}

export interface ApplicationResolver {
  /** The Application with its bind password resolved; throws (any error) when it does not exist. */
  resolve(applicationId: string, signal?: AbortSignal): Promise<LdapApplication>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface ConnectionSettings {
  application: LdapApplication;
  /** ldaps:// (TLS from the first byte) or ldap:// + StartTLS */
  transport: 'ldaps' | 'starttls' | 'plain';
  host: string;
  timeoutMs: number;
  domain: string;
}

/** Checks an Application's settings and works out how to connect. */
export function connectionSettings(application: LdapApplication): ConnectionSettings {
  let url: URL;
  try {
    url = new URL(application.url);
  } catch {
    throw LdapErrors.applicationInvalid(
      { application: application.id, problem: 'the LDAP URL is not a URL' },
      { application: application.id },
    );
  }
  if (url.protocol !== 'ldaps:' && url.protocol !== 'ldap:') {
    throw LdapErrors.applicationInvalid(
      { application: application.id, problem: 'the LDAP URL must start with ldaps:// or ldap://' },
      { application: application.id },
    );
  }
  if (url.username || url.password || (url.pathname !== '' && url.pathname !== '/') || url.search) {
    throw LdapErrors.applicationInvalid(
      { application: application.id, problem: 'the LDAP URL must hold only scheme, host and port' },
      { application: application.id },
    );
  }
  if (!application.bindDn || !application.bindPassword) {
    throw LdapErrors.applicationInvalid(
      { application: application.id, problem: 'a bind DN and a bind password are required' },
      { application: application.id },
    );
  }
  let baseRdns: Rdn[];
  try {
    baseRdns = parseDn(application.baseDn);
  } catch (error) {
    if (!(error instanceof DnSyntaxError)) throw error;
    baseRdns = [];
  }
  if (baseRdns.length === 0) {
    throw LdapErrors.applicationInvalid(
      { application: application.id, problem: 'the base DN is not a DN' },
      { application: application.id },
    );
  }
  const timeoutMs = application.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw LdapErrors.applicationInvalid(
      { application: application.id, problem: 'timeoutMs must be a positive integer' },
      { application: application.id },
    );
  }
  const transport = url.protocol === 'ldaps:' ? 'ldaps' : application.startTls === false ? 'plain' : 'starttls';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const domain =
    application.domain ??
    baseRdns
      .filter((rdn) => rdn.length === 1 && rdn[0].attribute.toLowerCase() === 'dc')
      .map((rdn) => rdn[0].value)
      .join('.');
  return { application, transport, host, timeoutMs, domain };
}

/** A hash of everything that shapes a connection: a changed Application (or password) gets a new client. */
export function fingerprintOf(application: LdapApplication): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        application.url,
        application.bindDn,
        application.bindPassword,
        application.baseDn,
        application.caCertificate ?? '',
        application.tlsVerify,
        application.timeoutMs ?? null,
        application.domain ?? null,
        application.startTls ?? null,
      ]),
    )
    .digest('hex');
}
