// The egress address policy on its own: what is always denied, what allowPrivate opens, and how IPv6
// spellings of an IPv4 address are seen through.
import { describe, expect, it } from 'vitest';
import { createEgressPolicy } from './egress.ts';

describe('egress policy', () => {
  const open = createEgressPolicy(['0.0.0.0/0', '::/0']);
  const strict = createEgressPolicy();

  it.each([
    ['169.254.169.254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.10.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
  ])('always denies %s (%s), even when allowPrivate opens everything', (address, reason) => {
    expect(open.check(address)).toEqual({ allowed: false, reason });
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
  ])('denies %s (%s) unless allowPrivate lists it', (address, reason) => {
    expect(strict.check(address)).toEqual({ allowed: false, reason });
    expect(open.check(address)).toEqual({ allowed: true });
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888'])(
    'allows the public address %s',
    (address) => {
      expect(strict.check(address)).toEqual({ allowed: true });
    },
  );

  it('opens exactly the addresses, CIDRs and names allowPrivate lists', () => {
    const policy = createEgressPolicy(['127.0.0.1', '10.20.0.0/16', 'intranet.example.com']);
    expect(policy.check('127.0.0.1').allowed).toBe(true);
    expect(policy.check('127.0.0.2').allowed).toBe(false);
    expect(policy.check('10.20.3.4').allowed).toBe(true);
    expect(policy.check('10.21.0.1').allowed).toBe(false);
    expect(policy.check('192.168.5.5', 'intranet.example.com').allowed).toBe(true);
    expect(policy.check('192.168.5.5', 'Intranet.Example.com.').allowed).toBe(true);
    expect(policy.check('192.168.5.5', 'other.example.com').allowed).toBe(false);
    expect(policy.check('169.254.169.254', 'intranet.example.com').allowed).toBe(false);
  });

  it('throws AH_EGRESS_DENIED for a denied IP literal and ignores names', () => {
    expect(() => strict.assertLiteral('[::1]')).toThrow(expect.objectContaining({ code: 'AH_EGRESS_DENIED' }));
    expect(() => strict.assertLiteral('example.com')).not.toThrow();
  });

  it('refuses a name when any address it resolves to is denied (proxy path)', async () => {
    await expect(strict.assertAllResolved('localhost', new AbortController().signal)).rejects.toMatchObject({
      code: 'AH_EGRESS_DENIED',
      details: { host: 'localhost', reason: 'loopback' },
    });
  });

  it('rejects a malformed CIDR in the configuration', () => {
    expect(() => createEgressPolicy(['10.0.0.0/x'])).toThrow(TypeError);
  });
});
