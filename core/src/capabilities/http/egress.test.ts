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

  it('picks the first allowed address of a name, and throws AH_EGRESS_DENIED when none is', () => {
    const allowing = createEgressPolicy(['127.0.0.1']);
    const addresses = [{ address: '10.0.0.1' }, { address: '127.0.0.1' }];
    expect(allowing.pick('svc.test', addresses)).toBe('127.0.0.1');
    expect(() => strict.pick('[::1]', [{ address: '::1' }])).toThrow(
      expect.objectContaining({ code: 'AH_EGRESS_DENIED', details: { host: '::1', reason: 'loopback' } }),
    );
  });

  it('lets a trusted (operator-approved) proxy be private, never link-local or metadata', () => {
    expect(strict.pick('proxy.corp', [{ address: '10.1.2.3' }], true)).toBe('10.1.2.3');
    for (const address of ['169.254.10.1', '169.254.169.254']) {
      expect(() => strict.pick('proxy.corp', [{ address }], true)).toThrow(
        expect.objectContaining({ code: 'AH_EGRESS_DENIED' }),
      );
    }
  });

  it('refuses a name when any address it resolves to is denied (proxy path)', () => {
    expect(() => strict.assertAll('mixed.test', [{ address: '93.184.216.34' }, { address: '127.0.0.1' }])).toThrow(
      expect.objectContaining({ code: 'AH_EGRESS_DENIED', details: { host: 'mixed.test', reason: 'loopback' } }),
    );
  });

  it('rejects a malformed CIDR in the configuration', () => {
    expect(() => createEgressPolicy(['10.0.0.0/x'])).toThrow(TypeError);
  });
});
