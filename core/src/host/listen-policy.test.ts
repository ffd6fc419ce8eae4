// Plain HTTP on loopback only: any other address needs TLS or the explicit allowPlainHttp setting.
import { describe, expect, it } from 'vitest';
import { HOST_SETTINGS } from '../config/index.ts';
import { checkListenAddress, isLoopbackAddress } from './listen-policy.ts';

describe('where a host may listen in clear', () => {
  it('knows loopback addresses from the others', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'])
      expect(isLoopbackAddress(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.0.2.1', 'fe80::1', 'host.example', '128.0.0.1'])
      expect(isLoopbackAddress(host), host).toBe(false);
  });

  it('refuses another address without TLS, unless allowed; TLS or loopback always pass', () => {
    const plain = { tls: false, allowPlainHttp: false };
    expect(() => checkListenAddress('0.0.0.0', plain)).toThrow(
      expect.objectContaining({ code: 'AH_PLAIN_HTTP_REFUSED', details: { host: '0.0.0.0' } }),
    );
    expect(() => checkListenAddress('10.0.0.5', plain)).toThrow(
      expect.objectContaining({ code: 'AH_PLAIN_HTTP_REFUSED' }),
    );
    expect(() => checkListenAddress('127.0.0.1', plain)).not.toThrow();
    expect(() => checkListenAddress('0.0.0.0', { tls: true, allowPlainHttp: false })).not.toThrow();
    expect(() => checkListenAddress('0.0.0.0', { tls: false, allowPlainHttp: true })).not.toThrow();
  });

  it('is off by default and turned on by the setting', () => {
    expect(HOST_SETTINGS.load({ env: {} }).allowPlainHttp).toBe(false);
    expect(HOST_SETTINGS.load({ env: { ACTIONHOST_ALLOW_PLAIN_HTTP: 'true' } }).allowPlainHttp).toBe(true);
  });
});
