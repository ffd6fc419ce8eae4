// Where a host may speak plain HTTP: on loopback only. Bearer tokens and credential secrets travel in its requests,
// so listening on any other address needs TLS, or an operator's explicit allowPlainHttp (a TLS-terminating proxy
// in front on a trusted network).
import { BlockList, isIP } from 'node:net';
import { CoreErrors } from '../errors/index.ts';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** True for 127.0.0.0/8, ::1 and "localhost"; a name or a wildcard (0.0.0.0, ::) is not loopback. */
export function isLoopbackAddress(host: string): boolean {
  const address = host.replace(/^\[(.*)\]$/, '$1');
  if (address.toLowerCase() === 'localhost') return true;
  const family = isIP(address);
  if (family === 0) return false;
  return LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Refuses to listen in clear on an address other hosts reach, unless TLS serves it or the operator allowed it. */
export function checkListenAddress(host: string, options: { tls: boolean; allowPlainHttp: boolean }): void {
  if (options.tls || options.allowPlainHttp || isLoopbackAddress(host)) return;
  throw CoreErrors.AH_PLAIN_HTTP_REFUSED({ host }, { host });
}
