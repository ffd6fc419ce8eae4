// Every way an ldap call made for a plugin can fail, with a stable code from core's error table. AD's answers are
// classified by the diagnostic text both Windows and Samba put in front of their messages (`0000052D`...), so a
// workflow sees the same code whichever DC it talks to. Messages never carry passwords or bind credentials.
import { ActionhostError, type ErrorDetails } from '@actionhost/sdk';
import { CoreErrors } from '../../errors/index.ts';

export const LdapErrors = {
  /** The invocation has no `bindings.applicationId`, or the resolver does not know it. */
  applicationMissing: CoreErrors.AH_LDAP_APPLICATION_MISSING,
  /** The Application's settings cannot describe a connection (bad URL scheme, empty bind DN...). */
  applicationInvalid: CoreErrors.AH_LDAP_APPLICATION_INVALID,
  /** The call's arguments are malformed (details.path points at the value). */
  argsInvalid: CoreErrors.AH_LDAP_ARGS_INVALID,
  methodUnknown: CoreErrors.AH_LDAP_METHOD_UNKNOWN,
  /** setGeneratedPassword on a host (or harness) without an initial-password store. */
  passwordsUnavailable: CoreErrors.AH_LDAP_PASSWORDS_UNAVAILABLE,
  /** A DN the call touches is outside the Application's base DN. */
  outOfScope: CoreErrors.AH_LDAP_OUT_OF_SCOPE,
  /** A password would travel over a connection without TLS. */
  tlsRequired: CoreErrors.AH_LDAP_TLS_REQUIRED,
  /** entryAlreadyExists, or AD's "sAMAccountName already in use". */
  alreadyExists: CoreErrors.AH_LDAP_ALREADY_EXISTS,
  /** The password does not meet the domain's policy (length, complexity, history). */
  passwordPolicy: CoreErrors.AH_LDAP_PASSWORD_POLICY,
  noSuchObject: CoreErrors.AH_LDAP_NO_SUCH_OBJECT,
  insufficientRights: CoreErrors.AH_LDAP_INSUFFICIENT_RIGHTS,
  /** TCP connect, TLS handshake or certificate failure, timeout, dropped connection. */
  unreachable: CoreErrors.AH_LDAP_UNREACHABLE,
  /** The Application's bind identity was refused. */
  invalidCredentials: CoreErrors.AH_LDAP_INVALID_CREDENTIALS,
  /** Any other LDAP result (details.resultCode, details.diagnostic). */
  error: CoreErrors.AH_LDAP_ERROR,
} as const;

/** What was being done when an LDAP failure happened; decides e.g. that a constraint violation is a password one. */
export interface FailureContext {
  operation: 'bind' | 'starttls' | 'search' | 'add' | 'modify' | 'setPassword' | 'rename' | 'delete' | 'info';
  dn?: string;
  applicationId: string;
}

// AD's diagnostic prefixes (Win32 error codes in hex), identical on Windows and Samba.
const DIAGNOSTIC = {
  passwordPolicy: /\b0000052D\b/i, // ERROR_PASSWORD_RESTRICTION
  alreadyExists: /\b0000(?:2071|0524)\b/i, // ERROR_DS_NAME_NOT_UNIQUE / ERROR_USER_EXISTS
  noSuchObject: /\b0000(?:2030|208D|0525)\b/i, // ERROR_DS_OBJ_NOT_FOUND / NAME_NOT_FOUND / NO_SUCH_USER
  insufficientRights: /\b0000(?:2098|0005)\b/i, // ERROR_DS_INSUFF_ACCESS_RIGHTS / ACCESS_DENIED
  invalidCredentials: /\b80090308\b.*\bdata 52e\b/i,
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'ERR_SOCKET_CLOSED',
]);
const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL_|HOSTNAME_MISMATCH)/;
const CONNECTION_MESSAGE =
  /Connection timeout|Operation timed out|Connection closed before message response|Socket error|Socket connection not established|socket hang up|TLS|certificate|handshake/i;

/** True for failures of the connection itself (not an LDAP result): worth a reconnect. */
export function isConnectionFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'number') return false; // an LDAP result code: the server answered
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || TLS_CODE.test(code))) return true;
  return typeof message === 'string' && CONNECTION_MESSAGE.test(message);
}

/** The server's diagnostic message without ldapts's " Code: 0x44" suffix, and capped. */
function diagnosticOf(message: string): string {
  return message
    .replace(/\s*Code: 0x[0-9a-f]+\s*$/i, '')
    .trim()
    .slice(0, 500);
}

/** Turns whatever ldapts or Node threw into an ActionhostError with a stable code. */
export function toLdapError(error: unknown, context: FailureContext): ActionhostError {
  if (error instanceof ActionhostError) return error;
  const base: ErrorDetails = {
    application: context.applicationId,
    operation: context.operation,
    ...(context.dn ? { dn: context.dn } : {}),
  };
  const raw = error as { code?: unknown; message?: unknown; name?: unknown };
  const message = typeof raw?.message === 'string' ? raw.message : String(error);

  if (typeof raw?.code !== 'number') {
    if (isConnectionFailure(error)) {
      const cause = typeof raw?.code === 'string' ? raw.code : undefined;
      return LdapErrors.unreachable(
        { reason: `it could not be reached (${context.operation}): ${cause ?? message.split('\n')[0].slice(0, 200)}` },
        { ...base, ...(cause ? { cause } : {}) },
      );
    }
    // ldapts validates filters and DNs client-side and throws plain Errors for them
    return LdapErrors.argsInvalid(
      { what: `${context.operation} request`, problem: `refused before it was sent: ${message.slice(0, 200)}` },
      base,
    );
  }

  const resultCode = raw.code;
  const diagnostic = diagnosticOf(message);
  const details: ErrorDetails = { ...base, resultCode, diagnostic };
  if (DIAGNOSTIC.passwordPolicy.test(diagnostic) || (resultCode === 19 && context.operation === 'setPassword')) {
    return LdapErrors.passwordPolicy(details);
  }
  if (resultCode === 68 || DIAGNOSTIC.alreadyExists.test(diagnostic)) {
    return LdapErrors.alreadyExists({ dn: context.dn ?? '(unnamed)' }, details);
  }
  if (resultCode === 32 || DIAGNOSTIC.noSuchObject.test(diagnostic)) {
    return LdapErrors.noSuchObject({ dn: context.dn ?? '(unnamed)' }, details);
  }
  if (resultCode === 50 || DIAGNOSTIC.insufficientRights.test(diagnostic)) {
    return LdapErrors.insufficientRights({ operation: context.operation }, details);
  }
  if (resultCode === 49 || DIAGNOSTIC.invalidCredentials.test(diagnostic)) {
    // never the attempted password; the diagnostic of a failed bind names only the AD sub-code
    return LdapErrors.invalidCredentials(details);
  }
  if (resultCode === 51 || resultCode === 52 || resultCode === 3) {
    return LdapErrors.unreachable({ reason: `it is busy or unavailable (result ${resultCode})` }, details);
  }
  return LdapErrors.error(
    {
      operation: context.operation,
      diagnostic: `the directory answered with result ${resultCode}: ${diagnostic.slice(0, 200)}`,
    },
    details,
  );
}
