// Every way an ldap call made for a plugin can fail, each with a stable code. AD's answers are classified by
// the diagnostic text both Windows and Samba put in front of their messages (`0000052D`, `00002071`...), so a
// workflow sees the same code whichever DC it talks to. Messages never carry passwords or bind credentials.
import { ActionhostError, type ErrorDetails, errorFactory } from '@actionhost/sdk';

const fail = errorFactory;

export const LdapErrors = {
  /** The invocation has no `bindings.applicationId`, or the resolver does not know it. */
  applicationMissing: fail('AH_LDAP_APPLICATION_MISSING', 400),
  /** The Application's settings cannot describe a connection (bad URL scheme, empty bind DN...). */
  applicationInvalid: fail('AH_LDAP_APPLICATION_INVALID', 500),
  /** The call's arguments are malformed (details.path points at the value). */
  argsInvalid: fail('AH_LDAP_ARGS_INVALID', 400),
  /** The capability has no method of that name. */
  methodUnknown: fail('AH_LDAP_METHOD_UNKNOWN', 400),
  /** A DN the call touches is outside the Application's base DN. */
  outOfScope: fail('AH_LDAP_OUT_OF_SCOPE', 403),
  /** A password would travel over a connection without TLS. */
  tlsRequired: fail('AH_LDAP_TLS_REQUIRED', 403),
  /** entryAlreadyExists, or AD's "sAMAccountName already in use". */
  alreadyExists: fail('AH_LDAP_ALREADY_EXISTS', 409),
  /** The password does not meet the domain's policy (length, complexity, history). */
  passwordPolicy: fail('AH_LDAP_PASSWORD_POLICY', 422),
  noSuchObject: fail('AH_LDAP_NO_SUCH_OBJECT', 404),
  insufficientRights: fail('AH_LDAP_INSUFFICIENT_RIGHTS', 403),
  /** TCP connect, TLS handshake or certificate failure, timeout, dropped connection. */
  unreachable: fail('AH_LDAP_UNREACHABLE', 502),
  /** The Application's bind identity was refused. */
  invalidCredentials: fail('AH_LDAP_INVALID_CREDENTIALS', 502),
  /** Any other LDAP result (details.resultCode, details.diagnostic). */
  error: fail('AH_LDAP_ERROR', 502),
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
        `the directory server could not be reached (${context.operation}): ${cause ?? message.split('\n')[0].slice(0, 200)}`,
        { ...base, ...(cause ? { cause } : {}) },
      );
    }
    // ldapts validates filters and DNs client-side and throws plain Errors for them
    return LdapErrors.argsInvalid(
      `the ${context.operation} request was refused before it was sent: ${message.slice(0, 200)}`,
      base,
    );
  }

  const resultCode = raw.code;
  const diagnostic = diagnosticOf(message);
  const details: ErrorDetails = { ...base, resultCode, diagnostic };
  if (DIAGNOSTIC.passwordPolicy.test(diagnostic) || (resultCode === 19 && context.operation === 'setPassword')) {
    return LdapErrors.passwordPolicy(
      'the password does not meet the domain password policy (length, complexity or history)',
      details,
    );
  }
  if (resultCode === 68 || DIAGNOSTIC.alreadyExists.test(diagnostic)) {
    return LdapErrors.alreadyExists(`the entry already exists${context.dn ? `: ${context.dn}` : ''}`, details);
  }
  if (resultCode === 32 || DIAGNOSTIC.noSuchObject.test(diagnostic)) {
    return LdapErrors.noSuchObject(`no such object${context.dn ? `: ${context.dn}` : ''}`, details);
  }
  if (resultCode === 50 || DIAGNOSTIC.insufficientRights.test(diagnostic)) {
    return LdapErrors.insufficientRights(
      `the application's bind identity has insufficient rights for ${context.operation}`,
      details,
    );
  }
  if (resultCode === 49 || DIAGNOSTIC.invalidCredentials.test(diagnostic)) {
    // never the attempted password; the diagnostic of a failed bind names only the AD sub-code
    return LdapErrors.invalidCredentials("the directory refused the application's bind credentials", details);
  }
  if (resultCode === 51 || resultCode === 52 || resultCode === 3) {
    return LdapErrors.unreachable(`the directory server is busy or unavailable (result ${resultCode})`, details);
  }
  return LdapErrors.error(
    `the directory refused the ${context.operation} (result ${resultCode}): ${diagnostic.slice(0, 200)}`,
    details,
  );
}
