// Egress policy: which network addresses a plugin's request may connect to. It is applied to the addresses a name
// resolved to, and the request then connects to the address that was checked (never to the name again), so a name
// that resolves somewhere private or to cloud metadata is refused however it is spelled, and a later re-resolution
// cannot slip past a check.
import { BlockList, isIP } from 'node:net';
import { HttpErrors } from './errors.ts';

export type EgressVerdict =
  | { allowed: true }
  | {
      allowed: false;
      reason: 'link-local' | 'metadata' | 'unspecified' | 'multicast' | 'reserved' | 'loopback' | 'private';
    };

export interface EgressPolicy {
  /** Verdict for one IP address; `hostname` is the name it was resolved from (for name-based allowances). */
  check(address: string, hostname?: string): EgressVerdict;
  /**
   * The address to connect to for `host`: the first of `addresses` the policy allows, else AH_EGRESS_DENIED.
   * `trusted` (a proxy the operator approved) lifts the private/loopback denial, never the always-denied ranges.
   */
  pick(host: string, addresses: readonly { address: string }[], trusted?: boolean): string;
  /** Requires EVERY address of `host` to be allowed: used when a proxy, not we, will connect to it. */
  assertAll(host: string, addresses: readonly { address: string }[]): void;
  /** Whether an address is in a range denied whatever the operator allows (link-local, metadata, ...). */
  alwaysDenied(address: string): boolean;
}

// Denied whatever the operator allows: nothing legitimate for a workflow lives there, and cloud metadata
// services (169.254.169.254, Alibaba's 100.100.100.200, AWS's fd00:ec2::254) hand out instance credentials.
type DenyReason = Exclude<EgressVerdict, { allowed: true }>['reason'];
type Rule<R> = { list: BlockList; family: 'ipv4' | 'ipv6'; reason: R };

const METADATA = ['100.100.100.200', '169.254.169.254', 'fd00:ec2::254'];
const ALWAYS_DENIED = rules<DenyReason>([
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['169.254.0.0', 16, 'ipv4', 'link-local'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'], // includes the broadcast address 255.255.255.255
  ['::', 128, 'ipv6', 'unspecified'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
  // IPv4-compatible (::a.b.c.d) leftovers; ::1 is looked at first, as loopback.
  ['::', 96, 'ipv6', 'reserved'],
]);
const PRIVATE = rules<'loopback' | 'private'>([
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'private'], // carrier-grade NAT, also used inside clouds
  ['::1', 128, 'ipv6', 'loopback'],
  ['fc00::', 7, 'ipv6', 'private'],
]);

function rules<R>(entries: [string, number, 'ipv4' | 'ipv6', R][]): Rule<R>[] {
  return entries.map(([network, prefix, family, reason]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return { list, family, reason };
  });
}

const metadata = new Set(METADATA.map((address) => normalizeAddress(address)!.ip));

export function createEgressPolicy(allowPrivate: readonly string[] = []): EgressPolicy {
  const allowedAddresses = new BlockList();
  const allowedNames = new Set<string>();
  for (const entry of allowPrivate) addAllowance(entry.trim(), allowedAddresses, allowedNames);

  function check(address: string, hostname?: string): EgressVerdict {
    const normalized = normalizeAddress(address);
    if (!normalized) return { allowed: false, reason: 'reserved' };
    const { ip, family } = normalized;
    if (metadata.has(ip)) return { allowed: false, reason: 'metadata' };
    const loopback6 = family === 'ipv6' && ip === '0:0:0:0:0:0:0:1';
    for (const rule of loopback6 ? [] : ALWAYS_DENIED) {
      if (rule.family === family && rule.list.check(ip, family)) return { allowed: false, reason: rule.reason };
    }
    for (const { list, family: ruleFamily, reason } of PRIVATE) {
      if (ruleFamily !== family || !list.check(ip, family)) continue;
      const byName = hostname !== undefined && allowedNames.has(normalizeName(hostname));
      return byName || allowedAddresses.check(ip, family) ? { allowed: true } : { allowed: false, reason };
    }
    return { allowed: true };
  }

  function pick(host: string, addresses: readonly { address: string }[], trusted = false): string {
    const bare = stripBrackets(host);
    let first: EgressVerdict | undefined;
    for (const { address } of addresses) {
      const verdict = check(address, bare);
      if (verdict.allowed) return address;
      if (trusted && (verdict.reason === 'private' || verdict.reason === 'loopback')) return address;
      first ??= verdict;
    }
    throw denied(bare, first ?? { allowed: false, reason: 'reserved' });
  }

  function assertAll(host: string, addresses: readonly { address: string }[]): void {
    const bare = stripBrackets(host);
    for (const { address } of addresses) {
      const verdict = check(address, bare);
      if (!verdict.allowed) throw denied(bare, verdict);
    }
  }

  function alwaysDenied(address: string): boolean {
    const verdict = check(address);
    return !verdict.allowed && verdict.reason !== 'private' && verdict.reason !== 'loopback';
  }

  return { check, pick, assertAll, alwaysDenied };
}

// The resolved address stays out of the error (it reaches the guest): a plugin must not be able to map
// internal DNS by probing names. The reason says enough to fix the policy.
function denied(host: string, verdict: EgressVerdict) {
  const reason = verdict.allowed ? 'reserved' : verdict.reason;
  return HttpErrors.egressDenied({ host, reason }, { host, reason });
}

function addAllowance(entry: string, addresses: BlockList, names: Set<string>): void {
  if (entry === '') return;
  const slash = entry.indexOf('/');
  if (slash > 0) {
    const network = stripBrackets(entry.slice(0, slash));
    const prefix = Number(entry.slice(slash + 1));
    const family = isIP(network);
    if (family === 0 || !Number.isInteger(prefix)) throw new TypeError(`egress.allowPrivate: bad CIDR ${entry}`);
    addresses.addSubnet(network, prefix, family === 4 ? 'ipv4' : 'ipv6');
    return;
  }
  const bare = stripBrackets(entry);
  const normalized = normalizeAddress(bare);
  if (normalized) addresses.addAddress(normalized.ip, normalized.family);
  else names.add(normalizeName(bare));
}

export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** An IP in a canonical family; IPv4-mapped and NAT64 IPv6 addresses become the IPv4 they carry. */
export function normalizeAddress(address: string): { ip: string; family: 'ipv4' | 'ipv6' } | undefined {
  const bare = stripBrackets(address).replace(/%.*$/, ''); // a zone id does not change where it points
  const family = isIP(bare);
  if (family === 4) return { ip: bare, family: 'ipv4' };
  if (family !== 6) return undefined;
  const groups = expandIpv6(bare);
  if (!groups) return undefined;
  const embedsIpv4 =
    (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) || // ::ffff:a.b.c.d (mapped)
    (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)); // 64:ff9b::/96 (NAT64)
  if (embedsIpv4) {
    const high = groups[6];
    const low = groups[7];
    return { ip: `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, family: 'ipv4' };
  }
  return { ip: groups.map((g) => g.toString(16)).join(':'), family: 'ipv6' };
}

function expandIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const octets = tail.split('.').map(Number);
    if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return undefined;
    text = `${text.slice(0, lastColon + 1)}${((octets[0] << 8) | octets[1]).toString(16)}:${((octets[2] << 8) | octets[3]).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const parts = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  const groups = parts.map((part) => (/^[0-9a-f]{1,4}$/.test(part) ? parseInt(part, 16) : NaN));
  return groups.some(Number.isNaN) ? undefined : groups;
}
