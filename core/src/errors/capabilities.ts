// The capabilities' codes (http, ldap, itsm): what a plugin's call to the host fails with. They reach the plugin as
// a rejected call with `code`; a plugin that does not catch them fails with AH_PLUGIN_THREW (details.cause).
// Messages never carry header values, bodies, passwords or other secrets.
import type { ErrorTable } from '@actionhost/sdk/errors';

export const httpErrors = {
  AH_HTTP_ARGS_INVALID: {
    status: 400,
    message: 'invalid http.request: {problem}',
    description:
      'The request object is malformed (URL not absolute http(s), userinfo in the URL, body on GET, bad proxy); details.path points at the value.',
  },
  AH_HTTP_HEADER_INVALID: {
    status: 400,
    message: 'header {name} {problem}',
    description:
      'A header name is not an HTTP token, its value holds CR/LF/NUL, it is set twice, or it is one the host sets (Host, Content-Length...).',
  },
  AH_HTTP_METHOD_UNKNOWN: {
    status: 400,
    message: 'http has no method "{method}"',
    description: 'The http capability offers request only; use ctx.http.request.',
  },
  AH_HTTP_HOST_DENIED: {
    status: 403,
    message: '{target} is not in the http hosts {plugin} declares',
    description:
      "The URL's host (or a redirect's) is not in the manifest's capabilities.http.hosts; add the host pattern and build again.",
  },
  AH_EGRESS_DENIED: {
    status: 403,
    message: "egress to {host} is denied by the host's network policy ({reason} address)",
    description:
      'The address is link-local or cloud metadata (always denied), or private/loopback without --allow-private (ACTIONHOST_ALLOW_PRIVATE).',
  },
  AH_HTTP_PROXY_DENIED: {
    status: 403,
    message: 'proxy {proxy} is neither approved by the operator nor in the http hosts {plugin} declares',
    description:
      "A proxy is a destination too: it must be one the operator approved (--approved-proxies, ACTIONHOST_APPROVED_PROXIES) or be in the manifest's capabilities.http.hosts (host:port), and it passes the egress policy like any target.",
  },
  AH_CREDENTIAL_NOT_ALLOWED: {
    status: 403,
    message: 'credential "{name}" may not be sent to {target} by {plugin}: {reason}',
    description:
      "A stored credential goes only where an admin approved when creating it: a URL under one of its binding's URL prefixes, by a plugin its binding lists (none listed: any), and never through a proxy the operator has not approved. An admin widens the binding with PUT /api/credentials/:name.",
  },
  AH_CREDENTIAL_UNAVAILABLE: {
    status: 503,
    message: 'credential "{name}" could not be read from the credential store',
    description: 'The credential store failed (not a missing credential); check the host log and the data folder.',
  },
  AH_CREDENTIAL_INVALID: {
    status: 500,
    message: 'credential "{name}" {problem}',
    description:
      'The stored credential cannot be attached to a request (e.g. a username with ":" for Basic Auth); store it again with usable values.',
  },
  AH_HTTP_TIMEOUT: {
    status: 504,
    message: 'request to {host} stopped: {reason}',
    description:
      'No complete answer within the request timeout or the invocation deadline, or the invocation was cancelled; a workflow step retries it.',
  },
  AH_HTTP_CONNECT_FAILED: {
    status: 502,
    message: 'request to {target} failed ({cause})',
    description:
      'DNS, TCP, TLS, proxy or socket failure (details.cause: the undici or Node code); check the URL, proxy and network. A workflow step retries it.',
  },
  AH_HTTP_RESPONSE_TOO_LARGE: {
    status: 502,
    message: 'response body is larger than {limit} bytes',
    description: "The response body passed the host's cap and was aborted; ask the endpoint for less.",
  },
  AH_HTTP_REQUEST_TOO_LARGE: {
    status: 413,
    message: 'request body is larger than {limit} bytes',
    description: "The request body is over the host's cap; send less.",
  },
  AH_HTTP_TOO_MANY_REDIRECTS: {
    status: 502,
    message: 'more than {limit} redirects',
    description: 'The endpoint redirected more than maxRedirects times; call the final URL directly.',
  },
  AH_HTTP_REDIRECT_INVALID: {
    status: 502,
    message: 'redirect not followed: {reason}',
    description:
      'A redirect without a usable Location (unparsable, not http(s), with userinfo); call the final URL directly.',
  },
} as const satisfies ErrorTable;

