// Every way an outbound HTTP call made for a plugin can fail, each with a stable code (core's error table). Messages
// and details never carry header values, bodies or secrets: they cross into the guest and into execution records.
import { CoreErrors } from '../../errors/index.ts';

export const HttpErrors = {
  /** The call's arguments do not describe a valid request (details.path points at the value). */
  argsInvalid: CoreErrors.AH_HTTP_ARGS_INVALID,
  /** A header name is not an RFC 7230 token or its value holds CR, LF or NUL (details.path `/headers/<name>`). */
  headerInvalid: CoreErrors.AH_HTTP_HEADER_INVALID,
  methodUnknown: CoreErrors.AH_HTTP_METHOD_UNKNOWN,
  /** The URL's host is not in the manifest's `capabilities.http.hosts`. */
  hostDenied: CoreErrors.AH_HTTP_HOST_DENIED,
  /** The address a name resolves to (or an IP literal) is not reachable under the host's egress policy. */
  egressDenied: CoreErrors.AH_EGRESS_DENIED,
  /** The named credential does not exist (or no credential store is configured). */
  credentialNotFound: CoreErrors.AH_CREDENTIAL_NOT_FOUND,
  /** The credential store failed (not a missing credential: a broken store). */
  credentialUnavailable: CoreErrors.AH_CREDENTIAL_UNAVAILABLE,
  /** The credential's binding does not allow this plugin, this URL, or this proxy. */
  credentialNotAllowed: CoreErrors.AH_CREDENTIAL_NOT_ALLOWED,
  /** The proxy is neither approved by the operator nor in the manifest's host list. */
  proxyDenied: CoreErrors.AH_HTTP_PROXY_DENIED,
  /** The credential store returned something that cannot be attached to a request. */
  credentialInvalid: CoreErrors.AH_CREDENTIAL_INVALID,
  /** No answer in time: request timeout, invocation deadline or cancellation. */
  timeout: CoreErrors.AH_HTTP_TIMEOUT,
  /** DNS, TCP, TLS, proxy or socket failure (details.cause: the undici / Node code). */
  connectFailed: CoreErrors.AH_HTTP_CONNECT_FAILED,
  /** The response body is larger than the host's cap; the stream was aborted. */
  responseTooLarge: CoreErrors.AH_HTTP_RESPONSE_TOO_LARGE,
  requestTooLarge: CoreErrors.AH_HTTP_REQUEST_TOO_LARGE,
  tooManyRedirects: CoreErrors.AH_HTTP_TOO_MANY_REDIRECTS,
  /** A redirect without a usable Location (not http(s), carries userinfo, unparsable). */
  redirectInvalid: CoreErrors.AH_HTTP_REDIRECT_INVALID,
} as const;
