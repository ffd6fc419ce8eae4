// What an outbound request leaves in the invocation log: method, URL with secrets masked, status, duration.
// Never header values or bodies. Query values are masked (tokens live there), and so are long opaque path
// segments, because webhook URLs often carry their secret in the path (…/services/T0/B0/XXXXXXXX).
const MASK = 'REDACTED';
const OPAQUE_SEGMENT = /^(?=[^/]*\d)(?=[^/]*[A-Za-z])[A-Za-z0-9_\-.~%]{24,}$/;

export function urlForLog(url: URL): string {
  const path = url.pathname
    .split('/')
    .map((segment) => (OPAQUE_SEGMENT.test(segment) ? MASK : segment))
    .join('/');
  const query =
    url.search.length > 1
      ? '?' +
        url.search
          .slice(1)
          .split('&')
          .map((pair) => {
            const equals = pair.indexOf('=');
            return equals < 0 ? MASK : `${pair.slice(0, equals)}=${MASK}`;
          })
          .join('&')
      : '';
  return `${url.protocol}//${url.host}${path}${query}`;
}

/** A proxy URL for logs and errors: its userinfo (proxy credentials) is dropped. */
export function proxyForLog(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}