export const ldapErrors = {
  AH_LDAP_APPLICATION_MISSING: {
    status: 400,
    message: 'no Application for ldap calls: {reason}',
    description:
      "ldap calls run with the node's Application (bindings.applicationId); pick an Application or App Integration on the node.",
  },
  AH_LDAP_APPLICATION_INVALID: {
    status: 500,
    message: 'application {application}: {problem}',
    description:
      "The Application's settings cannot describe a connection (URL scheme, bind DN, base DN, timeout); fix the Application.",
  },
  AH_LDAP_ARGS_INVALID: {
    status: 400,
    message: 'invalid ldap {what}: {problem}',
    description: 'A DN, filter, attribute or password argument is malformed; details.path points at it.',
  },
  AH_LDAP_METHOD_UNKNOWN: {
    status: 400,
    message: 'the ldap capability has no method {method}',
    description: 'Use one of ctx.ldap.search, add, modify, setPassword, rename, delete, info.',
  },
  AH_LDAP_OUT_OF_SCOPE: {
    status: 403,
    message: "{path}: {dn} is not {where} the application's base DN {baseDn}",
    description:
      "Operations are confined to the Application's base DN; use a DN under it, or widen the Application's base DN.",
  },
  AH_LDAP_TLS_REQUIRED: {
    status: 403,
    message: 'application {application} connects without TLS; AD accepts passwords only over TLS',
    description: 'Setting a password needs ldaps:// (or StartTLS); change the Application URL.',
  },
  AH_LDAP_ALREADY_EXISTS: {
    status: 409,
    message: 'the entry {dn} already exists',
    description: 'An entry with that DN or sAMAccountName exists; pick another name or update the existing entry.',
  },
  AH_LDAP_PASSWORD_POLICY: {
    status: 422,
    message: 'the password does not meet the domain password policy (length, complexity or history)',
    description:
      "The directory refused the password under the domain's policy; choose a longer, more complex, unused one.",
  },
  AH_LDAP_NO_SUCH_OBJECT: {
    status: 404,
    message: 'no such object: {dn}',
    description: 'The DN (or base DN) does not exist in the directory; check the DN and the Base DN input.',
  },
  AH_LDAP_INSUFFICIENT_RIGHTS: {
    status: 403,
    message: "the application's bind identity has insufficient rights for {operation}",
    description: "The Application's bind account may not do this; delegate the right to it in the directory.",
  },
  AH_LDAP_UNREACHABLE: {
    status: 502,
    message: 'the directory server cannot be used: {reason}',
    description:
      'TCP, TLS or certificate failure, timeout, a dropped or closed connection, or a busy server; check the URL and network.',
  },
  AH_LDAP_INVALID_CREDENTIALS: {
    status: 502,
    message: "the directory refused the application's bind credentials",
    description: "The Application's credential does not bind; store the right bind password in its credential.",
  },
  AH_LDAP_ERROR: {
    status: 502,
    message: 'the {operation} failed: {diagnostic}',
    description:
      'Any other LDAP result (details.resultCode, details.diagnostic); the diagnostic says what the directory objected to.',
  },
} as const satisfies ErrorTable;

export const itsmCapabilityErrors = {
  AH_CAPABILITY_METHOD_UNKNOWN: {
    status: 400,
    message: '{capability} has no method "{method}"',
    description: 'The itsm capability has no method of that name; see ctx.itsm in the SDK types.',
  },
  AH_CAPABILITY_ARGS_INVALID: {
    status: 400,
    message: 'invalid arguments to {capability}.{method}: {path} {problem}',
    description: 'The arguments of an itsm call do not match the method (details.path points at the value).',
  },
} as const satisfies ErrorTable;
