// Every way an outbound HTTP call made for a plugin can fail, each with a stable code. Messages and details
// never carry header values, bodies or secrets: they cross into the guest and into execution records.
import { errorFactory } from '@actionhost/sdk';

const fail = errorFactory;

export const HttpErrors = {
  /** The call's arguments do not describe a valid request (details.path points at the value). */
  argsInvalid: fail('AH_HTTP_ARGS_INVALID', 400),
  /** A header name is not an RFC 7230 token or its value holds CR, LF or NUL (details.path `/headers/<name>`). */
  headerInvalid: fail('AH_HTTP_HEADER_INVALID', 400),
  /** The capability has no method of that name. */
  methodUnknown: fail('AH_HTTP_METHOD_UNKNOWN', 400),
  /** The URL's host is not in the manifest's `capabilities.http.hosts`. */
  hostDenied: fail('AH_HTTP_HOST_DENIED', 403),
  /** The address a name resolves to (or an IP literal) is not reachable under the host's egress policy. */
  egressDenied: fail('AH_EGRESS_DENIED', 403),
  /** The named credential does not exist (or no credential store is configured). */
  credentialNotFound: fail('AH_CREDENTIAL_NOT_FOUND', 404),
  /** The credential store failed (not a missing credential: a broken store). */
  credentialUnavailable: fail('AH_CREDENTIAL_UNAVAILABLE', 503),
  /** The credential store returned something that cannot be attached to a request. */
  credentialInvalid: fail('AH_CREDENTIAL_INVALID', 500),
  /** No answer in time: request timeout, invocation deadline or cancellation. */
  timeout: fail('AH_HTTP_TIMEOUT', 504),
  /** DNS, TCP, TLS, proxy or socket failure (details.cause: the undici / Node code). */
  connectFailed: fail('AH_HTTP_CONNECT_FAILED', 502),
  /** The response body is larger than the host's cap; the stream was aborted. */
  responseTooLarge: fail('AH_HTTP_RESPONSE_TOO_LARGE', 502),
  /** The request body is larger than the host's cap. */
  requestTooLarge: fail('AH_HTTP_REQUEST_TOO_LARGE', 413),
  /** More redirects than `maxRedirects`. */
  tooManyRedirects: fail('AH_HTTP_TOO_MANY_REDIRECTS', 502),
  /** A redirect without a usable Location (not http(s), carries userinfo, unparsable). */
  redirectInvalid: fail('AH_HTTP_REDIRECT_INVALID', 502),
} as const;
